#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import GilBench

enum FileHandleOutput {
    /// Writes `string` to `fd`; output to a closed terminal or pipe is dropped, as `print` does.
    static func write(_ string: String, to fd: Int32) {
        try? FileIO.write(Array(string.utf8), to: fd)
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
