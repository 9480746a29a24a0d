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

    /// This process, now. `who` is RUSAGE_SELF, or RUSAGE_CHILDREN for reaped children.
    public static func current(_ who: Int32 = RUSAGE_SELF.rawValue) -> ResourceUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(who), &usage)
        return ResourceUsage(
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            voluntaryContextSwitches: usage.ru_nvcsw,
            involuntaryContextSwitches: usage.ru_nivcsw)
    }

    public static func - (lhs: ResourceUsage, rhs: ResourceUsage) -> ResourceUsage {
        ResourceUsage(
            userSeconds: lhs.userSeconds - rhs.userSeconds,
            systemSeconds: lhs.systemSeconds - rhs.systemSeconds,
            voluntaryContextSwitches: lhs.voluntaryContextSwitches - rhs.voluntaryContextSwitches,
            involuntaryContextSwitches: lhs.involuntaryContextSwitches - rhs.involuntaryContextSwitches)
    }

    public static func + (lhs: ResourceUsage, rhs: ResourceUsage) -> ResourceUsage {
        ResourceUsage(
            userSeconds: lhs.userSeconds + rhs.userSeconds,
            systemSeconds: lhs.systemSeconds + rhs.systemSeconds,
            voluntaryContextSwitches: lhs.voluntaryContextSwitches + rhs.voluntaryContextSwitches,
            involuntaryContextSwitches: lhs.involuntaryContextSwitches + rhs.involuntaryContextSwitches)
    }
}
