import Foundation
import GilBench
import Testing

@Suite("gilbench python --simulator, end to end")
struct PythonCommandTests {
    @Test("python3 beside the simulator: the countdown's control ratios, and with perf the GIL's traffic per iteration",
          .enabled(if: (try? PythonInterpreter.locate("python3")) != nil, "needs python3"))
    func controlAndTraffic() throws {
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-python-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: csv) }
        let counter = perfWorks ? "perf" : "none"
        let run = try runGilbench([
            "python", "--python", "python3", "--only", "countdown", "--simulator", "--n", "200000", "--repeat", "1",
            "--syscalls", counter, "--output", csv,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("simulator against the real interpreter"))
        for ratio in [Summary.workerOverMainRatio, Summary.threadsOverWorkerRatio] {
            #expect(run.stdout.contains(ratio), "\(ratio)")
        }
        let rows = try ResultFile(path: csv).results
        #expect(rows.contains { $0.key.sequentialThread == .worker && $0.key.engine != .simulator })
        #expect(rows.contains { $0.key.sequentialThread == .worker && $0.key.engine == .simulator })
        if perfWorks {
            #expect(run.stdout.contains("futex calls per iteration"))
        }
    }
}
