import Foundation
import Synchronization
import Testing
@testable import GilBench

@Suite("The disturbance columns in CSV")
struct DisturbanceColumnTests {
    @Test("steal_s, foreign_cpu_s, disturbed and attempts write and read back; they end the measurements")
    func roundTrip() throws {
        var row = ResultRow(runID: "r", timestamp: "t", repetition: 1)
        row.key.mode = .threads
        row.measurements.wallSeconds = 1.5
        row.measurements.stealSeconds = 0.03
        row.measurements.foreignCPUSeconds = 0.42
        row.measurements.disturbed = 1
        row.measurements.attempts = 3
        let record = row.record
        #expect(record[.stealSeconds] == "0.03" && record[.foreignCPUSeconds] == "0.42")
        #expect(record[.disturbed] == "1" && record[.attempts] == "3")
        let back = try CSVReader.parse(Column.header + "\n" + record.line + "\n")
        #expect(back == [row])
        #expect(back.first?.measurements.isDisturbed == true)
        let names = Column.allCases.map(\.rawValue)
        let i = try #require(names.firstIndex(of: "gil_failed_wakeups_histogram"))
        #expect(Array(names[(i + 1)...(i + 4)]) == ["steal_s", "foreign_cpu_s", "disturbed", "attempts"])
        // Then the real interpreter's GIL counts (issue 14), added after them; then the CPU speeds
        // (issue 22); then a JIT interpreter's warm-ups (issue 25); then the server's memory (issue 24); then the machine.
        #expect(Array(names[(i + 5)...(i + 6)]) == ["gil_releases", "gil_probe"])
        #expect(Array(names[(i + 7)...(i + 12)]) == ["cpu_speed_min", "cpu_speed_max", "cpu_speed_spread", "jit_warmups", "rss_kib", "host"])
        #expect(Column.disturbance.allSatisfy { $0.isMeasurement })
        // Not decoded cells are kept verbatim; empty ones are nil.
        let odd = ResultRow(record: { var r = CSVRecord(); r[.disturbed] = "maybe"; r[.attempts] = ""; return r }())
        #expect(odd.measurements.disturbed == nil && odd.measurements.undecoded[.disturbed] == "maybe" && odd.measurements.attempts == nil)
    }

    @Test("A file written before the columns existed still compares; compare leaves them out")
    func olderFile() throws {
        var row = ResultRow(runID: "r", timestamp: "t", repetition: 1)
        row.key.mode = .threads
        row.key.workload = .countdown
        row.measurements.wallSeconds = 1.5
        let columns = Column.allCases.filter { !Column.disturbance.contains($0) }
        let record = row.record
        let text = columns.map(\.rawValue).joined(separator: ",") + "\n"
            + columns.map { CSVRecord.quote(record[$0] ?? "") }.joined(separator: ",") + "\n"
        let old = try ResultFile(path: "old.csv", text: text)
        #expect(old.rows.count == 1)
        var current = row
        current.measurements.attempts = 2
        current.measurements.disturbed = 0
        let now = try ResultFile(path: "new.csv", text: Column.header + "\n" + current.record.line + "\n")
        let comparison = try Comparison(baseline: old, current: now)
        #expect(!comparison.entries.contains { [Column.stealSeconds, .foreignCPUSeconds, .disturbed, .attempts].map(ComparedMetric.column).contains($0.metric) })
        #expect(comparison.entries.contains { $0.metric == .column(.wallSeconds) })
        #expect(comparison.repetitionWarnings(baseline: "old.csv", current: "new.csv").count == 2)
        #expect(ComparedMetric(name: "attempts") == nil && ComparedMetric(name: "wall_s") == .column(.wallSeconds))
    }
}
