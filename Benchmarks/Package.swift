// swift-tools-version: 6.1
// Micro benchmarks of gilbench's building blocks, kept out of the main package so that `swift test`
// stays fast (as swift-nio's Benchmarks/). Run with `swift package benchmark` from this folder.
import PackageDescription

import struct Foundation.URL

// A path dependency's identity is the name of its folder (`gilbench` in a fresh clone, the worktree's
// name elsewhere), so read it instead of spelling it.
let gilbench = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        // Only the malloc interposer: the ARC runtime interposer is not available on this machine,
        // so no suite asks for ARC metrics (they crash without it).
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: []
)

/// One executable target per suite, in `Benchmarks/<Suite>/`.
func suite(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "GilBench", package: gilbench),
        ] + dependencies,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

package.targets += [
    // MARK: The interpreter: ns per tick of the countdown.
    suite("Interpreter"),
    // MARK: GIL designs: uncontended acquire/release and two-thread hand-off latency.
    suite("GILDesigns"),
    // MARK: SHA-512 throughput per chunk size (swift-crypto, as the hashing workload uses it).
    suite("Hashing", [.product(name: "Crypto", package: "swift-crypto")]),
    // MARK: CSV: formatting and appending result rows.
    suite("CSVWriting"),
    // MARK: The server workload: requests/s and p99 per server model, connections and CPU-bound threads.
    suite("ServerWorkload"),
]
