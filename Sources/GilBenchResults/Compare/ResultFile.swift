import GilBenchSimulator
import GilBenchSystem
import SystemPackage

/// A gilbench CSV file read back: its rows, each with the line it starts on, checked as records and
/// then decoded into typed rows (``ResultRow/init(record:)``).
///
/// Reading checks, in this order, and reports the file and line of the first problem as a
/// `GilBenchError` (`.badInput`, exit status 65; `.unreadableInput`, 66, when the file cannot be read):
/// 1. the quoting follows RFC 4180 (a quoted field may hold commas, doubled quotes and line breaks;
///    a quote inside an unquoted field, text after a closing quote, or a quote never closed is refused);
/// 2. the header names `schema_version` and `run_id` (otherwise the file is not gilbench's);
/// 3. every row has as many fields as the header (a ragged row is refused);
/// 4. every row's `schema_version` is ``Column/currentSchemaVersion``;
/// 5. the header has every column of the current schema;
/// 6. every non-empty measurement cell is a finite number.
/// Empty lines are skipped. Columns gilbench does not know are ignored.
public struct ResultFile: Sendable {
    /// One data row and the (1-based) line of the file it starts on.
    public struct Row: Sendable {
        public var line: Int
        /// The cells as the file holds them.
        public var record: CSVRecord
        /// The row, decoded once.
        public var result: ResultRow
    }

    public var path: String
    public var rows: [Row]

    /// The records, in file order.
    public var records: [CSVRecord] { rows.map(\.record) }

    /// The typed rows, in file order.
    public var results: [ResultRow] { rows.map(\.result) }

    /// Reads and checks `path`.
    /// - Throws: `GilBenchError` `.unreadableInput` when the file cannot be read, `.badInput` with
    ///   "PATH line N: ..." when it is not a well-formed gilbench CSV of the current schema.
    public init(path: String) throws(GilBenchError) {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path)
        } catch {
            throw GilBenchError(.unreadableInput, "cannot read \(path)", errno: error)
        }
        try self.init(path: path, text: String(decoding: bytes, as: UTF8.self))
    }

    /// Checks `text` as the contents of `path` (which only names the file in messages).
    public init(path: String, text: String) throws(GilBenchError) {
        self.path = path
        func fail(_ line: Int, _ message: String) -> GilBenchError {
            GilBenchError(.badInput, "\(path) line \(line): \(message)")
        }
        let records: [CSVParser.Record]
        do {
            records = try CSVParser.parse(text)
        } catch {
            throw fail(error.line, error.message)
        }
        guard let header = records.first else {
            throw GilBenchError(.badInput, "\(path): the file is empty, not a gilbench CSV")
        }
        let names = header.fields
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        guard index[Column.schemaVersion.rawValue] != nil, index[Column.runID.rawValue] != nil else {
            throw fail(header.line, "not a gilbench CSV (its header has no schema_version and run_id columns)")
        }
        let data = records.dropFirst()
        for record in data where record.fields.count != names.count {
            throw fail(record.line, "a ragged row: \(record.fields.count) fields where the header has \(names.count)")
        }
        let schemaIndex = index[Column.schemaVersion.rawValue]!
        for record in data where record.fields[schemaIndex] != String(Column.currentSchemaVersion) {
            throw fail(record.line, "schema_version is '\(record.fields[schemaIndex])'; this gilbench reads version \(Column.currentSchemaVersion) only")
        }
        let missing = Column.allCases.filter { index[$0.rawValue] == nil && !Column.addedSinceFirstFiles.contains($0) }
        if !missing.isEmpty {
            throw fail(header.line, "missing column\(missing.count == 1 ? "" : "s") \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        guard !data.isEmpty else {
            throw fail(header.line, "a header and no rows: nothing to compare")
        }
        var rows: [Row] = []
        rows.reserveCapacity(data.count)
        for record in data {
            var row = CSVRecord()
            for column in Column.allCases {
                guard let i = index[column.rawValue] else { continue }
                let value = record.fields[i]
                if column.isMeasurement, !value.isEmpty {
                    guard let number = Double(value), number.isFinite else {
                        throw fail(record.line, "column \(column.rawValue) holds '\(value)', not a number")
                    }
                }
                row[column] = value
            }
            rows.append(Row(line: record.line, record: row, result: ResultRow(record: row)))
        }
        self.rows = rows
    }
}

extension Column {
    /// Whether the column holds a measurement (a number, or empty when not measured): the columns
    /// from `wall_s` up to the machine's, except `syscall_counter` (the name of the counter used),
    /// `gil_failed_wakeups_histogram` (a histogram written as text, `FailedWakeupHistogram`) and
    /// `gil_probe` (the name of the function counted).
    public var isMeasurement: Bool {
        guard let first = Column.allCases.firstIndex(of: .wallSeconds),
              let machine = Column.allCases.firstIndex(of: .host),
              let mine = Column.allCases.firstIndex(of: self) else { return false }
        return mine >= first && mine < machine && self != .syscallCounter && self != .gilFailedWakeupsHistogram && self != .gilProbe
    }
}
