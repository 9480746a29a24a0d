import GilBenchSimulator
import GilBenchSystem
import Foundation
import SystemPackage

/// Reads a CSV file gilbench wrote back into typed rows (RFC 4180 quoting, `CSVParser`; each
/// record decoded by ``ResultRow/init(record:)``).
///
/// Columns are matched by name, so a file from an older gilbench (fewer columns) reads too; columns
/// this build does not know are skipped. A file without `schema_version` and `wall_s` is not
/// gilbench's and is refused.
public enum CSVReader {
    /// Reads and parses `path`.
    /// - Throws: `GilBenchError` `.unreadableInput` when the file cannot be read, `.badInput` (with
    ///   the file and line) when it is not a gilbench CSV or a row is malformed.
    public static func read(path: String) throws(GilBenchError) -> [ResultRow] {
        let text: String
        do {
            text = try FileIO.readText(path)
        } catch {
            throw GilBenchError(.unreadableInput, "cannot read \(path)", errno: error)
        }
        return try parse(text, path: path)
    }

    /// Parses CSV text; `path` names the source in messages.
    public static func parse(_ text: String, path: String = "input") throws(GilBenchError) -> [ResultRow] {
        try records(text, path: path).map(ResultRow.init(record:))
    }

    /// Parses CSV text into records, before decoding.
    public static func records(_ text: String, path: String = "input") throws(GilBenchError) -> [CSVRecord] {
        let rows: [CSVParser.Record]
        do {
            rows = try CSVParser.parse(text)
        } catch {
            throw GilBenchError(.badInput, "\(path):\(error.line): \(error.message)")
        }
        guard let header = rows.first else { throw GilBenchError(.badInput, "\(path): empty file, not a gilbench CSV") }
        let columns = header.fields.map { Column(rawValue: $0) }
        for required in [Column.schemaVersion, .wallSeconds] where !columns.contains(required) {
            throw GilBenchError(.badInput, "\(path):\(header.line): not a gilbench CSV (no '\(required.rawValue)' column in the header)")
        }
        var records: [CSVRecord] = []
        for row in rows.dropFirst() {
            guard row.fields.count == header.fields.count else {
                throw GilBenchError(.badInput, "\(path):\(row.line): \(row.fields.count) fields where the header has \(header.fields.count)")
            }
            var record = CSVRecord()
            for (column, value) in zip(columns, row.fields) where !value.isEmpty {
                if let column { record[column] = value }
            }
            records.append(record)
        }
        return records
    }
}
