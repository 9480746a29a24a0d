import GilBenchSimulator
import GilBenchSystem
import SystemPackage

/// Appends rows to a gilbench CSV file, one `write(2)` per row, as they are measured.
///
/// A new or empty file gets the header first. An existing file keeps its rows; if its header is not
/// exactly gilbench's current header, the writer refuses it and never touches it.
public final class CSVWriter {
    public let path: String
    private let descriptor: FileDescriptor

    /// Opens `path` for appending.
    /// - Throws: `GilBenchError` `.unwritableOutput` when the file cannot be opened or has another header.
    public init(path: String) throws(GilBenchError) {
        self.path = path
        let existing: String?
        do {
            existing = try CSVWriter.firstLine(of: path)
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot read the existing output file \(path)", errno: error.rawValue)
        }
        if let existing, existing != Column.header {
            let theirs = existing.split(separator: ",").map(String.init)
            let ours = Column.allCases.map(\.rawValue)
            let detail: String
            if let firstDifference = zip(theirs, ours).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                detail = "column \(firstDifference + 1) is '\(theirs[firstDifference])' where gilbench writes '\(ours[firstDifference])'"
            } else {
                detail = "it has \(theirs.count) columns where gilbench writes \(ours.count)"
            }
            throw GilBenchError(
                .unwritableOutput,
                "\(path) already exists with a different header (\(detail)); refusing to append to it. Choose another --output file.")
        }
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .append, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot write \(path)", errno: error as? Errno)
        }
        if existing == nil {
            try append(Column.header + "\n")
        }
    }

    deinit { try? descriptor.close() }

    /// Appends one row and returns once it is in the file.
    public func write(_ row: ResultRow) throws(GilBenchError) {
        try write(row.record)
    }

    /// Appends one row's cells and returns once they are in the file.
    public func write(_ record: CSVRecord) throws(GilBenchError) {
        try append(record.line + "\n")
    }

    private func append(_ text: String) throws(GilBenchError) {
        do {
            _ = try descriptor.writeAll(Array(text.utf8))
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot write to \(path)", errno: error as? Errno)
        }
    }

    /// The first line of the file, nil when it does not exist or is empty.
    private static func firstLine(of path: String) throws(Errno) -> String? {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            return nil
        } catch {
            throw error as! Errno
        }
        defer { try? fd.close() }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            } catch {
                throw error as! Errno
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[..<n])
            if buffer[..<n].contains(UInt8(ascii: "\n")) { break }
        }
        if bytes.isEmpty { return nil }
        let line = bytes.prefix(while: { $0 != UInt8(ascii: "\n") })
        var text = String(decoding: line, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
