import GilBenchSimulator
import GilBenchSystem
/// The one RFC 4180 parser of gilbench's CSV files, used by the strict reader of `compare`
/// (``ResultFile``), the lenient one of `plot` (``CSVReader``) and the slides' table
/// (``SlideReference``). It keeps the line each record starts on, for messages.
package enum CSVParser {
    package struct Record {
        package var line: Int
        package var fields: [String]
    }

    package struct Failure: Error {
        package var line: Int
        package var message: String
    }

    /// Splits `text` into records. Accepts LF and CRLF line ends; skips empty lines.
    package static func parse(_ text: String) throws(Failure) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var quoteLine = 0
        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        var bytes = Array(text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }

        /// At a line end (LF, or CRLF: then `i` moves past the CR), ends the record and returns true.
        func endsRecord(at i: inout Int) -> Bool {
            guard bytes[i] == newline || (bytes[i] == cr && i + 1 < bytes.count && bytes[i + 1] == newline) else { return false }
            if bytes[i] == cr { i += 1 }
            endRecord()
            line += 1
            recordLine = line
            return true
        }

        /// At a comma or a line end, ends the field (at a line end, the record too) and returns true.
        func endsField(at i: inout Int) -> Bool {
            guard bytes[i] == comma else { return endsRecord(at: &i) }
            endField()
            return true
        }

        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch state {
            case .fieldStart, .unquoted:
                if byte == quote {
                    guard state == .fieldStart else {
                        throw Failure(line: line, message: "a quote inside an unquoted field (field \(fields.count + 1)); quote the whole field and double the quote")
                    }
                    state = .quoted
                    quoteLine = line
                } else if endsField(at: &i) {
                    state = .fieldStart
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == quote {
                    state = .quoteInQuoted
                } else {
                    if byte == newline { line += 1 }
                    field.append(byte)
                }
            case .quoteInQuoted:
                if byte == quote {
                    field.append(quote)
                    state = .quoted
                } else if endsField(at: &i) {
                    state = .fieldStart
                } else {
                    throw Failure(line: line, message: "text after the closing quote of field \(fields.count + 1)")
                }
            }
            i += 1
        }
        if state == .quoted {
            throw Failure(line: quoteLine, message: "a quoted field opened here is never closed")
        }
        return records
    }
}
