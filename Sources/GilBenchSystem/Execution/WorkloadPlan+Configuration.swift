import GilBenchSimulator

extension WorkloadPlan {
    /// The plan for `configuration`'s workload.
    /// - Parameters:
    ///   - configuration: what to run.
    ///   - peerExecutable: the gilbench binary a pipeline's consumer process runs (processes mode).
    public static func make(
        for configuration: RunConfiguration, peerExecutable: String = WorkerPool.executable
    ) throws(GilBenchError) -> WorkloadPlan {
        switch configuration.workload {
        case .countdown:
            let program = configuration.generatorYieldEvery.map { Programs.countdownGenerator(yieldEvery: $0) } ?? Programs.countdown
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
        case .pipeline where configuration.mode == .processes:
            return try PipelinePeer.plan(for: configuration, executable: peerExecutable)
        case .pipeline:
            return PipelineWorkload.plan(for: configuration)
        }
    }
}
