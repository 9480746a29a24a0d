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
/// wall times.
public struct ComparedMetric: Sendable, Hashable, Codable {
    /// The column name (`wall_s`), or the ratio's name without spaces (`threads/sequential`, `1cpu/2cpus`).
    public var name: String
    public var direction: Direction
    /// The default relative threshold: a change smaller than this is "unchanged".
    public var defaultThreshold: Double

    /// The metric of a measurement column.
    public init(column: Column) {
        name = column.rawValue
        (direction, defaultThreshold) = ComparedMetric.defaults(column)
    }

    /// The metric of a ratio pair named `pairName` (`threads/sequential`, `1 cpu/2 cpus`).
    public init(ratio pairName: String) {
        name = pairName.replacingOccurrences(of: " ", with: "")
        // 1 cpu / N cpus: higher means the extra CPUs hurt less (Beazley's slide 29: they hurt).
        direction = name.hasPrefix("1cpu/") ? .higherIsBetter : .lowerIsBetter
        defaultThreshold = 0.10
    }

    public var isRatio: Bool { name.contains("/") }

    /// Whether `name` can name a metric: a measurement column or a ratio.
    public static func isKnown(_ name: String) -> Bool {
        if let column = Column(rawValue: name) { return column.isMeasurement && !Column.disturbance.contains(column) }
        if name.hasSuffix("/sequential") && !name.hasPrefix("/") { return true }
        if name.hasPrefix("1cpu/"), name.hasSuffix("cpus"), Int(name.dropFirst(5).dropLast(4)) != nil { return true }
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
