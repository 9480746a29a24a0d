import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The server's real twins beside the simulator (`gilbench python --only server`, issue 24): per
/// interpreter, twin and connection count, the real twin's requests per second, p50 and p99 latency
/// and peak resident set (medians over its repetitions), and the simulator's twin of the model it is
/// compared with (same connections, CPU-bound threads, request and GIL design), with the simulator's
/// error on requests per second and on p99.
public struct ServerTwins: Sendable {
    public struct Entry: Sendable {
        /// The real interpreter (`cpython-3.11.7`).
        public var engine: String
        /// The twin's model: `threads`, `events`, `coroutines`, `asyncio` or `processes`.
        public var model: String
        /// The simulator's model it is compared with (`asyncio`'s is `coroutines`).
        public var simulatorModel: ExecutionMode
        public var connections: Int
        public var cpuThreads: Int
        /// The real twin's medians.
        public var requestsPerSecond: Double?
        public var p50Microseconds: Double?
        public var p99Microseconds: Double?
        public var rssKiB: Double?
        /// The simulator's twin's medians; nil when it did not run.
        public var simulatedRequestsPerSecond: Double?
        public var simulatedP99Microseconds: Double?

        /// (simulated - real) / real on requests per second, and on p99.
        public var requestsError: Double? { ServerTwins.error(simulatedRequestsPerSecond, requestsPerSecond) }
        public var p99Error: Double? { ServerTwins.error(simulatedP99Microseconds, p99Microseconds) }
    }

    public var entries: [Entry]

    static func error(_ simulated: Double?, _ real: Double?) -> Double? {
        guard let simulated, let real, real > 0 else { return nil }
        return (simulated - real) / real
    }

    /// The server's real rows of `rows`, each configuration once, in the order they were first
    /// measured, with the simulator's twin found among the same rows.
    public init(rows: [ResultRow]) {
        let server = rows.filter { $0.key.workload == .server }
        var groups: [ConfigurationKey: [ResultRow]] = [:]
        var order: [ConfigurationKey] = []
        for row in server {
            if groups[row.key] == nil { order.append(row.key) }
            groups[row.key, default: []].append(row)
        }
        func median(_ rows: [ResultRow], _ value: (ResultRow) -> Double?) -> Double? {
            Statistics.median(rows.compactMap(value))
        }
        let simulated = order.filter { $0.engine == .simulator }
        entries = order.compactMap { key -> Entry? in
            guard case .interpreter(let engine, _)? = key.engine, let mode = key.mode else { return nil }
            let real = groups[key]!
            let label = key.experiment ?? ""
            let isAsyncio = label == PythonExperiment.asyncioLabel || label.hasSuffix("-" + PythonExperiment.asyncioLabel)
            let twin = simulated.first { s in
                s.mode == mode && s.gil == key.gil && s.checkPoints == key.checkPoints && s.connections == key.connections
                    && s.cpuThreads == key.cpuThreads && s.requestWork == key.requestWork && s.messageSize == key.messageSize
                    && s.rate == key.rate && s.processes == key.processes
            }
            let twinRows = twin.map { groups[$0]! } ?? []
            return Entry(
                engine: engine, model: isAsyncio ? PythonExperiment.asyncioLabel : mode.rawValue, simulatorModel: mode,
                connections: key.connections ?? 0, cpuThreads: key.cpuThreads ?? 0,
                requestsPerSecond: median(real) { $0.measurements.requestsPerSecond },
                p50Microseconds: median(real) { $0.measurements.latencyP50Us },
                p99Microseconds: median(real) { $0.measurements.latencyP99Us },
                rssKiB: median(real) { $0.measurements.rssKiB.map(Double.init) },
                simulatedRequestsPerSecond: median(twinRows) { $0.measurements.requestsPerSecond },
                simulatedP99Microseconds: median(twinRows) { $0.measurements.latencyP99Us })
        }
    }

    /// A plain table, one line per real twin; the simulator's columns only when some twin has them.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        func number(_ value: Double?, _ format: String = "%.0f") -> String { value.map { String(format: format, $0) } ?? "–" }
        func percent(_ value: Double?) -> String { value.map { String(format: "%+.0f%%", $0 * 100) } ?? "–" }
        let withSimulator = entries.contains { $0.simulatedRequestsPerSecond != nil }
        var rows = [["engine", "twin", "simulator model", "connections", "cpu threads", "requests/s", "p50 µs", "p99 µs", "rss KiB"]
            + (withSimulator ? ["sim requests/s", "error", "sim p99 µs", "error"] : [])]
        for e in entries {
            var row = [
                e.engine, e.model, e.simulatorModel.rawValue, String(e.connections), String(e.cpuThreads), number(e.requestsPerSecond),
                number(e.p50Microseconds), number(e.p99Microseconds), number(e.rssKiB),
            ]
            if withSimulator {
                row += [number(e.simulatedRequestsPerSecond), percent(e.requestsError), number(e.simulatedP99Microseconds), percent(e.p99Error)]
            }
            rows.append(row)
        }
        return Summary.align(rows)
    }
}
