import GilBenchSimulator
import GilBenchSystem
import Foundation

/// Which way a metric should move.
public enum Direction: String, Sendable, Codable {
    /// Wall time, CPU time, context switches, GIL counters and waits, system calls, latencies.
    case lowerIsBetter = "lower-is-better"
    /// Throughput (`requests_per_s`) and the one-CPU/N-CPUs ratio.
    case higherIsBetter = "higher-is-better"
    /// Fixed by the configuration (ticks, instructions, bytes, ...): a change is reported, never a regression.
    case informational
}

/// A metric `gilbench compare` compares: a measurement column, or a ratio of two configurations'
/// wall times. It keys `--threshold`'s thresholds (``Comparison/Options/thresholds``), as
/// ordo-one/benchmark's `BenchmarkMetric` keys its thresholds.
public enum ComparedMetric: Sendable, Hashable {
    /// A measurement column: `wall_s`, `syscalls_futex`, ...
    case column(Column)
    /// A ratio of two configurations' wall times: `threads/sequential`, `1cpu/2cpus`, ...
    case ratio(RatioKind)

    /// The metric named `name` as `--metrics` and `--threshold` take it and `compare` prints it: a
    /// measurement column (`wall_s`; not a disturbance column) or a ratio's compact name
    /// (``RatioKind/compactName``: `threads/sequential`, `1cpu/2cpus`); nil for any other name.
    public init?(name: String) {
        if let column = Column(rawValue: name) {
            guard column.isMeasurement && !Column.disturbance.contains(column) else { return nil }
            self = .column(column)
        } else if let kind = RatioKind(compactName: name) {
            self = .ratio(kind)
        } else {
            return nil
        }
    }

    /// The column name (`wall_s`), or the ratio's name without spaces (`threads/sequential`, `1cpu/2cpus`).
    public var name: String {
        switch self {
        case .column(let column): column.rawValue
        case .ratio(let kind): kind.compactName
        }
    }

    public var direction: Direction {
        switch self {
        case .column(let column): ComparedMetric.defaults(column).0
        case .ratio(let kind): kind.direction
        }
    }

    /// The default relative threshold: a change smaller than this is "unchanged".
    public var defaultThreshold: Double {
        switch self {
        case .column(let column): ComparedMetric.defaults(column).1
        case .ratio(let kind): kind.defaultThreshold
        }
    }

    public var isRatio: Bool {
        if case .ratio = self { return true }
        return false
    }

    /// Direction and default threshold per column (the DocC article "Comparing runs in CI" lists them).
    static func defaults(_ column: Column) -> (Direction, Double) {
        switch column {
        case .wallSeconds, .userSeconds, .systemSeconds:
            return (.lowerIsBetter, 0.10)
        case .voluntaryContextSwitches, .involuntaryContextSwitches:
            return (.lowerIsBetter, 0.50)
        case .gilAcquisitions, .gilReleases, .gilHandoffs, .gilFailedAcquisitions, .forcedSwitches:
            return (.lowerIsBetter, 0.25)
        case .gilWaitSeconds, .gilWaitP50Us, .gilWaitP90Us, .gilWaitP99Us, .gilWaitMaxUs:
            return (.lowerIsBetter, 0.50)
        case .syscallsTotal, .syscallsFutex, .syscallsSchedYield, .syscallsNanosleep, .syscallsClockNanosleep,
             .syscallsRead, .syscallsWrite:
            return (.lowerIsBetter, 0.25)
        case .unreadableFiles:
            return (.lowerIsBetter, 0)
        case .latencyP50Us, .latencyP99Us, .latencyMaxUs, .longTickUs, .messageLatencyP50Us, .messageLatencyP99Us:
            return (.lowerIsBetter, 0.25)
        case .requestsPerSecond, .messagesPerSecond:
            return (.higherIsBetter, 0.10)
        case .instructions, .ticks, .files, .bytes, .raceFinalX:
            return (.informational, 0)
        default:
            return (.informational, 0)
        }
    }
}

extension ComparedMetric: CustomStringConvertible {
    public var description: String { name }
}

/// A metric is written as its name (`"wall_s"`, `"threads/sequential"`): the JSON of `gilbench compare`.
extension ComparedMetric: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let metric = ComparedMetric(name: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown metric '\(name)'")
        }
        self = metric
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
