import GilBenchSimulator
/// What one repetition of a configuration measured.
public struct RunMeasurement: Sendable {
    /// Wall time of the measured region (monotonic clock).
    public var wallSeconds: Double
    /// CPU time and context switches during the region (getrusage).
    public var usage: ResourceUsage
    public var ticks: UInt64
    public var instructions: UInt64
    /// The GIL's counters; nil when the run had no GIL to count.
    public var gil: GILCounters?
    /// A real interpreter's GIL calls counted by uprobes; nil when not counted.
    public var interpreterGIL: InterpreterGILCounts?
    /// What the workload reported of its own (the race's `x`, latencies, files hashed, ...).
    public var outcome: WorkloadOutcome
    /// The system calls a probe counted in the region; nil when none counted.
    public var syscalls: SyscallCounts?
    /// Things the user should know about this repetition (files that could not be read, ...).
    public var warnings: [String] = []
    /// Steal and foreign CPU time on the region's CPUs, sampled from `/proc/stat` before the clock
    /// started and after it stopped; nil when `/proc/stat` could not tell.
    public var disturbance: CPUDisturbance?
    /// Each CPU's speed just before and just after the repetition (``CPUSpeedProbe``); nil when
    /// not probed (`Session.cpuSpeedProbe` is nil) or when a probe failed.
    public var cpuSpeed: CPUSpeedCheck?
    /// How many measurements this repetition took (a disturbed one is measured again, see
    /// `Session.maxAttempts`); this measurement is the last.
    public var attempts = 1
    /// The CPUs the run was pinned to: its `CPUSelection` resolved against the CPUs this process
    /// was allowed when it ran (the `cpus` and `cpu_list` columns); nil when it was not pinned (a
    /// measurement made up by a test), and the cells are then empty.
    public var cpus: [Int]?

    /// Whether steal or foreign CPU passed ``CPUDisturbance``'s threshold, or the CPUs' speeds
    /// differed by more than ``CPUSpeedCheck/margin`` (false where not known).
    public var isDisturbed: Bool {
        (disturbance?.isDisturbed(wallSeconds: wallSeconds) ?? false) || (cpuSpeed?.isDisturbed ?? false)
    }

    /// Keeps the region's disturbance, or, when `/proc/stat` could not tell it, a warning that says
    /// why: the row's disturbance cells are then empty (unknown, not "not disturbed"), and the run
    /// says so once (`Session.warnings` keeps each warning once).
    package mutating func record(disturbance sampled: Result<CPUDisturbance, GilBenchError>) {
        switch sampled {
        case .success(let disturbance):
            self.disturbance = disturbance
        case .failure(let problem):
            disturbance = nil
            warnings.append(RunMeasurement.disturbanceUnknown + problem.description)
        }
    }

    /// The start of the warning of a run whose disturbance is not known.
    package static let disturbanceUnknown = "steal_s, foreign_cpu_s and disturbed are left empty (disturbance not measured): "

    /// Keeps the CPU speeds probed around the repetition, or, when a probe failed, a warning that
    /// says why (the speed cells are then empty, and the run says so once).
    package mutating func record(cpuSpeedsBefore before: Result<CPUSpeeds, GilBenchError>, after: Result<CPUSpeeds, GilBenchError>) {
        switch (before, after) {
        case (.success(let before), .success(let after)):
            cpuSpeed = CPUSpeedCheck(before: before, after: after)
        case (.failure(let problem), _), (_, .failure(let problem)):
            cpuSpeed = nil
            warnings.append(RunMeasurement.cpuSpeedUnknown + problem.description)
        }
    }

    /// The start of the warning of a run whose CPU speeds are not known.
    package static let cpuSpeedUnknown = "cpu_speed_min, cpu_speed_max and cpu_speed_spread are left empty (CPU speeds not probed): "

    public init(wallSeconds: Double, usage: ResourceUsage, ticks: UInt64, instructions: UInt64, gil: GILCounters?,
        outcome: WorkloadOutcome = WorkloadOutcome(), syscalls: SyscallCounts? = nil
    ) {
        self.wallSeconds = wallSeconds
        self.usage = usage
        self.ticks = ticks
        self.instructions = instructions
        self.gil = gil
        self.outcome = outcome
        self.syscalls = syscalls
    }
}

/// Something measured around the measured region only, such as a system-call counter.
///
/// The runner calls ``begin()`` just before the region starts (before any worker thread exists) and
/// ``end()`` just after it ends (after every worker was joined).
public protocol MeasurementProbe: AnyObject {
    func begin() throws(GilBenchError)
    /// What the probe counted in this repetition.
    func end() throws(GilBenchError) -> SyscallCounts
}
