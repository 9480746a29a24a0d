@testable import GilBench

/// Three configurations of the countdown, three repetitions each, as gilbench measures them.
let sampleRows: [ResultRow] = {
    var rows: [ResultRow] = []
    let walls: [(ExecutionMode, Int, [Double])] = [
        (.sequential, 2, [1.0, 1.2, 1.1]),
        (.threads, 2, [1.6, 1.9, 1.7]),
        (.threads, 1, [1.1, 1.2, 1.15]),
    ]
    for (mode, cpus, values) in walls {
        for (i, w) in values.enumerated() {
            var r = ResultRow(repetition: i + 1)
            r.key.experiment = "countdown"
            r.key.workload = .countdown
            r.key.mode = mode
            r.key.gil = .ticks
            r.key.lock = .semaphore
            r.key.tasks = 2
            r.key.threads = mode == .sequential ? 1 : 2
            r.key.cpus = cpus
            r.key.cpuList = cpus == 1 ? [0] : Catalogue.allCPUs
            r.key.n = 1000
            r.key.checkInterval = 100
            r.measurements.wallSeconds = w
            r.measurements.syscallsTotal = mode == .sequential ? 40 + i : 900_000 + i
            r.measurements.syscallsFutex = mode == .sequential ? 2 : 850_000 + i
            rows.append(r)
        }
    }
    return rows
}()

/// ``sampleRows`` as a CSV file holds them.
let sampleCSV: String = Column.header + "\n" + sampleRows.map(\.record.line).joined(separator: "\n") + "\n"
