import SystemPackage

/// Whole-file reads and whole-buffer writes: the one way gilbench does them, through swift-system's
/// `FileDescriptor` (interrupted calls retried, partial writes continued).
public enum FileIO {
    /// Every byte of the file at `path`.
    /// - Throws: the `Errno` of the open or read that failed.
    public static func read(_ path: String) throws(Errno) -> [UInt8] {
        let fd = try systemCall { try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) }
        defer { try? fd.close() }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try systemCall { try buffer.withUnsafeMutableBytes { try fd.read(into: $0, retryOnInterrupt: true) } }
            if n == 0 { return bytes }
            bytes.append(contentsOf: buffer[..<n])
        }
    }

    /// The file at `path` as UTF-8 text (invalid bytes replaced).
    /// - Throws: the `Errno` of the open or read that failed.
    public static func readText(_ path: String) throws(Errno) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    /// Writes every byte of `bytes` to the open descriptor `fd`.
    /// - Throws: the `Errno` of the write that failed.
    public static func write(_ bytes: [UInt8], to fd: Int32) throws(Errno) {
        _ = try systemCall { try FileDescriptor(rawValue: fd).writeAll(bytes) }
    }

    /// Runs a swift-system call, whose errors are always `Errno`, with a typed throw.
    private static func systemCall<T>(_ body: () throws -> T) throws(Errno) -> T {
        do {
            return try body()
        } catch let error as Errno {
            throw error
        } catch {
            throw .ioError
        }
    }
}
