/// What a workload reports of its own once its tasks have ended, beside the runner's clocks and the
/// GIL's counters. Every field is nil when the workload does not measure it.
public struct WorkloadOutcome: Sendable, Equatable {
    /// Race: the global `x` after both threads ended (0 when no update was lost).
    public var raceFinalX: Int?
    /// Long tick: how long the one long instruction ran, in microseconds.
    public var longTickMicroseconds: Double?
    /// Response times in microseconds (io-latency: the client's; long tick: the waiter's one delay).
    public var latencyP50Microseconds: Double?
    public var latencyP99Microseconds: Double?
    public var latencyMaxMicroseconds: Double?
    /// io-latency: requests answered per second of the client's time.
    public var requestsPerSecond: Double?
    /// Hashing: files hashed, bytes hashed, files that could not be read.
    public var files: Int?
    public var bytes: Int?
    public var unreadableFiles: Int?
    /// Pipeline: messages the consumer received, per second from the first sent to the last
    /// received, and each one's time from `message()` to `received()` in microseconds.
    public var messagesReceived: Int?
    public var messagesPerSecond: Double?
    public var messageLatencyP50Microseconds: Double?
    public var messageLatencyP99Microseconds: Double?
    /// A real JIT interpreter's runs of the experiment in its process before the measured one.
    public var jitWarmups: Int?
    /// Server: the server's peak resident set in KiB (the simulator's process, or a real twin's
    /// processes summed).
    public var rssKiB: Int?
    /// Pipeline between processes: what the consumer process used over its life, reaped at the end
    /// (`wait4`). The runner adds it to its own process's, so that the row's CPU time and context
    /// switches are the process tree's, as a real twin's are (its `multiprocessing.Process` is
    /// reaped by the interpreter, whose own `wait4` counts it).
    public var consumerProcess: ResourceUsage?

    public init(
        raceFinalX: Int? = nil, longTickMicroseconds: Double? = nil,
        latencyP50Microseconds: Double? = nil, latencyP99Microseconds: Double? = nil, latencyMaxMicroseconds: Double? = nil,
        requestsPerSecond: Double? = nil, files: Int? = nil, bytes: Int? = nil, unreadableFiles: Int? = nil,
        messagesReceived: Int? = nil, messagesPerSecond: Double? = nil,
        messageLatencyP50Microseconds: Double? = nil, messageLatencyP99Microseconds: Double? = nil, jitWarmups: Int? = nil,
        rssKiB: Int? = nil
    ) {
        self.rssKiB = rssKiB
        self.jitWarmups = jitWarmups
        self.messagesReceived = messagesReceived
        self.messagesPerSecond = messagesPerSecond
        self.messageLatencyP50Microseconds = messageLatencyP50Microseconds
        self.messageLatencyP99Microseconds = messageLatencyP99Microseconds
        self.raceFinalX = raceFinalX
        self.longTickMicroseconds = longTickMicroseconds
        self.latencyP50Microseconds = latencyP50Microseconds
        self.latencyP99Microseconds = latencyP99Microseconds
        self.latencyMaxMicroseconds = latencyMaxMicroseconds
        self.requestsPerSecond = requestsPerSecond
        self.files = files
        self.bytes = bytes
        self.unreadableFiles = unreadableFiles
    }

    /// This outcome with `other`'s measured fields over it.
    public func merging(_ other: WorkloadOutcome) -> WorkloadOutcome {
        var merged = WorkloadOutcome(
            raceFinalX: other.raceFinalX ?? raceFinalX,
            longTickMicroseconds: other.longTickMicroseconds ?? longTickMicroseconds,
            latencyP50Microseconds: other.latencyP50Microseconds ?? latencyP50Microseconds,
            latencyP99Microseconds: other.latencyP99Microseconds ?? latencyP99Microseconds,
            latencyMaxMicroseconds: other.latencyMaxMicroseconds ?? latencyMaxMicroseconds,
            requestsPerSecond: other.requestsPerSecond ?? requestsPerSecond,
            files: other.files ?? files, bytes: other.bytes ?? bytes,
            unreadableFiles: other.unreadableFiles ?? unreadableFiles,
            messagesReceived: other.messagesReceived ?? messagesReceived,
            messagesPerSecond: other.messagesPerSecond ?? messagesPerSecond,
            messageLatencyP50Microseconds: other.messageLatencyP50Microseconds ?? messageLatencyP50Microseconds,
            messageLatencyP99Microseconds: other.messageLatencyP99Microseconds ?? messageLatencyP99Microseconds,
            jitWarmups: other.jitWarmups ?? jitWarmups, rssKiB: other.rssKiB ?? rssKiB)
        merged.consumerProcess = other.consumerProcess ?? consumerProcess
        return merged
    }
}

/// CPU time and context switches of a process (all its threads, live and ended), as `struct rusage`
/// gives them; GilBenchSystem reads them (`ResourceUsage.current`, `wait4`).
public struct ResourceUsage: Sendable, Equatable {
    public var userSeconds: Double
    public var systemSeconds: Double
    public var voluntaryContextSwitches: Int
    public var involuntaryContextSwitches: Int

    public init(userSeconds: Double = 0, systemSeconds: Double = 0, voluntaryContextSwitches: Int = 0, involuntaryContextSwitches: Int = 0) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }

    public static func - (lhs: ResourceUsage, rhs: ResourceUsage) -> ResourceUsage { lhs.combined(with: rhs, -, -) }

    public static func + (lhs: ResourceUsage, rhs: ResourceUsage) -> ResourceUsage { lhs.combined(with: rhs, +, +) }

    /// Field by field: `seconds` of the two CPU times, `count` of the two context-switch counts.
    private func combined(
        with other: ResourceUsage, _ seconds: (Double, Double) -> Double, _ count: (Int, Int) -> Int
    ) -> ResourceUsage {
        ResourceUsage(
            userSeconds: seconds(userSeconds, other.userSeconds),
            systemSeconds: seconds(systemSeconds, other.systemSeconds),
            voluntaryContextSwitches: count(voluntaryContextSwitches, other.voluntaryContextSwitches),
            involuntaryContextSwitches: count(involuntaryContextSwitches, other.involuntaryContextSwitches))
    }
}
