/// One unit of interpreted work: a program and its arguments (the first is `n`).
public struct InterpretedTask: Sendable {
    public var program: Program
    public var arguments: [Int]

    public init(program: Program, arguments: [Int]) {
        self.program = program
        self.arguments = arguments
    }
}

/// What a workload hands the runner: the tasks, the state they share, and the workload's own
/// results once every task has ended.
public struct WorkloadPlan: Sendable {
    /// One task per thread in `threads` mode; run in order in `sequential` mode.
    public var tasks: [InterpretedTask]
    public var shared: SharedState
    /// The workload's own columns (for example `race_final_x`), read after the tasks ended.
    public var report: @Sendable (SharedState) -> CSVRecord
    /// Called just before the tasks start (io-latency starts its client thread here).
    public var start: @Sendable () throws(GilBenchError) -> Void
    /// Called after every task ended, always once `start` succeeded (io-latency joins its client).
    public var finish: @Sendable () -> Void
    /// Warnings for the user, read after the tasks ended (for example files that could not be read).
    public var notes: @Sendable () -> [String]

    public init(
        tasks: [InterpretedTask], shared: SharedState,
        report: @escaping @Sendable (SharedState) -> CSVRecord = { _ in CSVRecord() },
        start: @escaping @Sendable () throws(GilBenchError) -> Void = {},
        finish: @escaping @Sendable () -> Void = {},
        notes: @escaping @Sendable () -> [String] = { [] }
    ) {
        self.tasks = tasks
        self.shared = shared
        self.report = report
        self.start = start
        self.finish = finish
        self.notes = notes
    }

    /// The plan for `configuration`'s workload.
    public static func make(for configuration: RunConfiguration) throws(GilBenchError) -> WorkloadPlan {
        switch configuration.workload {
        case .countdown:
            let program = Programs.countdown
            let task = InterpretedTask(program: program, arguments: [configuration.n])
            return WorkloadPlan(
                tasks: Array(repeating: task, count: configuration.tasks),
                shared: SharedState(globals: program.globalNames.count, locks: program.lockCount))
        case .extension:
            return ExtensionWorkload.plan(for: configuration)
        case .ioLatency:
            return try IOLatencyWorkload.plan(for: configuration)
        case .race, .raceLocked:
            return RaceWorkload.plan(for: configuration)
        case .longTick:
            return try LongTickWorkload.plan(for: configuration)
        case .hashing:
            return try HashingPlan.make(for: configuration)
        }
    }
}
