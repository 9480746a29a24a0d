@testable import GilBench

/// A gilbench CSV with the current header and the given rows (cells by column; others empty).
func resultText(_ rows: [[Column: String]]) -> String {
    var lines = [Column.header]
    for cells in rows {
        var record = CSVRecord()
        record.set(.schemaVersion, Column.currentSchemaVersion)
        record.set(.runID, "r1")
        for (column, value) in cells { record[column] = value }
        lines.append(record.line)
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Rows of a countdown run: `walls` per mode, repetitions numbered from 1.
func countdownRows(sequential: [Double], threads: [Double], extra: [Column: String] = [:]) -> [[Column: String]] {
    var rows: [[Column: String]] = []
    for (mode, walls) in [("sequential", sequential), ("threads", threads)] {
        for (i, wall) in walls.enumerated() {
            var cells: [Column: String] = [
                .workload: "countdown", .mode: mode, .gil: "ticks", .lock: "semaphore", .tasks: "2",
                .threads: mode == "threads" ? "2" : "1", .cpus: "2", .n: "1000", .checkInterval: "100",
                .repeat: String(i + 1), .wallSeconds: String(wall), .ticks: "4000",
            ]
            cells.merge(extra) { _, new in new }
            rows.append(cells)
        }
    }
    return rows
}
