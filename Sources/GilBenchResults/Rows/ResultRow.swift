import GilBenchSimulator
import GilBenchSystem

/// One repetition of one configuration, typed: what a line of gilbench's CSV holds, decoded once.
///
/// Summaries, comparisons, plots and the reproduction read these; CSV exists only where files are read
/// and written (``init(record:)`` and ``record``, ``CSVReader``, ``CSVWriter``, ``ResultFile``). An
/// empty cell is nil, "not measured", never 0. A cell that does not decode into its column's type is
/// kept verbatim (``undecoded``, ``ConfigurationKey/undecoded``, ``Measurements/undecoded``), so that
/// any row, gilbench's or another tool's (a real interpreter's `cpython-3.11.7` rows), writes back
/// as it was read.
@dynamicMemberLookup
public struct ResultRow: Sendable, Equatable {
    public var schemaVersion: Int?
    public var runID: String?
    public var timestamp: String?
    /// The `repeat` column: 1 for the first measured repetition.
    public var repetition: Int?
    /// The configuration: rows with equal keys are repetitions of one configuration.
    public var key: ConfigurationKey
    public var measurements: Measurements
    public var machine: Machine
    /// Metadata and machine cells that did not decode (`schema_version`, `repeat`, `cores`), verbatim.
    public private(set) var undecoded: [Column: String] = [:]

    public init(
        key: ConfigurationKey = ConfigurationKey(), measurements: Measurements = Measurements(), machine: Machine = Machine(),
        schemaVersion: Int? = Column.currentSchemaVersion, runID: String? = nil, timestamp: String? = nil, repetition: Int? = nil
    ) {
        self.key = key
        self.measurements = measurements
        self.machine = machine
        self.schemaVersion = schemaVersion
        self.runID = runID
        self.timestamp = timestamp
        self.repetition = repetition
    }

    /// `row.mode` for `row.key.mode`.
    public subscript<T>(dynamicMember path: KeyPath<ConfigurationKey, T>) -> T { key[keyPath: path] }
    /// `row.wallSeconds` for `row.measurements.wallSeconds`.
    public subscript<T>(dynamicMember path: KeyPath<Measurements, T>) -> T { measurements[keyPath: path] }

    // MARK: CSV, at the edge

    /// Decodes a CSV row.
    public init(record: CSVRecord) {
        self.init(key: ConfigurationKey(record: record), schemaVersion: nil)
        for column in Column.allCases where !Column.configuration.contains(column) { self[cell: column] = record[column] }
    }

    /// The row as CSV cells, every column of the schema (empty where nil).
    public var record: CSVRecord {
        var record = CSVRecord()
        for column in Column.allCases { record[column] = self[cell: column] }
        return record
    }

    /// Any column's cell as the CSV holds it (nil: empty); setting it decodes it.
    public subscript(cell column: Column) -> String? {
        get {
            if Column.configuration.contains(column) { return key[cell: column] }
            if column.isMeasurement || column == .gilFailedWakeupsHistogram || column == .gilProbe { return measurements[cell: column] }
            if let raw = undecoded[column] { return raw }
            switch column {
            case .schemaVersion: return schemaVersion.map(String.init)
            case .runID: return runID
            case .timestamp: return timestamp
            case .repeat: return repetition.map(String.init)
            default: return machine[cell: column]
            }
        }
        set {
            if Column.configuration.contains(column) { key[cell: column] = newValue; return }
            if column.isMeasurement || column == .gilFailedWakeupsHistogram || column == .gilProbe { measurements[cell: column] = newValue; return }
            undecoded[column] = nil
            let cell = newValue.flatMap { $0.isEmpty ? nil : $0 }
            switch column {
            case .schemaVersion:
                schemaVersion = cell.flatMap { Int($0) }
                if schemaVersion == nil, let cell { undecoded[column] = cell }
            case .runID: runID = cell
            case .timestamp: timestamp = cell
            case .repeat:
                repetition = cell.flatMap { Int($0) }
                if repetition == nil, let cell { undecoded[column] = cell }
            default:
                machine[cell: column] = cell
                if cell != nil && machine[cell: column] == nil { undecoded[column] = cell }
            }
        }
    }

    /// A real number from a cell; nil when it is not one, or not finite (such a cell is kept verbatim).
    static func real(_ cell: String) -> Double? {
        guard let value = Double(cell), value.isFinite else { return nil }
        return value
    }

    /// `value` as the CSV holds it (`DecimalText/compact(_:)`'s digits), so that what a run summarises
    /// in memory is what a summary of its file shows.
    public static func canonical(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return Double(DecimalText.compact(value))
    }
}

extension ResultRow {
    /// What one repetition measured; nil where it was not measured.
    public struct Measurements: Sendable, Equatable {
        public var wallSeconds: Double?
        public var userSeconds: Double?
        public var systemSeconds: Double?
        public var voluntaryContextSwitches: Int?
        public var involuntaryContextSwitches: Int?
        public var instructions: Int?
        public var ticks: Int?
        public var gilAcquisitions: Int?
        public var gilHandoffs: Int?
        /// nil where the lock cannot see failed wake-ups (a semaphore), not 0.
        public var gilFailedAcquisitions: Int?
        public var gilWaitSeconds: Double?
        public var forcedSwitches: Int?
        public var gilWaitP50Us: Double?
        public var gilWaitP90Us: Double?
        public var gilWaitP99Us: Double?
        public var gilWaitMaxUs: Double?
        public var syscallsTotal: Int?
        public var syscallsFutex: Int?
        public var syscallsSchedYield: Int?
        public var syscallsNanosleep: Int?
        public var syscallsClockNanosleep: Int?
        public var syscallsRead: Int?
        public var syscallsWrite: Int?
        public var files: Int?
        public var bytes: Int?
        public var unreadableFiles: Int?
        public var latencyP50Us: Double?
        public var latencyP99Us: Double?
        public var latencyMaxUs: Double?
        public var requestsPerSecond: Double?
        public var raceFinalX: Int?
        public var longTickUs: Double?
        public var failedWakeups: FailedWakeupHistogram?
        /// Steal time of the repetition's CPUs during its region (`steal_s`).
        public var stealSeconds: Double?
        /// Other work's CPU time on the repetition's CPUs during its region (`foreign_cpu_s`).
        public var foreignCPUSeconds: Double?
        /// 1 when steal or foreign CPU passed `CPUDisturbance`'s threshold, 0 when not (`disturbed`).
        public var disturbed: Int?
        /// How many measurements the repetition took (`attempts`).
        public var attempts: Int?
        /// Pipeline: messages received per second, latency p50 and p99 in microseconds.
        public var messagesPerSecond: Double?
        public var messageLatencyP50Us: Double?
        public var messageLatencyP99Us: Double?
        /// Calls of a real interpreter's GIL release function (`gil_releases`).
        public var gilReleases: Int?
        /// The function a real interpreter's `gil_acquisitions` counts (`gil_probe`).
        public var gilProbe: String?
        /// The slowest and fastest CPU's speed around the repetition, iterations per microsecond
        /// (`cpu_speed_min`, `cpu_speed_max`), and `1 − min/max` (`cpu_speed_spread`).
        public var cpuSpeedMin: Double?
        public var cpuSpeedMax: Double?
        public var cpuSpeedSpread: Double?
        /// Runs of a real interpreter's experiment in its own process before the measured one, until
        /// two in a row agreed within 5% (`jit_warmups`; JIT interpreters only: Jython, PyPy).
        public var jitWarmups: Int?
        /// Server: the server's peak resident set, KiB (`rss_kib`).
        public var rssKiB: Int?
        /// Cells that did not decode into their column's type, verbatim.
        public private(set) var undecoded: [Column: String] = [:]

        public init() {}

        /// Whether the repetition was kept although disturbed (`disturbed` = 1).
        public var isDisturbed: Bool { disturbed == 1 }

        /// Where a numeric measurement column's value lives.
        private enum Field {
            case integer(WritableKeyPath<Measurements, Int?>)
            case real(WritableKeyPath<Measurements, Double?>)
        }

        private static func field(_ column: Column) -> Field? {
            switch column {
            case .wallSeconds: .real(\.wallSeconds)
            case .userSeconds: .real(\.userSeconds)
            case .systemSeconds: .real(\.systemSeconds)
            case .voluntaryContextSwitches: .integer(\.voluntaryContextSwitches)
            case .involuntaryContextSwitches: .integer(\.involuntaryContextSwitches)
            case .instructions: .integer(\.instructions)
            case .ticks: .integer(\.ticks)
            case .gilAcquisitions: .integer(\.gilAcquisitions)
            case .gilHandoffs: .integer(\.gilHandoffs)
            case .gilFailedAcquisitions: .integer(\.gilFailedAcquisitions)
            case .gilWaitSeconds: .real(\.gilWaitSeconds)
            case .forcedSwitches: .integer(\.forcedSwitches)
            case .gilWaitP50Us: .real(\.gilWaitP50Us)
            case .gilWaitP90Us: .real(\.gilWaitP90Us)
            case .gilWaitP99Us: .real(\.gilWaitP99Us)
            case .gilWaitMaxUs: .real(\.gilWaitMaxUs)
            case .syscallsTotal: .integer(\.syscallsTotal)
            case .syscallsFutex: .integer(\.syscallsFutex)
            case .syscallsSchedYield: .integer(\.syscallsSchedYield)
            case .syscallsNanosleep: .integer(\.syscallsNanosleep)
            case .syscallsClockNanosleep: .integer(\.syscallsClockNanosleep)
            case .syscallsRead: .integer(\.syscallsRead)
            case .syscallsWrite: .integer(\.syscallsWrite)
            case .files: .integer(\.files)
            case .bytes: .integer(\.bytes)
            case .unreadableFiles: .integer(\.unreadableFiles)
            case .latencyP50Us: .real(\.latencyP50Us)
            case .latencyP99Us: .real(\.latencyP99Us)
            case .latencyMaxUs: .real(\.latencyMaxUs)
            case .requestsPerSecond: .real(\.requestsPerSecond)
            case .raceFinalX: .integer(\.raceFinalX)
            case .longTickUs: .real(\.longTickUs)
            case .stealSeconds: .real(\.stealSeconds)
            case .foreignCPUSeconds: .real(\.foreignCPUSeconds)
            case .disturbed: .integer(\.disturbed)
            case .attempts: .integer(\.attempts)
            case .messagesPerSecond: .real(\.messagesPerSecond)
            case .messageLatencyP50Us: .real(\.messageLatencyP50Us)
            case .messageLatencyP99Us: .real(\.messageLatencyP99Us)
            case .gilReleases: .integer(\.gilReleases)
            case .cpuSpeedMin: .real(\.cpuSpeedMin)
            case .cpuSpeedMax: .real(\.cpuSpeedMax)
            case .cpuSpeedSpread: .real(\.cpuSpeedSpread)
            case .jitWarmups: .integer(\.jitWarmups)
            case .rssKiB: .integer(\.rssKiB)
            default: nil
            }
        }

        /// A numeric measurement column's value as a number (nil: not measured, or not a measurement).
        /// A cell kept verbatim reads as the number it spells, if any.
        public subscript(column: Column) -> Double? {
            switch Measurements.field(column) {
            case .integer(let path)?: self[keyPath: path].map(Double.init) ?? undecoded[column].flatMap(Double.init)
            case .real(let path)?: self[keyPath: path] ?? undecoded[column].flatMap(Double.init)
            case nil: nil
            }
        }

        /// A measurement column's cell as the CSV holds it; setting it decodes it.
        public subscript(cell column: Column) -> String? {
            get {
                if let raw = undecoded[column] { return raw }
                if column == .gilFailedWakeupsHistogram { return failedWakeups?.cell }
                if column == .gilProbe { return gilProbe }
                switch Measurements.field(column) {
                case .integer(let path)?: return self[keyPath: path].map(String.init)
                case .real(let path)?: return self[keyPath: path].map(DecimalText.compact)
                case nil: return nil
                }
            }
            set {
                undecoded[column] = nil
                let cell = newValue.flatMap { $0.isEmpty ? nil : $0 }
                let decoded: Bool
                if column == .gilProbe {
                    gilProbe = cell
                    decoded = true
                } else if column == .gilFailedWakeupsHistogram {
                    failedWakeups = cell.flatMap(FailedWakeupHistogram.init(cell:))
                    // Only a histogram that writes back as it was read is decoded.
                    decoded = failedWakeups?.cell == cell
                    if !decoded { failedWakeups = nil }
                } else {
                    switch Measurements.field(column) {
                    case .integer(let path)?:
                        self[keyPath: path] = cell.flatMap { Int($0) }
                        decoded = cell == nil || self[keyPath: path] != nil
                    case .real(let path)?:
                        self[keyPath: path] = cell.flatMap(ResultRow.real(_:))
                        decoded = cell == nil || self[keyPath: path] != nil
                    case nil:
                        decoded = true
                    }
                }
                if !decoded, let cell { undecoded[column] = cell }
            }
        }
    }

    /// The machine a row was measured on.
    public struct Machine: Sendable, Equatable {
        public var host: String?
        public var kernel: String?
        public var cpuModel: String?
        public var cores: Int?
        public var swiftVersion: String?
        public var gilbenchVersion: String?
        public var gitCommit: String?

        public init() {}

        subscript(cell column: Column) -> String? {
            get {
                switch column {
                case .host: host
                case .kernel: kernel
                case .cpuModel: cpuModel
                case .cores: cores.map(String.init)
                case .swiftVersion: swiftVersion
                case .gilbenchVersion: gilbenchVersion
                case .gitCommit: gitCommit
                default: nil
                }
            }
            set {
                switch column {
                case .host: host = newValue
                case .kernel: kernel = newValue
                case .cpuModel: cpuModel = newValue
                case .cores: cores = newValue.flatMap { Int($0) }
                case .swiftVersion: swiftVersion = newValue
                case .gilbenchVersion: gilbenchVersion = newValue
                case .gitCommit: gitCommit = newValue
                default: break
                }
            }
        }
    }
}
