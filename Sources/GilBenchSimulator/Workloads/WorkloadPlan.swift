/// One unit of interpreted work: a program and its arguments (the first is `n`).
public struct InterpretedTask: Sendable {
    public var program: Program
    public var arguments: [Int]
    /// The generators the program resumes with GEN_SEND, by index (the server's coroutines: one per
    /// connection, resumed by its event loop); empty for most tasks.
    public var generators: [InterpretedTask]

    public init(program: Program, arguments: [Int], generators: [InterpretedTask] = []) {
        self.program = program
        self.arguments = arguments
        self.generators = generators
    }
}

/// What a workload hands the runner: the tasks, the state they share, and the workload's own
/// results once every task has ended.
public struct WorkloadPlan: Sendable {
    /// One task per thread in `threads` mode; run in order in `sequential` mode.
    public var tasks: [InterpretedTask]
    public var shared: SharedState
    /// The workload's own results (for example the race's final `x`), read after the tasks ended.
    public var report: @Sendable (SharedState) -> WorkloadOutcome
    /// Called just before the tasks start (io-latency starts its client thread here).
    public var start: @Sendable () throws(GilBenchError) -> Void
    /// Called after every task ended, always once `start` succeeded (io-latency joins its client).
    public var finish: @Sendable () -> Void
    /// Warnings for the user, read after the tasks ended (for example files that could not be read).
    public var notes: @Sendable () -> [String]
    /// Coroutines mode: the program that resumes the tasks, which then run as its generators (task
    /// i is generator i); nil: the round-robin scheduler of slide 160.
    public var driver: InterpretedTask?
    /// Called when not every task's thread could start, before the runner joins those that did: makes
    /// them end (the server shuts its connections down and sets `stop`). Most plans need nothing.
    public var interrupt: @Sendable (SharedState) -> Void

    public init(
        tasks: [InterpretedTask], shared: SharedState,
        report: @escaping @Sendable (SharedState) -> WorkloadOutcome = { _ in WorkloadOutcome() },
        start: @escaping @Sendable () throws(GilBenchError) -> Void = {},
        finish: @escaping @Sendable () -> Void = {},
        notes: @escaping @Sendable () -> [String] = { [] },
        driver: InterpretedTask? = nil,
        interrupt: @escaping @Sendable (SharedState) -> Void = { _ in }
    ) {
        self.interrupt = interrupt
        self.driver = driver
        self.tasks = tasks
        self.shared = shared
        self.report = report
        self.start = start
        self.finish = finish
        self.notes = notes
    }

    /// `count` tasks running `program` on `arguments`, with no global or lock shared but the program's.
    package static func repeating(_ program: Program, arguments: [Int], count: Int) -> WorkloadPlan {
        WorkloadPlan(
            tasks: Array(repeating: InterpretedTask(program: program, arguments: arguments), count: count),
            shared: SharedState(globals: program.globalNames.count, locks: program.lockCount))
    }
}
