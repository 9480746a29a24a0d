/// Whether a thread keeps the GIL while SHA-512 digests a chunk (`--gil-during-hash`).
public enum GILDuringHash: String, Sendable, CaseIterable, Codable {
    /// The GIL is released around each chunk's hashing, as CPython's hashlib does for buffers over
    /// 2047 bytes (`HASHLIB_GIL_MINSIZE` in Modules/hashlib.h: `Py_BEGIN_ALLOW_THREADS` around the update).
    case release
    /// The GIL is held while hashing: what a hash written in pure Python does.
    case hold
}

