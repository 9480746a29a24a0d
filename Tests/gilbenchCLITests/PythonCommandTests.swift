import Foundation
import GilBench
import GilBenchTestSupport
import Testing

@Suite("gilbench python --simulator, end to end")
struct PythonCommandTests {
    /// Runs `gilbench python --python python3 --only countdown --simulator` (200,000 iterations, one
    /// repetition) counting system calls with `counter`; expects it to succeed and returns what it
    /// printed and the rows of its CSV.
    func countdownBesideSimulator(syscalls counter: String) throws -> (stdout: String, rows: [ResultRow]) {
        let (run, rows) = try runWritingCSV([
            "python", "--python", "python3", "--only", "countdown", "--simulator", "--n", "200000", "--repeat", "1",
            "--syscalls", counter,
        ])
        return (run.stdout, rows)
    }

    @Test("python3 beside the simulator: the countdown's control ratios, for the interpreter and the simulator", .requiresCPython3)
    func controlRatios() throws {
        let (stdout, rows) = try countdownBesideSimulator(syscalls: "none")
        #expect(stdout.contains("simulator against the real interpreter"))
        for ratio in [RatioKind.workerOverMainThread, .threadsOverWorkerThread].map(\.name) {
            #expect(stdout.contains(ratio), "\(ratio)")
        }
        #expect(rows.contains { $0.key.sequentialThread == .worker && $0.key.engine != .simulator })
        #expect(rows.contains { $0.key.sequentialThread == .worker && $0.key.engine == .simulator })
    }

    @Test("python3 beside the simulator, with perf: the GIL's traffic per iteration", .requiresCPython3, .requiresPerf)
    func trafficWithPerf() throws {
        let (stdout, rows) = try countdownBesideSimulator(syscalls: "perf")
        #expect(stdout.contains("futex calls per iteration"), "\(stdout)")
        #expect(rows.contains { $0.key.engine != .simulator && $0.key.syscallCounter == .perf })
    }
}
