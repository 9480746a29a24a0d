import ArgumentParser
import GilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@main
struct GilbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gilbench",
        abstract: "Measure, simulate and explain global-interpreter-lock contention.",
        discussion: """
            Exit statuses: 0 success; 2 compare found a regression; 64 bad command line; \
            65 malformed input; 66 unreadable input; 69 unavailable (trace --python: no GIL symbols, uprobes refused); 70 a run failed; 73 output cannot be written; \
            130 interrupted.
            """,
        version: MachineInfo.gilbenchVersion,
        subcommands: [Run.self, Sweep.self, Compare.self, PythonCommand.self, CorpusCommand.self, SyscallCheck.self, Worker.self, LoadClient.self, Reproduce.self, Plot.self, Trace.self])

    /// Worker processes (`gilbench worker [--fault F]`, started by the parent for every run in
    /// processes and pool modes, and the pipeline's and the server's peers) skip the argument parser: building its command tree costs a third
    /// of a worker's start-up, which the parent's wall time includes. Anything else, including
    /// `worker --help`, goes through the parser.
    static func main() {
        if let status = WorkerService.serveDirectly(CommandLine.arguments) ?? PipelinePeer.serveDirectly(CommandLine.arguments)
            ?? ServerWorkers.serveDirectly(CommandLine.arguments)
        {
            exitProcess(status)
        }
        main(nil)
    }
}

/// The C library's `exit` (inside the command, `exit` names ParsableCommand's), Glibc's or Musl's.
private func exitProcess(_ status: Int32) -> Never {
    #if canImport(Glibc)
    Glibc.exit(status)
    #elseif canImport(Musl)
    Musl.exit(status)
    #endif
}

/// Turns library errors into one line on stderr and the documented exit status.
func reporting<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as GilBenchError {
        printError("gilbench: " + error.commandLineMessage)
        throw ExitCode(error.exitStatus.rawValue)
    }
}

func printError(_ message: String) {
    var stderr = StandardError()
    print(message, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.write(string, to: 2)
    }
}
