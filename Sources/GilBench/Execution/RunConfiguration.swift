/// The workloads gilbench runs.
public enum Workload: String, Sendable, CaseIterable, Codable {
    /// Slide 80: `while n > 0: n -= 1`, once per task.
    case countdown
}

/// How the tasks of a run are executed.
public enum ExecutionMode: String, Sendable, CaseIterable, Codable {
    /// All tasks one after another in one thread.
    case sequential
    /// One thread per task, all under one GIL.
    case threads
}

/// The GIL design a run uses.
public enum GILDesign: String, Sendable, CaseIterable, Codable {
    /// Python 2: release and re-take every check interval ticks (``TickGIL``).
    case ticks
    /// No GIL (free-threaded Python).
    case none
}

/// Everything that defines one configuration of a run. Each field is a CSV column.
public struct RunConfiguration: Sendable, Hashable {
    /// A label that groups rows of one experiment (`gilbench reproduce` sets it; empty otherwise).
    public var experiment: String = ""
    public var workload: Workload = .countdown
    public var mode: ExecutionMode = .sequential
    public var gil: GILDesign = .ticks
    public var lock: LockKind = .semaphore
    /// How many tasks the run does (countdown: how many times count(n) runs). In `threads` mode
    /// each task has its own thread; in `sequential` mode they run one after another.
    public var tasks: Int = 2
    public var n: Int = 20_000_000
    /// Ticks between GIL checks (Python 2's `sys.setcheckinterval`).
    public var checkInterval: Int = 100
    public var cpus: CPUSelection = .all
    public var repetitions: Int = 5
    public var warmup: Int = 1

    public init() {}

    /// Threads that run interpreter code at once.
    public var threads: Int { mode == .sequential ? 1 : tasks }

    /// Whether the lock kind matters (only the tick design is built on one).
    public var lockColumn: String { gil == .ticks ? lock.rawValue : "" }

    /// Checks values a user can get wrong.
    /// - Throws: ``GilBenchError`` with code `.usage` and a message naming the option.
    public func validate() throws(GilBenchError) {
        guard n >= 0 else { throw GilBenchError(.usage, "--n must be 0 or more (got \(n))") }
        guard checkInterval >= 1 else {
            throw GilBenchError(.usage, "--check-interval must be at least 1 tick (got \(checkInterval))")
        }
        guard tasks >= 1 && tasks <= 1024 else { throw GilBenchError(.usage, "--threads must be between 1 and 1024 (got \(tasks))") }
        guard repetitions >= 1 else { throw GilBenchError(.usage, "--repeat must be at least 1 (got \(repetitions))") }
        guard warmup >= 0 else { throw GilBenchError(.usage, "--warmup must be 0 or more (got \(warmup))") }
    }
}
