import Foundation
import GilBench
import GilBenchTestSupport
import Testing

@Suite("System-call counting, end to end")
struct SyscallCommandTests {
    /// Parses `counter=perf total=1001 getppid=1000`.
    func counts(_ stdout: String) -> [String: String] {
        Dictionary(stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { field in
            let kv = field.split(separator: "=", maxSplits: 1)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
    }

    @Test("perf counts a child's 5,000 getppid() calls exactly, plus its one ioctl", .requiresPerf)
    func perfExact() throws {
        let result = try runGilbench(["syscall-check", "--calls", "5000", "--syscalls", "perf"])
        #expect(counts(result.stdout)["getppid"] == "5000")
        #expect(counts(result.stdout)["total"] == "5001")
    }

    @Test("ptrace counts a traced child's 5,000 getppid() calls exactly, markers excluded", .requiresPtrace)
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

    @Test("ptrace follows threads created in the region", .requiresPtrace)
    func ptraceThreads() throws {
        let result = try runGilbench(["syscall-check", "--calls", "4000", "--threads", "4", "--syscalls", "ptrace"])
        #expect(counts(result.stdout)["getppid"] == "4000")
    }

    @Test("run with perf,none fills the columns for perf rows and leaves them empty otherwise", .requiresPerf)
    func runColumns() throws {
        let (result, rows) = try runWritingCSV([
            "run", "--mode", "threads", "--n", "20000", "--repeat", "1", "--warmup", "0",
            "--syscalls", "perf,none", "--syscall-table", "--quiet",
        ])
        #expect(rows.count == 2)
        #expect(rows.contains { $0.syscallCounter == .perf && $0.syscallsTotal ?? 0 > 0 })
        #expect(rows.contains { $0.syscallCounter == nil && $0.syscallsTotal == nil })
        #expect(result.stdout.contains("wall perf/none"))
        #expect(result.stdout.contains("% total"))
    }

    @Test("A run under another tracer completes, says ptrace was refused, leaves the columns empty", .requiresStrace)
    func ptraceRefusedEndToEnd() throws {
        let strace = try #require(Capabilities.strace)
        let result = try runGilbench(["syscall-check", "--calls", "10", "--syscalls", "ptrace"], launcher: [strace, "-f", "-o", "/dev/null"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("ptrace system-call counter unavailable: ptrace refused"), "\(result.stderr)")
        #expect(result.stdout.contains("counter=none"))
    }

    @Test("An unknown --syscalls value is a usage error")
    func badCounter() throws {
        try expectRefusal(["run", "--syscalls", "dtrace"], "unknown --syscalls 'dtrace'")
    }
}
