import GilBenchSimulator

extension WorkloadPlan {
    /// The plan for `configuration`'s workload.
    public static func make(for configuration: RunConfiguration) throws(GilBenchError) -> WorkloadPlan {
        switch configuration.workload {
        case .countdown:
            return .repeating(Programs.countdown, arguments: [configuration.n], count: configuration.tasks)
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
        case .spin:
            return SpinWorkload.plan(for: configuration)
        }
    }
}
