import ArgumentParser
import GilBench

struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one short configuration and write its GIL events for chrome://tracing or Perfetto.",
        discussion: """
            Runs one repetition with the GIL's event recorder on and writes the Trace Event Format \
            (JSON): one track per interpreter thread, with who holds the GIL, who waits for it and \
            the failed wake-ups. Runs in threads mode unless one --mode is given (sequential or \
            threads: the recorder lives in this process's GIL); --n defaults to \(Trace.defaultN) \
            (or the workload's default, if smaller); --repeat and --warmup are not used. Give one \
            value of --gil, --lock and --cpus.
            """)

    /// The default --n: short, so that the trace stays small and legible.
    static let defaultN = 200_000

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "The trace file to write (JSON).")
    var output: String

    /// The one configuration to trace.
    func traced() throws -> RunConfiguration {
        let modes = try options.mode.values(of: "--mode")
        var chosen = options
        if modes == defaultConfigurationModes { chosen.mode = [[.threads]] }
        let configurations = try chosen.configurations()
        guard configurations.count == 1, var configuration = configurations.first else {
            throw ValidationError("trace runs one configuration: give one --mode, --gil, --lock and --cpus")
        }
        guard [.threads, .sequential, .coroutines].contains(configuration.mode) else {
            throw ValidationError("trace runs in sequential, threads or coroutines mode only: the GIL event recorder lives in this process")
        }
        if options.n == nil { configuration.n = min(configuration.n, Trace.defaultN) }
        return configuration
    }

    /// --mode's default in `ConfigurationOptions`, which trace reads as threads.
    private var defaultConfigurationModes: [ExecutionMode] { [.sequential, .threads] }

    func validate() throws {
        let configuration = try traced()
        do { try configuration.validate() } catch { throw ValidationError(error.commandLineMessage) }
        do {
            _ = try CPUAffinity.resolve(configuration.cpus, allowed: try CPUAffinity.current())
        } catch {
            throw ValidationError(error.commandLineMessage)
        }
    }

    func run() throws {
        try reporting {
            let configuration = try traced()
            let recorder = GILEventRecorder()
            let measurement = try Runner.measure(configuration, events: recorder)
            let trace = TraceEventFile.render(
                recorder.events(), processName: TraceEventFile.processName(configuration),
                otherData: TraceEventFile.otherData(configuration, measurement, dropped: recorder.dropped))
            try trace.write(to: output)
            let counts = trace.eventsPerThread.keys.sorted().map { "thread \($0): \(trace.eventsPerThread[$0]!) events" }
            print("\(output): \(counts.joined(separator: ", "))")
        }
    }
}
