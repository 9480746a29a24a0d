// swift-tools-version: 6.1
import PackageDescription

// gilbench's layers, each a module that may import only those above it in this list:
//   CGilBench          the C shim: what Swift cannot call directly
//   GilBenchSimulator  the interpreter, the GIL designs and the workloads (no files, no CSV)
//   GilBenchSystem     running a configuration: threads, worker processes, system-call counters,
//                      hashing files, real interpreters, the machine
//   GilBenchResults    typed result rows, CSV at the edge, summaries, compare, plots
//   GilBench           the reproduction of the talk on top; re-exports the layers below
//   gilbench           the command line, thin over GilBench
//   GilBenchTestSupport what the two test targets share (in Tests/)
// The packages' products the targets use.
let systemPackage = Target.Dependency.product(name: "SystemPackage", package: "swift-system")
let histogram = Target.Dependency.product(name: "Histogram", package: "hdrhistogram-swift")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "gilbench",
    products: [
        .executable(name: "gilbench", targets: ["gilbench"]),
        .library(name: "GilBench", targets: ["GilBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // MARK: C shim: affinity, sem_t, perf_event_open, ptrace, fork, libcrypto.
        .target(
            name: "CGilBench",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("dl")]  // dlopen of libcrypto (--sha512-core openssl)
        ),

        // MARK: Core: the simulator.
        .target(name: "GilBenchSimulator", dependencies: ["CGilBench", systemPackage, histogram]),

        // MARK: System: measuring runs on this machine.
        .target(name: "GilBenchSystem", dependencies: ["CGilBench", "GilBenchSimulator", systemPackage, crypto]),

        // MARK: Results: rows, files, tables, comparisons and plots.
        .target(name: "GilBenchResults", dependencies: ["GilBenchSimulator", "GilBenchSystem", systemPackage]),

        // MARK: The reproduction of the talk, and the library's front door.
        .target(name: "GilBench", dependencies: ["GilBenchSimulator", "GilBenchSystem", "GilBenchResults"]),

        // MARK: Tool: a thin command line over the library.
        .executableTarget(name: "gilbench", dependencies: ["GilBench", argumentParser, systemPackage]),

        // MARK: Tests
        // What both test targets share: the capabilities condition traits test for, running the built
        // binary, temporary files, and the tool's CSV read back as typed rows.
        .target(name: "GilBenchTestSupport", dependencies: ["GilBench"], path: "Tests/GilBenchTestSupport"),
        .testTarget(name: "GilBenchTests", dependencies: ["GilBench", "CGilBench", "GilBenchTestSupport"]),
        .testTarget(name: "gilbenchCLITests", dependencies: ["gilbench", "GilBenchTestSupport", argumentParser]),
    ],
    swiftLanguageModes: [.v6]
)
