/// The parameter `gilbench sweep` varies, and how a value of it changes a configuration.
public enum SweepParameter: String, Sendable, CaseIterable {
    /// Ticks between GIL checks (ticks, fair): `check_interval`.
    case checkInterval = "check-interval"
    /// Milliseconds before a waiter asks for the GIL (interval, priority): `switch_interval_ms`.
    case switchInterval = "switch-interval"
    /// Tasks (threads in threads mode): `threads`.
    case threads
    /// Iterations of the native churn per call (extension): `churn_n`.
    case churnN = "churn-n"
    /// CPU-bound threads beside the I/O thread (io-latency): `cpu_threads`.
    case cpuThreads = "cpu-threads"
    /// `n`.
    case n
    /// Native calls per thread (extension) or requests (io-latency): `calls`.
    case calls
}
