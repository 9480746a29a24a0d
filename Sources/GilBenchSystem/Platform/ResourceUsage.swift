import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// CPU time and context switches of this process (all its threads, live and ended): getrusage(RUSAGE_SELF).
public struct ResourceUsage: Sendable, Equatable {
    public var userSeconds: Double
    public var systemSeconds: Double
    public var voluntaryContextSwitches: Int
    public var involuntaryContextSwitches: Int

    public init(userSeconds: Double = 0, systemSeconds: Double = 0, voluntaryContextSwitches: Int = 0, involuntaryContextSwitches: Int = 0) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }

    /// The fields gilbench reports of a `struct rusage`.
    init(_ usage: rusage) {
        self.init(
            userSeconds: Self.seconds(usage.ru_utime), systemSeconds: Self.seconds(usage.ru_stime),
            voluntaryContextSwitches: usage.ru_nvcsw, involuntaryContextSwitches: usage.ru_nivcsw)
    }

    /// This process, now. `who` is RUSAGE_SELF, or RUSAGE_CHILDREN for reaped children.
    public static func current(_ who: Int32 = RUSAGE_SELF.rawValue) -> ResourceUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(who), &usage)
        return ResourceUsage(usage)
    }

    public static func - (lhs: ResourceUsage, rhs: ResourceUsage) -> ResourceUsage { lhs.combined(with: rhs, -, -) }

    public static func + (lhs: ResourceUsage, rhs: ResourceUsage) -> ResourceUsage { lhs.combined(with: rhs, +, +) }

    /// Field by field: `seconds` of the two CPU times, `count` of the two context-switch counts.
    private func combined(
        with other: ResourceUsage, _ seconds: (Double, Double) -> Double, _ count: (Int, Int) -> Int
    ) -> ResourceUsage {
        ResourceUsage(
            userSeconds: seconds(userSeconds, other.userSeconds),
            systemSeconds: seconds(systemSeconds, other.systemSeconds),
            voluntaryContextSwitches: count(voluntaryContextSwitches, other.voluntaryContextSwitches),
            involuntaryContextSwitches: count(involuntaryContextSwitches, other.involuntaryContextSwitches))
    }

    private static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
}
