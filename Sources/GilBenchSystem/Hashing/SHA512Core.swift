import GilBenchSimulator
import CGilBench
import Crypto

extension SHA512Core {
    /// Checks that the core can be used here (libcrypto can be loaded for `openssl`).
    /// - Throws: `GilBenchError` `.runFailed` with the loader's message.
    public func checkAvailable() throws(GilBenchError) {
        guard self == .openssl, let reason = SHA512Core.loadLibcrypto() else { return }
        throw GilBenchError(.runFailed, "--sha512-core openssl needs OpenSSL's libcrypto (package libssl3): \(reason)")
    }

    /// Loads OpenSSL's libcrypto (`libcrypto.so.3`, else `libcrypto.so`) once per process.
    /// - Returns: nil when it is loaded; else why not, the loader's message.
    public static func loadLibcrypto() -> String? {
        var message: UnsafePointer<CChar>?
        guard gb_openssl_load(&message) != 0 else { return nil }
        return message.map { String(cString: $0) } ?? "unknown error"
    }

    /// The core a hashing run takes when none is asked for: ``openssl``, the library python3's hashlib
    /// calls, wherever libcrypto loads; ``swiftCrypto`` elsewhere, with one line saying why.
    ///
    /// Decided where configurations are made (`gilbench run` without `--sha512-core`, the hashing
    /// experiment of `reproduce`), not in `RunConfiguration`'s default, which stays ``swiftCrypto``:
    /// a configuration means the same on every machine, and whether libcrypto loads is a fact of this
    /// one. The CSV's `sha512_core` column says which core ran.
    /// - Parameter load: loads libcrypto and returns nil, or returns why it cannot (default:
    ///   ``loadLibcrypto()``, which `dlopen`s `libcrypto.so.3` once per process; tests inject a failure).
    /// - Returns: the core, and when it is not ``openssl`` the line saying why
    ///   (`gilbench: hashing with swift-crypto: OpenSSL's libcrypto, which hashlib uses, cannot be loaded (package libssl3): ...`).
    public static func machineDefault(load: () -> String? = SHA512Core.loadLibcrypto) -> (core: SHA512Core, fallback: String?) {
        guard let reason = load() else { return (.openssl, nil) }
        return (.swiftCrypto, "gilbench: hashing with swift-crypto: OpenSSL's libcrypto, which hashlib uses, cannot be loaded (package libssl3): \(reason)")
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
