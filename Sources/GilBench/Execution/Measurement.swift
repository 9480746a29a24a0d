/// What one repetition of a configuration measured.
public struct Measurement: Sendable {
    /// Wall time of the measured region (monotonic clock).
    public var wallSeconds: Double
    /// CPU time and context switches during the region (getrusage).
    public var usage: ResourceUsage
    public var ticks: UInt64
    public var instructions: UInt64
    /// The GIL's counters; nil when the run had no GIL to count.
    public var gil: GILCounters?
    /// Columns filled by the workload and by probes (system calls, hashing, latency, ...).
    public var extra: CSVRecord
    /// Things the user should know about this repetition (files that could not be read, ...).
    public var warnings: [String] = []

    public init(wallSeconds: Double, usage: ResourceUsage, ticks: UInt64, instructions: UInt64, gil: GILCounters?, extra: CSVRecord = CSVRecord()) {
        self.wallSeconds = wallSeconds
        self.usage = usage
        self.ticks = ticks
        self.instructions = instructions
        self.gil = gil
        self.extra = extra
    }

    /// The measurement's columns of a CSV row.
    public var record: CSVRecord {
        var r = CSVRecord()
        r.set(.wallSeconds, wallSeconds)
        r.set(.userSeconds, usage.userSeconds)
        r.set(.systemSeconds, usage.systemSeconds)
        r.set(.voluntaryContextSwitches, usage.voluntaryContextSwitches)
        r.set(.involuntaryContextSwitches, usage.involuntaryContextSwitches)
        r.set(.ticks, Int(ticks))
        r.set(.instructions, Int(instructions))
        if let gil {
            r.set(.gilAcquisitions, gil.acquisitions)
            r.set(.gilHandoffs, gil.handoffs)
            r.set(.gilFailedAcquisitions, gil.failedAcquisitions)
            r.set(.gilWaitSeconds, Double(gil.waitNanoseconds) / 1e9)
            r.set(.forcedSwitches, gil.forcedSwitches)
            if let histogram = gil.failedWakeupHistogram { r.set(.gilFailedWakeupsHistogram, histogram.cell) }
            if let samples = gil.waitSamples {
                func us(_ p: Double) -> Double? { samples.value(atPercentile: p).map { Double($0) / 1000 } }
                r.set(.gilWaitP50Us, us(50))
                r.set(.gilWaitP90Us, us(90))
                r.set(.gilWaitP99Us, us(99))
                r.set(.gilWaitMaxUs, samples.max.map { Double($0) / 1000 })
            }
        }
        r.merge(extra)
        return r
    }
}

/// Something measured around the measured region only, such as a system-call counter.
///
/// The runner calls ``begin()`` just before the region starts (before any worker thread exists) and
/// ``end()`` just after it ends (after every worker was joined).
public protocol MeasurementProbe: AnyObject {
    func begin() throws(GilBenchError)
    /// The probe's columns for this repetition.
    func end() throws(GilBenchError) -> CSVRecord
}
