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
            return .repeating(program, arguments: [configuration.n], count: configuration.tasks)
        case .spin:
            return SpinWorkload.plan(for: configuration)
        case .pipeline where configuration.mode == .processes:
            return try PipelinePeer.plan(for: configuration, executable: peerExecutable)
        case .pipeline:
            return PipelineWorkload.plan(for: configuration)
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
        case .server:
            // Its plan needs the listening socket and the client's connections: Runner.measureServer.
            throw GilBenchError(.runFailed, "the server workload runs through Runner.measure, which starts its client")
        }
    }
}
