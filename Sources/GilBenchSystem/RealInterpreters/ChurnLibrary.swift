import GilBenchSimulator
import Foundation

/// The shared library the extension twin loads with ctypes: one function, `churn(n)`, the same loop
/// as the simulator's native `churn` (`gb_churn` in CGilBench: `n` iterations through an empty asm
/// barrier the compiler must keep).
///
/// A function exported from the gilbench binary cannot be loaded by ctypes (it is not a shared
/// library), so gilbench compiles this C file with the machine's C compiler (`cc -O2 -shared -fPIC`)
/// at the first extension run, into `gilbench-churn-<hash of the source>/libgilbench_churn.so`
/// under the temporary directory, and reuses it afterwards.
public enum ChurnLibrary {
    public static let source = """
        /* gilbench's churn(n) for the extension twin: the loop of gb_churn (Sources/CGilBench/shim.c). */
        #include <stdint.h>
        uint64_t churn(uint64_t iterations) {
            uint64_t i;
            for (i = 0; i < iterations; i++) {
                __asm__ volatile("" : "+r"(i) : : "memory");
            }
            return i;
        }

        """

    /// The compiled library's path, compiling it when it is not there yet.
    /// - Parameters:
    ///   - compiler: the C compiler, a name on PATH or a path.
    ///   - cache: the folder the library's own folder is made in (the temporary directory but in tests).
    /// - Throws: `GilBenchError` `.runFailed` in one line when there is no C compiler or it fails.
    public static func path(compiler: String = "cc", cache: String = FileManager.default.temporaryDirectory.path) throws(GilBenchError) -> String {
        let stamp = String(UInt64(bitPattern: Int64(source.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) })), radix: 16)
        let directory = (cache as NSString).appendingPathComponent("gilbench-churn-\(stamp)")
        let library = directory + "/libgilbench_churn.so"
        if FileManager.default.fileExists(atPath: library) { return library }
        let cc = try PythonInterpreter.locate(compiler)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try source.write(toFile: directory + "/churn.c", atomically: true, encoding: .utf8)
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot write the extension's C file to \(directory)")
        }
        // Written under another name and renamed: a library half-written is never loaded.
        let partial = library + ".\(getpid())"
        let child = try ChildProcess.spawn(
            executable: "/bin/sh", arguments: ["sh", "-c", "exec \"$0\" \"$@\" 2>&1", cc, "-O2", "-shared", "-fPIC", "-o", partial, directory + "/churn.c"])
        child.closeInput()
        let (output, _) = try child.readOutput(of: cc)
        child.closeOutput()
        let ended = try child.wait(blocking: true)?.0
        guard ended == .exited(0), rename(partial, library) == 0 else {
            let last = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init) ?? "\(ended.map { "\($0)" } ?? "?")"
            throw GilBenchError(.runFailed, "\(cc) could not compile the extension's churn(n): \(last.prefix(160))")
        }
        return library
    }
}
