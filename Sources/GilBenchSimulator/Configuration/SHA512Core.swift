/// Which SHA-512 implementation digests the chunks (`--sha512-core`).
///
/// swift-crypto on Linux hashes with the BoringSSL it vendors, whose x86-64 SHA-512 has an AVX path
/// and a plain one; OpenSSL, which python3's hashlib uses, also has an AVX2 + BMI2 path that is about
/// twice as fast on CPUs that have them. `openssl` hashes with the system's libcrypto (loaded at run
/// time), so that gilbench and hashlib can be compared on the same SHA-512 core and what remains is
/// the cost of the interpreter, the GIL and the file reads. `gilbench run` and `reproduce` hash with
/// `openssl` wherever libcrypto loads (`SHA512Core.machineDefault` in GilBenchSystem); a
/// `RunConfiguration` made in code keeps `swiftCrypto`, which needs nothing from the system.
public enum SHA512Core: String, Sendable, CaseIterable, Codable {
    case swiftCrypto = "swift-crypto"
    case openssl
}
