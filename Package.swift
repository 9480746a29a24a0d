// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "gilbench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gilbench", targets: ["gilbench"]),
        .library(name: "GilBench", targets: ["GilBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: C shim: what Swift cannot call directly (affinity, sem_t, perf_event_open, ptrace, fork).
        .target(
            name: "CGilBench",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("dl")]  // dlopen of libcrypto (--sha512-core openssl)
        ),

        // MARK: Core library: interpreter, GIL designs, execution, measurement, reports.
        .target(
            name: "GilBench",
            dependencies: [
                "CGilBench",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
        ),

        // MARK: Tool: a thin command line over the library.
        .executableTarget(
            name: "gilbench",
            dependencies: [
                "GilBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests
        .testTarget(
            name: "GilBenchTests",
            dependencies: ["GilBench", "CGilBench"]
        ),
        .testTarget(
            name: "gilbenchCLITests",
            dependencies: [
                "gilbench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
