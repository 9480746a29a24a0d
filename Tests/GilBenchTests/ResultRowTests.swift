import Foundation
import Testing
@testable import GilBench

/// A record with the given cells (others empty).
private func record(_ cells: [Column: String]) -> CSVRecord {
    var r = CSVRecord()
    for (column, value) in cells { r[column] = value }
    return r
}

@Suite("Typed result rows")
struct ResultRowTests {
    @Test("A row the simulator measured writes, reads back and decodes to the row it was")
    func simulatorRoundTrip() throws {
        var c = RunConfiguration()
        c.n = 5_000
        c.mode = .threads
        c.lock = .condvar
        c.repetitions = 1
        c.warmup = 0
        let session = Session(writer: nil)
        try session.run([c])
        let row = try #require(session.rows.first)
        #expect(row.engine == .simulator)
        #expect(row.key.cpus == row.key.cpuList?.count)
        #expect(row.switchIntervalMs == nil, "the tick design has no switch interval: empty, not 0")
        let text = Column.header + "\n" + row.record.line + "\n"
        let back = try CSVReader.parse(text)
        #expect(back == [row])
        #expect(back.first?.record.line == row.record.line)
    }

    @Test("A real interpreter's row (cpython-3.11.7) round-trips, empty cells staying nil")
    func realInterpreterRoundTrip() throws {
        let cells: [Column: String] = [
            .schemaVersion: "1", .runID: "20261121T210000Z-beef", .timestamp: "2026-11-21T21:00:00Z", .experiment: "python",
            .engine: "cpython-3.11.7", .workload: "countdown", .mode: "threads", .gil: "interval", .tasks: "2", .threads: "2",
            .processes: "1", .cpus: "2", .cpuList: "0 1", .n: "4000000", .switchIntervalMs: "0.5", .sweepParameter: "switch_interval_ms",
            .repeat: "3", .wallSeconds: "0.412345", .userSeconds: "0.8", .systemSeconds: "0.01", .voluntaryContextSwitches: "12",
            .involuntaryContextSwitches: "40", .host: "box", .cores: "2", .cpuModel: "Xeon, \"fast\"",
        ]
        let row = ResultRow(record: record(cells))
        #expect(row.engine == .interpreter(name: "cpython-3.11.7", gil: .interval))
        #expect(row.engine?.name == "cpython-3.11.7")
        #expect(row.mode == .threads && row.gil == .interval && row.cpuList == [0, 1])
        #expect(row.sweepParameter == .switchInterval && row.switchIntervalMs == 0.5)
        #expect(row.repetition == 3 && row.wallSeconds == 0.412345 && row.voluntaryContextSwitches == 12)
        #expect(row.lock == nil && row.checkInterval == nil)
        #expect(row.ticks == nil && row.gilHandoffs == nil && row.syscallsTotal == nil, "not measured: nil, never 0")
        #expect(row.key.undecoded.isEmpty && row.measurements.undecoded.isEmpty)
        #expect(row.record == record(cells))
        #expect(try CSVReader.parse(Column.header + "\n" + row.record.line + "\n") == [row])
        #expect(!row.key.label.isEmpty && row.key.label.hasPrefix("cpython-3.11.7: countdown threads interval"))
    }

    @Test("Cells that do not decode are kept verbatim: they still tell configurations apart and write back")
    func undecodedCells() {
        let warp = ResultRow(record: record([.mode: "warp", .tasks: "two", .wallSeconds: "1.5", .ticks: "12.0", .cores: "many"]))
        #expect(warp.mode == nil && warp.key.undecoded[.mode] == "warp" && warp.tasks == nil)
        #expect(warp.measurements[.ticks] == 12, "a number kept verbatim still reads as its number")
        #expect(warp.record == record([.mode: "warp", .tasks: "two", .wallSeconds: "1.5", .ticks: "12.0", .cores: "many"]))
        let other = ResultRow(record: record([.mode: "hyper", .tasks: "two"]))
        #expect(warp.key != other.key)
        #expect(Summary(rows: [warp, other, warp]).groups.map(\.rows.count) == [2, 1])
    }

    @Test("A configuration's key holds the columns that apply to it, as the row writes them")
    func keyOfConfiguration() {
        var c = RunConfiguration()
        c.gil = .interval
        c.switchIntervalMilliseconds = 0.25
        c.workload = .extension
        c.churnN = 10
        let key = ConfigurationKey(c)
        #expect(key.engine == .simulator && key.lock == nil && key.checkInterval == nil)
        #expect(key.switchIntervalMs == 0.25 && key.churnN == 10 && key.calls == c.calls && key.n == nil)
        #expect(key.syscallCounter == nil)
        #expect(c.record[.switchIntervalMs] == "0.25" && c.record[.lock] == nil && c.record[.engine] == "gilbench-sim")
    }
}
