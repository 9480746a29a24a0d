import Foundation
import GilBench
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

/// Runs gilbench and expects it to refuse: exit status `status` (64, a usage error, unless told),
/// `fragment` in what it printed on stderr, and no crash. Returns the result for further checks.
@discardableResult
func expectRefusal(
    _ arguments: [String], status: Int32 = 64, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
) throws -> (status: Int32, stdout: String, stderr: String) {
    let result = try runGilbench(arguments)
    #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    return result
}

/// Runs gilbench with `--output` to a fresh temporary CSV file and expects exit status 0. Returns the
/// result and the rows the file holds (by column); the file is removed.
func runWritingCSV(
    _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
) throws -> (result: (status: Int32, stdout: String, stderr: String), rows: [[String: String]]) {
    let path = NSTemporaryDirectory() + "gilbench-cli-\(UUID().uuidString).csv"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try runGilbench(arguments + ["--output", path])
    #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
    return (result, try readCSV(path))
}

/// The folder that holds the test bundle and the built executables.
var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
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
        let (result, rows) = try runWritingCSV([
            "run", "--mode", "threads", "--n", "20000", "--repeat", "1", "--warmup", "0",
            "--syscalls", "perf,none", "--syscall-table", "--quiet",
        ])
        #expect(rows.count == 2)
        #expect(rows.contains { $0["syscall_counter"] == "perf" && Int($0["syscalls_total"] ?? "") ?? 0 > 0 })
        #expect(rows.contains { $0["syscall_counter"] == "" && $0["syscalls_total"] == "" })
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
        try expectRefusal(["run", "--syscalls", "dtrace"], "unknown --syscalls 'dtrace'")
    }
}
