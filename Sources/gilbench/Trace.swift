import ArgumentParser
import GilBench

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the GIL's events, the simulator's or a real Python program's, for chrome://tracing or Perfetto.",
        discussion: """
            Without --python: runs one repetition of the simulator with the GIL's event recorder on and \
            writes the Trace Event Format (JSON): one track per interpreter thread, with who holds the \
            GIL, who waits for it and the failed wake-ups. Runs in threads mode unless one --mode is given \
            (sequential or threads: the recorder lives in this process's GIL); --n defaults to \
            \(TraceEventFile.defaultN) (or the workload's default, if smaller); --repeat and --warmup are \
            not used. Give one value of --gil, --lock and --cpus.

            With --python PATH -- SCRIPT [ARGS...]: runs the script under uprobes on the interpreter's \
            GIL functions (take_gil/drop_gil, or PyThread_acquire_lock/PyThread_release_lock on \
            interpreter_lock for CPython 2), sampled through perf's ring buffers, and writes the same \
            tracks, prints a per-thread table (and --csv writes it). --pid PID --duration S attaches to \
            a running interpreter instead. Needs root (or perf_event_paranoid and tracefs access). \
            Exit statuses: 66 no such script, 69 no GIL symbols (a stripped build) or uprobes refused, \
            70 the script failed (trace kept), 130 Ctrl-C (trace kept).
            """)

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "The trace file to write (JSON).")
    var output: String

    @Option(help: "Trace a real program with this Python interpreter (a path or a name on PATH); the script follows --.")
    var python: String?

    @Option(help: "With --python: attach to this running interpreter instead of starting a script.")
    var pid: Int32?

    @Option(help: "With --pid: seconds to record.")
    var duration: Double?

    @Option(help: "With --python: also write the per-thread summary as CSV to this file.")
    var csv: String?

    @Option(help: "With --python: then run the script this many times without and with the probes, alternating, and report their cost.")
    var costRounds: Int = 0

    @Argument(parsing: .postTerminator, help: "With --python: the script and its arguments, after --.")
    var command: [String] = []

    /// The one configuration to trace: --mode's default (sequential and threads) reads as threads.
    func traced() throws -> RunConfiguration {
        var matrix = try options.matrix()
        if matrix.modes == [.sequential, .threads] { matrix.modes = [.threads] }
        return try commandLine { () throws(GilBenchError) in try TraceEventFile.configuration(of: matrix, shorten: options.n == nil) }
    }

    var realOptions: RealGILTrace.Options? {
        python.map { RealGILTrace.Options(python: $0, command: command, pid: pid, duration: duration, output: output, csv: csv, costRounds: costRounds) }
    }

    func validate() throws {
        if let real = realOptions {
            try commandLine { () throws(GilBenchError) in try real.validate() }
        } else {
            guard command.isEmpty, pid == nil, duration == nil, csv == nil, costRounds == 0 else {
                throw ValidationError("a script, --pid, --duration, --csv and --cost-rounds go with --python")
            }
            _ = try traced()
        }
    }

    func run() throws {
        try reporting {
            if let real = realOptions {
                Interruption.install()
                let outcome = try RealGILTrace.perform(real)
                print(outcome.report, terminator: "")
                if let failure = outcome.failure { throw failure }
                return
            }
            let trace = try TraceEventFile.record(try traced())
            try trace.write(to: output)
            print("\(output): \(trace.eventCounts)")
        }
    }
}
