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

    public init(
        tasks: [InterpretedTask], shared: SharedState,
        report: @escaping @Sendable (SharedState) -> CSVRecord = { _ in CSVRecord() }
    ) {
        self.tasks = tasks
        self.shared = shared
        self.report = report
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
        }
    }
}
