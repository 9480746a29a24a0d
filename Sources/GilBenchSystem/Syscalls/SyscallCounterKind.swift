import GilBenchSimulator
/// The system calls gilbench counts by name: the calls of the slides' story, the GIL's signalling
/// (futex), yields and sleeps, and I/O. The results layer gives each its CSV column.
public enum CountedSyscall {
    public static let names: [String] = ["futex", "sched_yield", "nanosleep", "clock_nanosleep", "read", "write"]
}
