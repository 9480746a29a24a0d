import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("CSVReader: a gilbench CSV read back into typed rows")
struct CSVReaderTests {
    @Test("What CSVWriter writes, CSVReader reads back, quotes and all")
    func roundTrip() throws {
        let path = temporaryFilePath("csv-reader", extension: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var r = CSVRecord()
        r.set(.schemaVersion, 1)
        r.set(.wallSeconds, 1.25)
        r.set(.cpuModel, "Intel, \"fast\" one")
        r.set(.host, "multi\nline")
        let writer = try CSVWriter(path: path)
        try writer.write(r)
        try writer.write(r)
        let rows = try CSVReader.read(path: path)
        #expect(rows == [ResultRow(record: r), ResultRow(record: r)])
        #expect(rows.map(\.record) == [r, r])
    }

    @Test("Malformed files are refused with the file and line", arguments: [
        ("", "empty file"),
        ("a,b\n1,2\n", "x.csv:1: not a gilbench CSV"),
        ("schema_version,wall_s\n1,2,3\n", "x.csv:2: 3 fields where the header has 2"),
        ("schema_version,wall_s\n1,\"2\n", "x.csv:2: a quoted field opened here is never closed"),
        ("schema_version,wall_s\n1,\"2\"x\n", "x.csv:2: text after the closing quote of field 2"),
        ("schema_version,wall_s\n1,2\"\n", "x.csv:2: a quote inside an unquoted field"),
    ])
    func malformed(text: String, message: String) {
        do {
            _ = try CSVReader.parse(text, path: "x.csv")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .badInput)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("A missing file is unreadable input")
    func missing() {
        do {
            _ = try CSVReader.read(path: "/nonexistent/x.csv")
            Issue.record("read a missing file")
        } catch {
            #expect(error.code == .unreadableInput)
        }
    }
}
