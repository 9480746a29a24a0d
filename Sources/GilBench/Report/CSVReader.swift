import Foundation

/// Reads a CSV file gilbench wrote back into records (RFC 4180 quoting).
///
/// Columns are matched by name, so a file from an older gilbench (fewer columns) reads too; columns
/// this build does not know are skipped. A file without `schema_version` and `wall_s` is not
/// gilbench's and is refused.
public enum CSVReader {
    /// Reads and parses `path`.
    /// - Throws: ``GilBenchError`` `.unreadableInput` when the file cannot be read, `.badInput` (with
    ///   the file and line) when it is not a gilbench CSV or a row is malformed.
    public static func read(path: String) throws(GilBenchError) -> [CSVRecord] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GilBenchError(.unreadableInput, "cannot read \(path)", errno: ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) })
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses CSV text; `path` names the source in messages.
    public static func parse(_ text: String, path: String = "input") throws(GilBenchError) -> [CSVRecord] {
        let rows = try split(text, path: path)
        guard let header = rows.first else { throw GilBenchError(.badInput, "\(path): empty file, not a gilbench CSV") }
        let columns = header.fields.map { Column(rawValue: $0) }
        for required in [Column.schemaVersion, .wallSeconds] where !columns.contains(required) {
            throw GilBenchError(.badInput, "\(path):1: not a gilbench CSV (no '\(required.rawValue)' column in the header)")
        }
        var records: [CSVRecord] = []
        for row in rows.dropFirst() {
            if row.fields == [""] { continue }
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

    /// Splits text into rows of fields, honouring quotes; each row keeps the line it starts on.
    static func split(_ text: String, path: String) throws(GilBenchError) -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1, rowLine = 1
        var chars = Array(text.unicodeScalars)[...]
        var atFieldStart = true
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case "\"":
                throw GilBenchError(.badInput, "\(path):\(line): a quote inside an unquoted field")
            case ",":
                fields.append(field); field = ""; atFieldStart = true
            case "\r":
                continue
            case "\n":
                fields.append(field); field = ""; atFieldStart = true
                rows.append((rowLine, fields)); fields = []
                line += 1; rowLine = line
            default:
                field.unicodeScalars.append(c)
                atFieldStart = false
            }
        }
        if quoted { throw GilBenchError(.badInput, "\(path):\(rowLine): a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((rowLine, fields))
        }
        return rows
    }
}
