/// What each workload does with the configuration's numbers.
extension Workload {
    /// Whether `n` means something for the workload (and goes in the `n` column).
    public var usesN: Bool {
        switch self {
        case .countdown, .race, .raceLocked, .longTick, .spin: true
        case .extension, .ioLatency, .hashing, .pipeline: false
        }
    }

    /// `n` when the user gives none: countdown's 20,000,000 (slide 80), the race's 1,000,000
    /// updates per thread (slide 43), a long tick of 100,000,000 range steps (tens of ms), and
    /// 500,000,000 xorshift steps per task for spin.
    public var defaultN: Int {
        switch self {
        case .countdown: 20_000_000
        case .race, .raceLocked: 1_000_000
        case .longTick: 100_000_000
        case .spin: 500_000_000
        case .extension, .ioLatency, .hashing, .pipeline: 0
        }
    }

    /// `calls` when the user gives none: 1,000,000 native calls per thread for `extension` (as on
    /// the slide), 500 requests for `io-latency` (each can take 10 ms under the convoy effect).
    public var defaultCalls: Int {
        switch self {
        case .ioLatency: 500
        default: 1_000_000
        }
    }

    /// Whether the workload's tasks can run as generators (`--mode coroutines`): those whose programs
    /// are built around `Programs.countingLoop`, and the pipeline.
    public var runsAsCoroutines: Bool {
        switch self {
        case .countdown, .race, .raceLocked, .pipeline: true
        case .extension, .ioLatency, .longTick, .hashing, .spin: false
        }
    }

    /// How many interpreter threads the workload runs whatever `--threads` says, or nil.
    public func fixedTasks(cpuThreads: Int) -> Int? {
        switch self {
        case .race, .raceLocked, .longTick, .pipeline: 2
        case .ioLatency: 1 + cpuThreads
        case .countdown, .extension, .hashing, .spin: nil
        }
    }
}

extension RunConfiguration {
    /// Sets ``tasks`` for workloads whose shape fixes it (race: 2, io-latency: 1 + CPU threads, ...).
    public mutating func applyWorkloadShape() {
        guard cpuThreads >= 0 else { return }  // refused by validate(), with the option's name
        if let fixed = workload.fixedTasks(cpuThreads: cpuThreads) { tasks = fixed }
    }

    /// Checks the options of the GIL designs and workloads of issue 5.
    /// - Throws: ``GilBenchError`` with code `.usage` naming the ``RunSetting`` that is wrong.
    func validateDesignAndWorkload() throws(GilBenchError) {
        guard switchIntervalMilliseconds.isFinite, switchIntervalMilliseconds >= 0.001, switchIntervalMilliseconds <= 60_000 else {
            throw GilBenchError(.switchInterval, "must be between 0.001 and 60000 ms (got \(switchIntervalMilliseconds))")
        }
        guard churnN >= 0 else { throw GilBenchError(.churnN, "must be 0 or more (got \(churnN))") }
        guard calls >= 1 else { throw GilBenchError(.calls, "must be at least 1 (got \(calls))") }
        guard cpuThreads >= 0 && cpuThreads <= 1023 else {
            throw GilBenchError(.cpuThreads, "must be between 0 and 1023 (got \(cpuThreads))")
        }
        if mode == .processes, ![.countdown, .hashing, .spin, .pipeline].contains(workload) {
            throw GilBenchError(.mode, "processes runs the countdown, hashing, spin and pipeline workloads, not \(workload.rawValue)")
        }
        if mode == .pool, ![.countdown, .hashing, .spin].contains(workload) {
            throw GilBenchError(.mode, "pool runs the countdown, hashing and spin workloads, not \(workload.rawValue)")
        }
        if mode == .coroutines, !workload.runsAsCoroutines {
            throw GilBenchError(.mode, "coroutines runs the countdown, race, race-locked and pipeline workloads, not \(workload.rawValue)")
        }
        if workload == .pipeline && mode == .sequential && pattern == .requestReply {
            throw GilBenchError(.mode, "sequential cannot run the request-reply pipeline: its producer would wait for a reply forever")
        }
        guard yieldEvery >= 1 else { throw GilBenchError(.yieldEvery, "must be at least 1 iteration (got \(yieldEvery))") }
        guard messages >= 1 else { throw GilBenchError(.messages, "must be at least 1 (got \(messages))") }
        guard messageSize >= 1 && messageSize <= RunConfiguration.maxMessageSize else {
            throw GilBenchError(
                .messageSize, "must be between 1 and \(RunConfiguration.maxMessageSize) bytes (16 MiB; got \(messageSize))")
        }
        if let fixed = workload.fixedTasks(cpuThreads: cpuThreads), tasks != fixed {
            throw GilBenchError(.workload, "\(workload.rawValue) runs \(fixed) interpreter threads, not \(tasks)")
        }
    }
}
