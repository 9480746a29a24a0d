import GilBenchSimulator
/// What a counter counted in one measured region.
public struct SyscallCounts: Sendable, Equatable {
    /// Which counter counted.
    public var counter: SyscallCounterKind
    /// Every system call entered in the region, by every thread and child created in it.
    public var total: Int
    /// Calls in the region that failed, when the counter knows.
    public var totalErrors: Int?
    /// Calls by name. With ``isComplete`` every call made is here (a name not here was not called);
    /// otherwise only the calls the counter watched by name.
    public var calls: [String: Int]
    /// Failed calls by name, where the counter knows.
    public var errors: [String: Int]
    /// Whether ``calls`` names every call made (ptrace) or only the watched ones (perf).
    public var isComplete: Bool

    public init(counter: SyscallCounterKind, total: Int, totalErrors: Int? = nil, calls: [String: Int], errors: [String: Int] = [:], isComplete: Bool) {
        self.counter = counter
        self.total = total
        self.totalErrors = totalErrors
        self.calls = calls
        self.errors = errors
        self.isComplete = isComplete
    }

    /// How many times `name` was called: nil when the counter did not watch it.
    public func count(_ name: String) -> Int? {
        calls[name] ?? (isComplete ? 0 : nil)
    }
}
