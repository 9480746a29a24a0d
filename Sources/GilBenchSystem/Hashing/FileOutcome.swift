import GilBenchSimulator
/// What became of one file of a hashing run.
public enum FileOutcome: Sendable, Equatable {
    /// The file's SHA-512 digest (64 bytes).
    case digest([UInt8])
    /// The file could not be opened or read (or vanished); the reason.
    case unreadable(String)

    /// The digest in lowercase hexadecimal, as `sha512sum` prints it; nil when unreadable.
    public var hex: String? {
        guard case .digest(let bytes) = self else { return nil }
        return bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }
}
