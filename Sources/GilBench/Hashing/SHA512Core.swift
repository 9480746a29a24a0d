import CGilBench
import Crypto

/// Which SHA-512 implementation digests the chunks (`--sha512-core`).
///
/// swift-crypto is the default. On Linux it hashes with the BoringSSL it vendors, whose x86-64
/// SHA-512 has an AVX path and a plain one; OpenSSL, which python3's hashlib uses, also has an
/// AVX2 + BMI2 path that is about twice as fast on CPUs that have them. `openssl` hashes with the
/// system's libcrypto (loaded at run time), so that gilbench and hashlib can be compared on the same
/// SHA-512 core and what remains is the cost of the interpreter, the GIL and the file reads.
public enum SHA512Core: String, Sendable, CaseIterable, Codable {
    case swiftCrypto = "swift-crypto"
    case openssl

    /// Checks that the core can be used here (libcrypto can be loaded for `openssl`).
    /// - Throws: ``GilBenchError`` `.runFailed` with the loader's message.
    public func checkAvailable() throws(GilBenchError) {
        guard self == .openssl else { return }
        var message: UnsafePointer<CChar>?
        if gb_openssl_load(&message) != 0 {
            let reason = message.map { String(cString: $0) } ?? "unknown error"
            throw GilBenchError(.runFailed, "--sha512-core openssl needs OpenSSL's libcrypto (package libssl3): \(reason)")
        }
    }
}

/// One thread's SHA-512 state in the chosen core, reused from file to file.
final class SHA512Hasher {
    let core: SHA512Core
    private var crypto = SHA512()
    private let context: UnsafeMutableRawPointer?

    /// - Precondition: `core.checkAvailable()` succeeded.
    init(core: SHA512Core) {
        self.core = core
        if core == .openssl {
            precondition(gb_openssl_load(nil) == 0, "SHA512Hasher(.openssl) before checkAvailable()")
            context = gb_openssl_sha512_new()
            precondition(context != nil, "EVP_MD_CTX_new failed")
        } else {
            context = nil
        }
    }

    deinit { gb_openssl_sha512_free(context) }

    /// Starts a new digest.
    func reset() {
        switch core {
        case .swiftCrypto: crypto = SHA512()
        case .openssl: precondition(gb_openssl_sha512_init(context) == 1, "EVP_DigestInit_ex failed")
        }
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        switch core {
        case .swiftCrypto: crypto.update(bufferPointer: bytes)
        case .openssl: precondition(gb_openssl_sha512_update(context, bytes.baseAddress, bytes.count) == 1, "EVP_DigestUpdate failed")
        }
    }

    /// The 64-byte digest of everything since the last ``reset()``.
    func finalize() -> [UInt8] {
        switch core {
        case .swiftCrypto:
            return Array(crypto.finalize())
        case .openssl:
            var digest = [UInt8](repeating: 0, count: 64)
            precondition(gb_openssl_sha512_final(context, &digest) == 1, "EVP_DigestFinal_ex failed")
            return digest
        }
    }
}
