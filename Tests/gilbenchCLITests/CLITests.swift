import Foundation
import Testing

/// Runs the built `gilbench` binary and returns (status, stdout, stderr).
func runGilbench(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let binary = productsDirectory.appendingPathComponent("gilbench")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// The folder that holds the test bundle and the built executables.
var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
}

@Suite("gilbench run, end to end")
struct RunCommandTests {
    @Test("Bad input gets one clear line and exit status 64", arguments: [
        (["run", "--workload", "nope"], "nope"),
        (["run", "--n=-5"], "--n must be 0 or more"),
        (["run", "--check-interval", "0"], "--check-interval must be at least 1"),
        (["run", "--cpus", "64"], "asks for more CPUs"),
        (["run", "--cpu-list", "0,99"], "CPU 99"),
        (["run", "--mode", "sideways"], "unknown --mode 'sideways'"),
    ])
    func badInput(arguments: [String], fragment: String) throws {
        let result = try runGilbench(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }
}
