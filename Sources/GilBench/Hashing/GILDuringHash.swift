/// Whether a thread keeps the GIL while SHA-512 digests a chunk (`--gil-during-hash`).
public enum GILDuringHash: String, Sendable, CaseIterable, Codable {
    /// The GIL is released around each chunk's hashing, as CPython's hashlib does for buffers over
    /// 2047 bytes (`HASHLIB_GIL_MINSIZE` in Modules/hashlib.h: `Py_BEGIN_ALLOW_THREADS` around the update).
    case release
    /// The GIL is held while hashing: what a hash written in pure Python does.
    case hold
}

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
