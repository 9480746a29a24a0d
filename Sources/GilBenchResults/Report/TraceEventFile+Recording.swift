import GilBenchSimulator
import GilBenchSystem

extension TraceEventFile {
    /// The countdown size `gilbench trace` records by default: short, so that the trace stays small
    /// and legible.
    public static let defaultN = 200_000

    /// The one configuration `gilbench trace` records: the matrix must make exactly one, in a mode
    /// whose GIL lives in this process (sequential, threads or coroutines).
    /// - Parameter shorten: cut n to ``defaultN`` (when no n was given).
    /// - Throws: `GilBenchError` (`.usage`) naming what to change, or from ``ConfigurationMatrix/validated(allowedCPUs:)``.
    public static func configuration(of matrix: ConfigurationMatrix, shorten: Bool) throws(GilBenchError) -> RunConfiguration {
        let configurations = try matrix.validated()
        guard configurations.count == 1, var configuration = configurations.first else {
            throw GilBenchError(.usage, "trace runs one configuration: give one --mode, --gil, --lock and --cpus")
        }
        guard [.threads, .sequential, .coroutines].contains(configuration.mode) else {
            throw GilBenchError(.usage, "trace runs in sequential, threads or coroutines mode only: the GIL event recorder lives in this process")
        }
        if shorten { configuration.n = min(configuration.n, defaultN) }
        return configuration
    }

    /// Runs `configuration` once with the GIL's event recorder on and renders what it recorded, one
    /// track per interpreter thread.
    /// - Throws: `GilBenchError` from the run.
    public static func record(_ configuration: RunConfiguration) throws(GilBenchError) -> Trace {
        let recorder = GILEventRecorder()
        let measurement = try Runner.measure(configuration, events: recorder)
        return render(
            recorder.events(), processName: processName(configuration),
            otherData: otherData(configuration, measurement, dropped: recorder.dropped))
    }
}

extension TraceEventFile.Trace {
    /// The events per thread track, in thread order: `thread 1: 812 events, thread 2: 790 events`.
    public var eventCounts: String {
        eventsPerThread.sorted { $0.key < $1.key }.map { "thread \($0.key): \($0.value) events" }.joined(separator: ", ")
    }
}
