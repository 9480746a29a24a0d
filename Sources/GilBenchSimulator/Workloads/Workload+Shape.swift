/// What each workload does with the configuration's numbers.
extension Workload {
    /// Whether `n` means something for the workload (and goes in the `n` column).
    public var usesN: Bool {
        switch self {
        case .countdown, .race, .raceLocked, .longTick, .spin: true
        case .extension, .ioLatency, .hashing, .pipeline, .server: false
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
        case .extension, .ioLatency, .hashing, .pipeline, .server: 0
        }
    }

    /// `cpuThreads` when the user gives none: one CPU-bound thread beside the convoy's server (the
    /// convoy needs one), none beside the server workload's (issue 24: 0 by default).
    public var defaultCPUThreads: Int {
        self == .server ? 0 : 1
    }

    /// `messageSize` when the user gives none: the server's requests are the request number alone,
    /// 8 bytes (`struct` `=q`); the pipeline's messages are 64 bytes.
    public var defaultMessageSize: Int {
        self == .server ? RunConfiguration.minServerMessageSize : 64
    }

    /// The modes a run compares when the user names none: sequential against threads (slide 80),
    /// and for the server its four models.
    public var defaultModes: [ExecutionMode] {
        self == .server ? modes : [.sequential, .threads]
    }

    /// The execution modes the workload runs in.
    public var modes: [ExecutionMode] {
        switch self {
        case .server: [.threads, .events, .coroutines, .processes]
        case .countdown, .hashing, .spin: [.sequential, .threads, .processes, .pool] + (runsAsCoroutines ? [.coroutines] : [])
        case .pipeline: [.sequential, .threads, .processes, .coroutines]
        case .race, .raceLocked: [.sequential, .threads, .coroutines]
        case .extension, .ioLatency, .longTick: [.sequential, .threads]
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
        case .countdown, .race, .raceLocked, .pipeline, .server: true
        case .extension, .ioLatency, .longTick, .hashing, .spin: false
        }
    }

    /// How many interpreter threads the workload runs whatever `--threads` says, or nil.
    public func fixedTasks(cpuThreads: Int) -> Int? {
        switch self {
        case .race, .raceLocked, .longTick, .pipeline: 2
        case .ioLatency, .server: 1 + cpuThreads
        case .countdown, .extension, .hashing, .spin: nil
        }
    }
}

extension RunConfiguration {
    /// A server configuration (issue 24) with the workload's own defaults: `mode`'s model on
    /// `connections` connections, 8-byte requests, `cpuThreads` CPU-bound threads (0 unless given),
    /// and the library's defaults for the rest (``requestWork``, a closed loop, ``durationSeconds``).
    public static func server(_ mode: ExecutionMode, connections: Int, cpuThreads: Int = 0) -> RunConfiguration {
        var c = RunConfiguration()
        c.workload = .server
        c.mode = mode
        c.connections = connections
        c.cpuThreads = cpuThreads
        c.messageSize = Workload.server.defaultMessageSize
        c.applyWorkloadShape()
        return c
    }

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
        if workload == .server {
            try validateServer()
            return
        }
        if mode == .events {
            throw GilBenchError(.mode, "events runs the server workload only, not \(workload.rawValue)")
        }
        if mode == .processes, ![.countdown, .hashing, .spin, .pipeline].contains(workload) {
            throw GilBenchError(.mode, "processes runs the countdown, hashing, spin and pipeline workloads, not \(workload.rawValue)")
        }
        if mode == .pool, ![.countdown, .hashing, .spin].contains(workload) {
            throw GilBenchError(.mode, "pool runs the countdown, hashing and spin workloads, not \(workload.rawValue)")
        }
        if mode == .coroutines, !workload.runsAsCoroutines {
            throw GilBenchError(
                .mode, "coroutines runs the countdown, race, race-locked, pipeline and server workloads, not \(workload.rawValue)")
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

    /// Checks the server workload's settings (issue 24): its modes, connections, request size, rate and window.
    private func validateServer() throws(GilBenchError) {
        guard workload.modes.contains(mode) else {
            throw GilBenchError(.mode, "the server runs in threads, events, coroutines or processes mode, not \(mode.rawValue)")
        }
        guard (1...RunConfiguration.maxConnections).contains(connections) else {
            throw GilBenchError(.connections, "must be between 1 and \(RunConfiguration.maxConnections) (got \(connections))")
        }
        guard requestWork >= 0 else { throw GilBenchError(.requestWork, "must be 0 or more iterations (got \(requestWork))") }
        if let rate {
            guard rate > 0 && rate.isFinite else {
                throw GilBenchError(.rate, "must be a positive number of requests per second (got \(rate))")
            }
        }
        guard durationSeconds > 0 && durationSeconds <= 3600 && durationSeconds.isFinite else {
            throw GilBenchError(.duration, "must be between 0 and 3600 seconds (got \(durationSeconds))")
        }
        if let requests, requests < 1 { throw GilBenchError(.requests, "must be at least 1 (got \(requests))") }
        guard messageSize >= RunConfiguration.minServerMessageSize && messageSize <= RunConfiguration.maxMessageSize else {
            throw GilBenchError(
                .messageSize,
                "must be between \(RunConfiguration.minServerMessageSize) and \(RunConfiguration.maxMessageSize) bytes for the server (the request number and at most 16 MiB; got \(messageSize))")
        }
        guard cpuThreads >= 0 && cpuThreads <= 1023 else {
            throw GilBenchError(.cpuThreads, "must be between 0 and 1023 (got \(cpuThreads))")
        }
        if let fixed = workload.fixedTasks(cpuThreads: cpuThreads), tasks != fixed {
            throw GilBenchError(.workload, "\(workload.rawValue) runs \(fixed) interpreter tasks, not \(tasks)")
        }
    }
}
