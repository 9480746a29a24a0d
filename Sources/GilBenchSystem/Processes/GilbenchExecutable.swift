import GilBenchSimulator
import Foundation

/// Where a program that is not gilbench finds the gilbench binary that starts a run's other
/// processes (the server workload's client, worker processes): the `GILBENCH_EXECUTABLE` environment
/// variable, else a default path the caller knows, such as the main package's
/// `.build/release/gilbench`. The benchmarks in `Benchmarks/` use it, then pass the path to
/// ``Runner/measure(_:probes:events:workerExecutable:)``.
public enum GilbenchExecutable {
    /// The environment variable that names the binary: `GILBENCH_EXECUTABLE`.
    public static let environmentVariable = "GILBENCH_EXECUTABLE"

    /// The path in ``environmentVariable`` when it is set and not empty, else `defaultPath`; either
    /// way an executable file.
    /// - Parameters:
    ///   - environment: the environment to read (the process's own by default).
    ///   - defaultPath: the binary to use when the variable is not set.
    /// - Throws: `GilBenchError` `.unavailable` (exit status 69), one line naming the path, where it
    ///   came from, and how to build one.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment, default defaultPath: String
    ) throws(GilBenchError) -> String {
        let fromEnvironment = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        let path = fromEnvironment ?? defaultPath
        guard FileManager.default.isExecutableFile(atPath: path) else {
            let source = fromEnvironment == nil ? "the default (\(environmentVariable) is not set)" : environmentVariable
            throw GilBenchError(
                .unavailable,
                "no gilbench executable at \(path), from \(source): build one with `swift build -c release --product gilbench` "
                    + "or set \(environmentVariable) to one")
        }
        return path
    }
}
