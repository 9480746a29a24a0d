import Benchmark
import Foundation
import GilBench

/// Writing result rows: formatting a full row (every column of the schema) and appending it to a
/// file with one `write(2)`, as `gilbench run` does after each repetition. Scaled: per row.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .writeSyscalls, .peakMemoryResident],
        timeUnits: .nanoseconds,
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 200,
        thresholds: [
            .wallClock: .init(relative: [.p90: 50.0], absolute: [:]),
            .throughput: .init(relative: [.p90: 50.0], absolute: [:]),
            .mallocCountTotal: .init(relative: [.p90: 10.0], absolute: [:]),
            .writeSyscalls: .init(relative: [:], absolute: [.p90: 0]),
            .peakMemoryResident: .init(relative: [.p90: 10.0], absolute: [:]),
        ]
    )

    /// A row as a countdown run writes it, with a quoted CPU model.
    let row: CSVRecord = {
        var r = CSVRecord()
        for column in Column.allCases { r[column] = "" }
        r.set(.schemaVersion, Column.currentSchemaVersion)
        r.set(.runID, "20261121T210000Z-beef")
        r.set(.workload, "countdown")
        r.set(.mode, "threads")
        r.set(.gil, "ticks")
        r.set(.lock, "semaphore")
        r.set(.threads, 2)
        r.set(.n, 20_000_000)
        r.set(.wallSeconds, 1.234567891)
        r.set(.userSeconds, 1.5)
        r.set(.gilHandoffs, 123_456)
        r.set(.cpuModel, "Intel(R) Xeon(R) CPU, \"2.2 GHz\"")
        return r
    }()

    Benchmark("format-row") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(row.line)
        }
    }

    Benchmark("format-and-append-row") { benchmark in
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-bench-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CSVWriter(path: path)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try writer.write(row)
        }
        benchmark.stopMeasurement()
    }
}
