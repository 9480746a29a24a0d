import Foundation
import Testing

@Suite("gilbench sweep and the GIL design options, end to end")
struct SweepCommandTests {
    @Test("sweep writes one CSV: the parameter named in sweep_parameter, its value in its own column")
    func sweepWritesParameterColumn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-sweep-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try runGilbench([
            "sweep", "--workload", "extension", "--parameter", "churn-n", "--values", "0,50",
            "--calls", "200", "--threads", "2", "--repeat", "1", "--warmup", "0", "--quiet", "--output", path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 4)  // 2 values x (sequential, threads)
        let parameter = try #require(header.firstIndex(of: "sweep_parameter"))
        let churn = try #require(header.firstIndex(of: "churn_n"))
        let calls = try #require(header.firstIndex(of: "calls"))
        #expect(rows.allSatisfy { $0[parameter] == "churn_n" && $0[calls] == "200" })
        #expect(rows.map { $0[churn] }.sorted() == ["0", "0", "50", "50"])
    }

    @Test("run accepts every GIL design and fills the design's columns")
    func runEveryDesign() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-gils-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try runGilbench([
            "run", "--n", "200000", "--gil", "ticks,interval,fair,priority,none", "--mode", "threads",
            "--switch-interval", "2", "--repeat", "1", "--warmup", "0", "--quiet", "--output", path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let gil = try #require(header.firstIndex(of: "gil"))
        let interval = try #require(header.firstIndex(of: "switch_interval_ms"))
        let p50 = try #require(header.firstIndex(of: "gil_wait_p50_us"))
        #expect(rows.map { $0[gil] } == ["ticks", "interval", "fair", "priority", "none"])
        #expect(rows.map { $0[interval] } == ["", "2", "", "2", ""])
        // Waits are recorded for every design that has waits (none has none).
        #expect(rows.filter { $0[gil] != "none" }.allSatisfy { !$0[p50].isEmpty })
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
        let result = try runGilbench(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }
}
