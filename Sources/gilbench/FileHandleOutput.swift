#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

enum FileHandleOutput {
    static func write(_ string: String, to fd: Int32) {
        var bytes = Array(string.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
