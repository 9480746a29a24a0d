import ArgumentParser
import GilBench

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one short configuration and write its GIL events for chrome://tracing or Perfetto.",
        discussion: """
            Runs one repetition with the GIL's event recorder on and writes the Trace Event Format \
            (JSON): one track per interpreter thread, with who holds the GIL, who waits for it and \
            the failed wake-ups. Runs in threads mode unless one --mode is given (sequential or \
            threads: the recorder lives in this process's GIL); --n defaults to \(TraceEventFile.defaultN) \
            (or the workload's default, if smaller); --repeat and --warmup are not used. Give one \
            value of --gil, --lock and --cpus.
            """)

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "The trace file to write (JSON).")
    var output: String

    /// The one configuration to trace: --mode's default (sequential and threads) reads as threads.
    func traced() throws -> RunConfiguration {
        var matrix = try options.matrix()
        if matrix.modes == [.sequential, .threads] { matrix.modes = [.threads] }
        return try commandLine { () throws(GilBenchError) in try TraceEventFile.configuration(of: matrix, shorten: options.n == nil) }
    }

    func validate() throws { _ = try traced() }

    func run() throws {
        try reporting {
            let trace = try TraceEventFile.record(try traced())
            try trace.write(to: output)
            print("\(output): \(trace.eventCounts)")
        }
    }
}
