import Foundation
import GilBenchTestSupport
import Testing
import GilBench

/// `GilbenchExecutable`, through the public API only (as the benchmarks in `Benchmarks/` use it): the
/// `GILBENCH_EXECUTABLE` override, the default, the one-line refusal, and a server run whose client
/// process is started from the binary it resolves.
@Suite("GilbenchExecutable")
struct GilbenchExecutableTests {
    @Test("GILBENCH_EXECUTABLE wins over the default; unset or empty, the default is taken")
    func environmentOverridesDefault() throws {
        let built = try gilbenchExecutable()
        #expect(try GilbenchExecutable.resolve(environment: ["GILBENCH_EXECUTABLE": built], default: "/nonexistent/gilbench") == built)
        #expect(try GilbenchExecutable.resolve(environment: [:], default: built) == built)
        #expect(try GilbenchExecutable.resolve(environment: ["GILBENCH_EXECUTABLE": ""], default: built) == built)
    }

    @Test("A missing binary is refused with one line (exit 69) naming the path and where it came from")
    func missingBinaryIsRefused() throws {
        let missing = temporaryFilePath("no-gilbench", extension: nil)
        for (environment, source) in [(["GILBENCH_EXECUTABLE": missing], "from GILBENCH_EXECUTABLE"), ([:], "GILBENCH_EXECUTABLE is not set")] {
            let error = try #require(throws: GilBenchError.self) {
                try GilbenchExecutable.resolve(environment: environment, default: missing)
            }
            #expect(error.code == .unavailable)
            #expect(error.message.contains(missing) && error.message.contains(source), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
        // A file that exists but cannot be run is no binary either.
        let notExecutable = temporaryFilePath("not-executable", extension: nil)
        #expect(FileManager.default.createFile(atPath: notExecutable, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(atPath: notExecutable) }
        #expect(throws: GilBenchError.self) { try GilbenchExecutable.resolve(environment: [:], default: notExecutable) }
    }

    @Test("The public measure starts the server's client from the resolved binary, not from the caller")
    func serverRunUsesResolvedBinary() throws {
        let executable = try GilbenchExecutable.resolve(environment: ["GILBENCH_EXECUTABLE": try gilbenchExecutable()], default: "")
        var c = RunConfiguration.server(.events, connections: 4)
        c.serverWarmupSeconds = 0.02
        c.durationSeconds = 5
        c.requests = 40
        let m = try Runner.measure(c, workerExecutable: executable)
        // The test binary would not answer as `gilbench load-client`: a rate means gilbench's client ran.
        let rate = try #require(m.outcome.requestsPerSecond)
        #expect(rate > 0)
    }
}
