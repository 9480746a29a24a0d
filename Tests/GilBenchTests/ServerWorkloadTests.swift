import Foundation
import Glibc
import GilBenchTestSupport
import Testing
@testable import GilBench

/// The simulator's server workload (issue 24, `ServerWorkload`): each model answers every request of
/// the client process (`gilbench load-client`, which checks each answer's number), under the GIL's
/// one promise; bad settings are usage errors; a failed run leaves nothing behind.
@Suite("ServerWorkload", .serialized)
struct ServerWorkloadTests {
    /// The in-process models.
    static let models: [ExecutionMode] = [.threads, .events, .coroutines]
    /// Every model: the in-process ones and the pre-forked worker processes (`ServerWorkers`).
    static let allModels = models + [.processes]

    /// A short server run: a 50 ms warm-up, then a window that ends after `requests` answers.
    static func configuration(_ mode: ExecutionMode, connections: Int, cpuThreads: Int = 0, requests: Int = 200) -> RunConfiguration {
        var c = RunConfiguration.server(mode, connections: connections, cpuThreads: cpuThreads)
        c.serverWarmupSeconds = 0.05
        c.durationSeconds = 5
        c.requests = requests
        return c
    }

    @Test("Every model answers every request on 1, 10 and 100 connections, with the default GIL and without one",
          arguments: allModels, [GILDesign.ticks, .none])
    func answersEveryRequest(mode: ExecutionMode, design: GILDesign) throws {
        for connections in [1, 10, 100] {
            var c = Self.configuration(mode, connections: connections)
            c.gil = design
            let m = try Runner.measure(c, workerExecutable: try gilbenchExecutable())
            // The window ended after exactly `requests` answers, each checked by the client.
            let rate = try #require(m.outcome.requestsPerSecond, "\(mode) on \(connections)")
            #expect(rate > 0)
            let p50 = try #require(m.outcome.latencyP50Microseconds), p99 = try #require(m.outcome.latencyP99Microseconds)
            #expect(p50 > 0 && p50 <= p99)
            #expect(m.outcome.rssKiB != nil, "\(m.warnings)")
            #expect(m.instructions > 0, "the interpreted server ran")
        }
    }

    @Test("A CPU-bound thread beside each model counts down until the server stops, and the run ends", arguments: allModels)
    func cpuThreadEndsWithTheServer(mode: ExecutionMode) throws {
        let m = try Runner.measure(Self.configuration(mode, connections: 10, cpuThreads: 1, requests: 20), workerExecutable: try gilbenchExecutable())
        #expect(m.outcome.requestsPerSecond ?? 0 > 0)
        #expect(try #require(m.gil).acquisitions > 0)
    }

    /// Runs `plan`'s threads under the configuration's GIL wrapped in ``CheckedGIL``.
    struct CheckedServer: GILBody {
        let plan: WorkloadPlan

        func run<G: GlobalInterpreterLock>(_ gil: G) throws -> (violations: Int, entries: Int) {
            let checked = CheckedGIL(gil)
            _ = try Runner.runInThreads(plan, gil: checked, checkPoints: .ticker27)
            return (checked.violations.load(ordering: .relaxed), checked.entries.load(ordering: .relaxed))
        }
    }

    @Test("At most one thread holds the GIL at a time in every model, beside a CPU-bound thread",
          arguments: models, DesignUnderTest.allCases)
    func oneHolderAtATime(mode: ExecutionMode, design: DesignUnderTest) throws {
        let c = Self.configuration(mode, connections: 10, cpuThreads: 1, requests: 300)
        let listener = try ServerListener(connections: c.connections)
        defer { listener.close() }
        let client = try ServerLoadClient.start(executable: try gilbenchExecutable(), port: listener.port, load: ServerLoad(c))
        defer { client.terminate() }
        let plan = try ServerWorkload.plan(
            for: c, listener: listener, deadline: MonotonicClock.nanoseconds() + 30_000_000_000, clientRunning: { true })
        defer { plan.finish() }
        let (violations, entries) = try design.settings.withGIL(recordWaits: false, CheckedServer(plan: plan))
        let result = try client.finish()
        #expect(violations == 0)
        #expect(entries > 0)
        #expect(result.answered == 300)
    }

    @Test("Bad server input is a usage error (64) with one line", arguments: [
        ["--connections", "0"], ["--rate", "0"], ["--rate", "-5"], ["--message-size", "16777217"], ["--message-size", "4"],
        ["--mode", "pool"], ["--mode", "sequential"],
    ])
    func badInput(arguments: [String]) throws {
        let result = try runGilbench(["run", "--workload", "server"] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("More connections than the open-file hard limit allows: exit 64 naming the limit, before any run")
    func tooFewDescriptors() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-server-fd-\(getpid()).csv").path
        defer { unlink(output) }
        let result = try runGilbench(
            ["run", "--workload", "server", "--mode", "events", "--connections", "10", "2000", "--duration", "0.1", "--output", output],
            launcher: ["/usr/bin/prlimit", "--nofile=512:512", "--"])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("RLIMIT_NOFILE"), "\(result.stderr)")
        let rows = (try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").count ?? 0
        #expect(rows <= 1, "refused before the 10-connection configuration ran")
    }

    @Test("A client or a server worker that dies mid-run: exit 70 naming it; no descriptor and no child process is left")
    func dyingClientLeavesNothingBehind() async throws {
        // In a process of its own, where no other test opens descriptors or starts children meanwhile.
        await #expect(processExitsWith: .success) {
            // The client, killed 0.4 s into its run (after connecting, during its window); in processes
            // mode the server's workers too (started from the same executable), which the client sees first.
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-dying-client-\(getpid()).sh").path
            let body = "#!/bin/sh\nexec timeout -s KILL 0.4 '\(try gilbenchExecutable())' \"$@\"\n"
            try body.write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            defer { unlink(script) }
            let before = ProcessLeftovers.openDescriptors()
            var failures: [String] = []
            for mode in ServerWorkloadTests.allModels {
                var c = ServerWorkloadTests.configuration(mode, connections: 10, cpuThreads: 1, requests: 1_000_000_000)
                c.durationSeconds = 30
                do throws(GilBenchError) {
                    _ = try Runner.measure(c, workerExecutable: script)
                    failures.append("\(mode): the run succeeded")
                } catch {
                    let named = mode == .processes ? error.description.contains("server") : error.description.contains("client")
                    if error.exitStatus != .runFailed || !named {
                        failures.append("\(mode): \(error)")
                    }
                }
            }
            // A client that never connects (not a gilbench: exits at once).
            do throws(GilBenchError) {
                _ = try Runner.measure(ServerWorkloadTests.configuration(.events, connections: 5), workerExecutable: "/bin/false")
                failures.append("/bin/false: the run succeeded")
            } catch {
                if error.exitStatus != .runFailed { failures.append("/bin/false: \(error)") }
            }
            // The directory listing itself holds one descriptor while it reads.
            let after = ProcessLeftovers.openDescriptors()
            guard failures.isEmpty, after.subtracting(before).count <= 1, ProcessLeftovers.children().isEmpty else {
                print("failures \(failures), new descriptors \(after.subtracting(before)), children \(ProcessLeftovers.children())")
                exit(1)
            }
        }
    }
}
