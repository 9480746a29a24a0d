import Foundation
import GilBench
import Testing

/// What a run of the built `gilbench` binary printed, and how it ended.
public struct GilbenchResult: Sendable {
    /// The exit status (or, when a signal ended it, the signal's number).
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// The gilbench executable the build put beside the test binary (the test binary is not gilbench:
/// the end-to-end tests run it, and worker processes run `gilbench worker`).
/// - Throws: an issue when there is none (build with `swift build --build-tests`).
public func gilbenchExecutable() throws -> String {
    let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let path = (testBinary as NSString).deletingLastPathComponent + "/gilbench"
    try #require(FileManager.default.isExecutableFile(atPath: path), "no gilbench executable at \(path)")
    return path
}

/// Runs the built `gilbench` binary with `arguments` and waits for it.
/// - Parameters:
///   - arguments: gilbench's command line, without the program name.
///   - input: written to its standard input, which is then closed (nil: no standard input).
///   - launcher: a command that runs gilbench, such as `["/usr/bin/strace", "-f", "-o", "/dev/null"]`
///     (empty: gilbench itself).
/// - Returns: its exit status and what it wrote on stdout and stderr.
public func runGilbench(_ arguments: [String], input: Data? = nil, launcher: [String] = []) throws -> GilbenchResult {
    let command = launcher + [try gilbenchExecutable()] + arguments
    // stdout and stderr go to files, read once gilbench has exited: no pipe fills while the other is
    // read, and a worker process that outlived gilbench cannot keep the test waiting for end of file.
    let directory = try makeTemporaryDirectory("run")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let outPath = directory + "/stdout", errPath = directory + "/stderr"
    for path in [outPath, errPath] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    defer {
        try? out.close()
        try? err.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
    try process.run()
    if let input {
        try stdin.fileHandleForWriting.write(contentsOf: input)
        try stdin.fileHandleForWriting.close()
    }
    process.waitUntilExit()
    func text(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
    return GilbenchResult(status: process.terminationStatus, stdout: text(outPath), stderr: text(errPath))
}

/// Runs gilbench and expects it to refuse: exit status `status` (64, a usage error, unless told),
/// `fragment` in what it printed on stderr, and no crash. Returns the result for further checks.
@discardableResult
public func expectRefusal(
    _ arguments: [String], status: Int32 = 64, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
) throws -> GilbenchResult {
    let result = try runGilbench(arguments)
    #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    return result
}

/// Runs gilbench with `--output` to a fresh temporary CSV file and expects exit status 0. Returns the
/// result and the rows the file holds (``readResults(_:)``); the file is removed.
public func runWritingCSV(
    _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
) throws -> (result: GilbenchResult, rows: [ResultRow]) {
    let path = temporaryFilePath("cli", extension: "csv")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try runGilbench(arguments + ["--output", path])
    #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
    return (result, try readResults(path))
}

/// The typed rows of a CSV file gilbench wrote, read as `gilbench compare` reads its inputs
/// (`ResultFile`): the quoting, the header, the schema version, every column and every number are
/// checked, so that a test also finds a file the tool wrote wrong.
/// - Throws: `GilBenchError` naming the file and line of the first problem.
public func readResults(_ path: String) throws -> [ResultRow] {
    try ResultFile(path: path).results
}
