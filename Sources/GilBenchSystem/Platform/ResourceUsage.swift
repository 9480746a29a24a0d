import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reading a `ResourceUsage`: this process's with getrusage(RUSAGE_SELF), a child's from `wait4`.
extension ResourceUsage {
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

    private static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
}
