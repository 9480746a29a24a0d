import Benchmark
import Crypto

/// SHA-512 throughput per chunk size: each iteration hashes 1 MiB cut into chunks of the given size
/// (one `SHA512.hash(data:)` per chunk, as the hashing workload hashes one chunk per native call),
/// so `throughput` reads as MiB/s.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 2,
        maxDuration: .seconds(2),
        maxIterations: 200,
        thresholds: [
            .wallClock: .init(relative: [.p90: 50.0], absolute: [:]),
            .throughput: .init(relative: [.p90: 50.0], absolute: [:]),
            .mallocCountTotal: .init(relative: [.p90: 5.0], absolute: [:]),
            .peakMemoryResident: .init(relative: [.p90: 10.0], absolute: [:]),
        ]
    )

    let mebibyte = 1 << 20
    let data = [UInt8]((0..<mebibyte).map { UInt8(truncatingIfNeeded: $0 &* 31) })

    for chunkSize in [64, 1024, 16 * 1024, 1024 * 1024] {
        Benchmark("sha512-1MiB-in-\(chunkSize)B-chunks") { benchmark in
            var digestByte: UInt8 = 0
            data.withUnsafeBytes { bytes in
                var offset = 0
                while offset < mebibyte {
                    let digest = SHA512.hash(data: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + chunkSize]))
                    digestByte ^= digest.withUnsafeBytes { $0[0] }
                    offset += chunkSize
                }
            }
            blackHole(digestByte)
        }
    }
}
