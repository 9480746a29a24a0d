import Foundation
import GilBench
import GilBenchTestSupport
import Testing

@Suite("gilbench sweep and the GIL design options, end to end")
struct SweepCommandTests {
    @Test("sweep writes one CSV: the parameter named in sweep_parameter, its value in its own column")
    func sweepWritesParameterColumn() throws {
        let (_, rows) = try runWritingCSV([
            "sweep", "--workload", "extension", "--parameter", "churn-n", "--values", "0,50",
            "--calls", "200", "--threads", "2", "--repeat", "1", "--warmup", "0", "--quiet",
        ])
        #expect(rows.count == 4)  // 2 values x (sequential, threads)
        #expect(rows.allSatisfy { $0.sweepParameter == .churnN && $0.calls == 200 })
        #expect(rows.map { $0.churnN ?? -1 }.sorted() == [0, 0, 50, 50])
    }

    @Test("run accepts every GIL design and fills the design's columns")
    func runEveryDesign() throws {
        let (_, rows) = try runWritingCSV([
            "run", "--n", "200000", "--gil", "ticks,interval,fair,priority,none", "--mode", "threads",
            "--switch-interval", "2", "--repeat", "1", "--warmup", "0", "--quiet",
        ])
        #expect(rows.map(\.gil) == [.ticks, .interval, .fair, .priority, GILDesign.none])
        #expect(rows.map(\.switchIntervalMs) == [nil, 2, nil, 2, nil])
        // Waits are recorded for every design that has waits (none has none).
        #expect(rows.filter { $0.gil != GILDesign.none }.allSatisfy { $0.gilWaitP50Us != nil })
    }

    @Test("Bad design and sweep options get one clear line and exit status 64", arguments: [
        (["run", "--gil", "fifo"], "unknown --gil 'fifo'"),
        (["run", "--gil", "interval", "--switch-interval", "0"], "--switch-interval must be between"),
        (["run", "--workload", "extension", "--churn-n=-1"], "--churn-n must be 0 or more"),
        (["run", "--workload", "extension", "--calls", "0"], "--calls must be at least 1"),
        (["run", "--workload", "io-latency", "--cpu-threads=-2"], "--cpu-threads must be between"),
        (["sweep", "--parameter", "speed", "--values", "1", "--output", "/tmp/x.csv"], "speed"),
        (["sweep", "--parameter", "churn-n", "--values", "1,x", "--workload", "extension", "--output", "/tmp/x.csv"], "'x' is not an integer"),
        (["sweep", "--parameter", "switch-interval", "--values", "1", "--gil", "ticks", "--output", "/tmp/x.csv"], "changes nothing"),
    ])
    func badInput(arguments: [String], fragment: String) throws {
        try expectRefusal(arguments, fragment)
    }
}
