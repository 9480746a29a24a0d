import Foundation
import Testing

/// Runs the built `gilbench` binary and returns (status, stdout, stderr).
func runGilbench(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let binary = productsDirectory.appendingPathComponent("gilbench")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// The folder that holds the test bundle and the built executables.
var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
}

@Suite("gilbench run, end to end")
struct RunCommandTests {
    @Test("Bad input gets one clear line and exit status 64", arguments: [
        (["run", "--workload", "nope"], "nope"),
        (["run", "--n=-5"], "--n must be 0 or more"),
        (["run", "--check-interval", "0"], "--check-interval must be at least 1"),
        (["run", "--cpus", "64"], "asks for more CPUs"),
        (["run", "--cpu-list", "0,99"], "CPU 99"),
        (["run", "--mode", "sideways"], "unknown --mode 'sideways'"),
    ])
    func badInput(arguments: [String], fragment: String) throws {
        let result = try runGilbench(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }
}

/// Whether perf tracepoint counting works here (root and tracefs): asks the built tool.
let perfWorks: Bool = (try? runGilbench(["syscall-check", "--calls", "1", "--syscalls", "perf"]))?.stdout.hasPrefix("counter=perf") ?? false
/// Whether ptrace works here (not already traced, no policy against it).
let ptraceWorks: Bool = (try? runGilbench(["syscall-check", "--calls", "1", "--syscalls", "ptrace"]))?.stdout.hasPrefix("counter=ptrace") ?? false

@Suite("System-call counting, end to end")
struct SyscallCommandTests {
    /// Parses `counter=perf total=1001 getppid=1000`.
    func counts(_ stdout: String) -> [String: String] {
        Dictionary(stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { field in
            let kv = field.split(separator: "=", maxSplits: 1)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
    }

    @Test("perf counts a child's 5,000 getppid() calls exactly, plus its one ioctl", .enabled(if: perfWorks, "needs perf (root, tracefs)"))
    func perfExact() throws {
        let result = try runGilbench(["syscall-check", "--calls", "5000", "--syscalls", "perf"])
        #expect(counts(result.stdout)["getppid"] == "5000")
        #expect(counts(result.stdout)["total"] == "5001")
    }

    @Test("ptrace counts a traced child's 5,000 getppid() calls exactly, markers excluded", .enabled(if: ptraceWorks, "needs ptrace"))
    func ptraceExact() throws {
        let result = try runGilbench(["syscall-check", "--calls", "5000", "--syscalls", "ptrace"])
        #expect(result.status == 0)
        #expect(counts(result.stdout)["getppid"] == "5000")
        // ptrace sees every thread of the traced process, also ones that existed before the region (a
        // sanitizer's background thread): allow a few calls of theirs; the markers are never counted.
        let total = try #require(counts(result.stdout)["total"].flatMap(Int.init))
        #expect((5000...5010).contains(total))
        #expect(result.stderr.contains("timings are slowed"))
    }

    @Test("ptrace follows threads created in the region", .enabled(if: ptraceWorks, "needs ptrace"))
    func ptraceThreads() throws {
        let result = try runGilbench(["syscall-check", "--calls", "4000", "--threads", "4", "--syscalls", "ptrace"])
        #expect(counts(result.stdout)["getppid"] == "4000")
    }

    @Test("run with perf,none fills the columns for perf rows and leaves them empty otherwise", .enabled(if: perfWorks, "needs perf"))
    func runColumns() throws {
        let path = "/tmp/gilbench-syscalls-\(getpid()).csv"
        defer { unlink(path) }
        let result = try runGilbench([
            "run", "--mode", "threads", "--n", "20000", "--repeat", "1", "--warmup", "0",
            "--syscalls", "perf,none", "--syscall-table", "--output", path, "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let counter = try #require(header.firstIndex(of: "syscall_counter"))
        let total = try #require(header.firstIndex(of: "syscalls_total"))
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 2)
        #expect(rows.contains { $0[counter] == "perf" && Int($0[total]) ?? 0 > 0 })
        #expect(rows.contains { $0[counter] == "" && $0[total] == "" })
        #expect(result.stdout.contains("wall perf/none"))
        #expect(result.stdout.contains("% total"))
    }

    @Test("A run under another tracer completes, says ptrace was refused, leaves the columns empty")
    func ptraceRefusedEndToEnd() throws {
        let strace = "/usr/bin/strace"
        guard access(strace, X_OK) == 0 else { return }
        let binary = productsDirectory.appendingPathComponent("gilbench").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strace)
        process.arguments = ["-f", "-o", "/dev/null", binary, "syscall-check", "--calls", "10", "--syscalls", "ptrace"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(stderr.contains("ptrace system-call counter unavailable: ptrace refused"), "\(stderr)")
        #expect(stdout.contains("counter=none"))
    }

    @Test("An unknown --syscalls value is a usage error")
    func badCounter() throws {
        let result = try runGilbench(["run", "--syscalls", "dtrace"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown --syscalls 'dtrace'"))
    }
}
