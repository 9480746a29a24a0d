import GilBenchSystem
import GilBenchSimulator
import Foundation

/// A run of several configurations: warm-ups, then repetitions alternating between configurations
/// (so that drift on a shared machine hits them all alike), each row written as soon as it is measured.
public final class Session {
    public let runID: String
    public let machine: MachineInfo
    public let timestamp: String
    private let writer: CSVWriter?
    /// Every row written so far, in order.
    public private(set) var rows: [ResultRow] = []
    /// The detailed system-call counts of every kept repetition, per configuration in order.
    public private(set) var keptSyscallCounts: [RunConfiguration: [SyscallCounts]] = [:]
    /// Warnings of the measurements so far, each once, in order.
    public private(set) var warnings: [String] = []
    /// How many repetitions of each configuration were kept so far: a later ``run(_:measure:progress:disturbed:)``
    /// of the same configuration numbers its repetitions on from there, so that the k-th of one
    /// configuration stays paired with the k-th of another measured beside it.
    /// By configuration key with the CPUs its measurements were pinned to, as its repetition and
    /// warm-up counts do not make another configuration, and its CPU selection does.
    private var keptRepetitions: [ConfigurationKey: Int] = [:]
    /// The configuration measured for each row key, to measure it again.
    private var configurationsByKey: [ConfigurationKey: RunConfiguration] = [:]
    /// The CPUs each configuration's last kept repetition was pinned to (its rows' CPU columns).
    private(set) var pinnedCPUs: [RunConfiguration: [Int]] = [:]

    /// The configuration whose rows have `key`; nil when none was measured in this session.
    public func configuration(of key: ConfigurationKey) -> RunConfiguration? { configurationsByKey[key] }

    /// One more round of the configurations of `keys` that this session measured: each once, with no
    /// warm-up, so that run again they number on from their last repetition and pair with each other.
    /// Keys it did not measure are left out.
    public func extraRound(of keys: [ConfigurationKey]) -> [RunConfiguration] {
        keys.compactMap { configuration(of: $0) }.map { c in
            var once = c
            once.repetitions = 1
            once.warmup = 0
            return once
        }
    }
    /// How many times a repetition is measured at most: a disturbed one (steal or foreign CPU above
    /// `CPUDisturbance`'s threshold, or CPU speeds beyond `CPUSpeedCheck`'s margin) is measured again until it is not, or this many attempts were
    /// made; the row keeps the last. 1: never again. Warm-ups are not retried.
    public var maxAttempts = 3
    /// Probes each CPU's speed around every repetition (not warm-ups), so that a repetition measured
    /// while one CPU ran much slower than another is disturbed (`CPUSpeedCheck`) and measured again;
    /// nil: not probed, the speed columns stay empty. The commands set `CPUSpeedProbe.live`: about
    /// 20 ms per repetition on 2 CPUs, as the probe after one repetition is the one before the next.
    public var cpuSpeedProbe: CPUSpeedProbe?

    /// - Parameters:
    ///   - writer: where rows go as they are measured; nil to keep them in memory only.
    ///   - machine: the metadata written beside every row.
    ///   - runID: the run's id (nil: a new one from ``makeRunID(_:)``).
    public init(writer: CSVWriter?, machine: MachineInfo = .current(), runID: String? = nil) {
        self.writer = writer
        self.machine = machine
        let now = Date()
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime]
        timestamp = format.string(from: now)
        self.runID = runID ?? Session.makeRunID(now)
    }

    /// A short unique id: UTC time to the second and 4 random hex digits.
    public static func makeRunID(_ date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date) + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }

    /// Runs every configuration: `warmup` unrecorded runs each, then `repetitions` rounds. Repetitions
    /// are numbered on from those this session already kept of the same configuration.
    /// - Parameters:
    ///   - configurations: the configurations, measured in turn so that a noisy machine hits all alike.
    ///   - measure: measures one repetition (default: `Runner.measure` without probes); callers
    ///     that count system calls pass `SyscallCounting.measure`.
    ///   - progress: called before each measurement with (done, total, configuration); a repetition
    ///     measured again is announced again with the same `done`.
    ///   - disturbed: whether a measurement was disturbed and is to be measured again (default: its
    ///     `/proc/stat` samples passed the threshold, `RunMeasurement/isDisturbed`); tests inject one.
    /// - Throws: the first `GilBenchError`; rows measured before it are already written.
    public func run(
        _ configurations: [RunConfiguration],
        measure: (RunConfiguration) throws(GilBenchError) -> RunMeasurement = { c throws(GilBenchError) in try Runner.measure(c) },
        progress: (Int, Int, RunConfiguration) -> Void = { _, _, _ in },
        disturbed: (RunMeasurement) -> Bool = { $0.isDisturbed }
    ) throws(GilBenchError) {
        for configuration in configurations { try configuration.validate() }
        let rounds = configurations.map(\.repetitions).max() ?? 0
        let total = configurations.reduce(0) { $0 + $1.warmup + $1.repetitions }
        var done = 0
        var speeds = CPUSpeedBrackets(cpuSpeedProbe)
        for configuration in configurations {
            for _ in 0..<configuration.warmup {
                progress(done, total, configuration)
                _ = try measure(configuration)
                done += 1
            }
        }
        for round in 1...max(rounds, 1) {
            for configuration in configurations where round <= configuration.repetitions {
                var attempts = 0
                var measurement: RunMeasurement
                repeat {
                    progress(done, total, configuration)
                    measurement = try speeds.measure { () throws(GilBenchError) in try measure(configuration) }
                    attempts += 1
                } while attempts < maxAttempts && disturbed(measurement)
                measurement.attempts = attempts
                let key = ConfigurationKey(configuration, cpus: measurement.cpus)
                try record(configuration, repetition: (keptRepetitions[key] ?? 0) + 1, measurement)
                done += 1
            }
        }
    }

    /// Writes one row.
    public func record(_ configuration: RunConfiguration, repetition: Int, _ measurement: RunMeasurement) throws(GilBenchError) {
        let row = ResultRow(configuration, measurement, machine: machine, runID: runID, timestamp: timestamp, repetition: repetition)
        try writer?.write(row)
        rows.append(row)
        let key = ConfigurationKey(configuration, cpus: measurement.cpus)
        keptRepetitions[key, default: 0] = max(keptRepetitions[key] ?? 0, repetition)
        configurationsByKey[row.key] = configuration
        pinnedCPUs[configuration] = measurement.cpus
        if let counts = measurement.syscalls { keptSyscallCounts[configuration, default: []].append(counts) }
        for warning in measurement.warnings where !warnings.contains(warning) { warnings.append(warning) }
    }
}
