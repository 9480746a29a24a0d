import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The columns of gilbench's CSV, in file order. Schema version ``Column/currentSchemaVersion``.
///
/// Columns are only ever added (at the end of their group); none is renamed or removed without
/// raising the schema version. The DocC article "CSV columns" documents each one. An empty cell
/// means "not measured" or "cannot be known", never zero.
public enum Column: String, CaseIterable, Sendable, Hashable {
    // MARK: Identity and configuration
    case schemaVersion = "schema_version"
    case runID = "run_id"
    case timestamp
    case experiment
    case engine
    case workload
    case mode
    case gil
    case lock
    case tasks
    case threads
    case processes
    case cpus
    case cpuList = "cpu_list"
    case n
    case checkInterval = "check_interval"
    case switchIntervalMs = "switch_interval_ms"
    case churnN = "churn_n"
    case calls
    case cpuThreads = "cpu_threads"
    case chunkSize = "chunk_size"
    case gilDuringHash = "gil_during_hash"
    case sha512Core = "sha512_core"
    case sweepParameter = "sweep_parameter"
    case `repeat`
    /// Coroutines: loop iterations between yields (`--yield-every`).
    case yieldEvery = "yield_every"
    /// Pipeline: messages sent, bytes per message, and `stream` or `request-reply`.
    case messages
    case messageSize = "message_size"
    case pattern
    /// Sequential mode: `worker` when the tasks ran on one started thread (`--sequential-thread
    /// worker`); empty on the main thread, the default, as in files written before the column.
    case sequentialThread = "sequential_thread"
    /// After which instructions the interpreter checks the GIL (`CheckPoints`, `--check-points`);
    /// empty: the design's own (`GILDesign.checkPoints`), as in files written before the column.
    case checkPoints = "check_points"
    /// Server: loopback TCP connections (`--connections`), iterations of the per-request loop
    /// (`--request-work`), and the open loop's requests per second (`--rate`; empty: a closed loop).
    case connections
    case requestWork = "request_work"
    case rate

    // MARK: Measurements
    case wallSeconds = "wall_s"
    case userSeconds = "user_s"
    case systemSeconds = "sys_s"
    case voluntaryContextSwitches = "voluntary_ctx_switches"
    case involuntaryContextSwitches = "involuntary_ctx_switches"
    case instructions
    case ticks
    case gilAcquisitions = "gil_acquisitions"
    case gilHandoffs = "gil_handoffs"
    case gilFailedAcquisitions = "gil_failed_acquisitions"
    case gilWaitSeconds = "gil_wait_s"
    case forcedSwitches = "forced_switches"
    case gilWaitP50Us = "gil_wait_p50_us"
    case gilWaitP90Us = "gil_wait_p90_us"
    case gilWaitP99Us = "gil_wait_p99_us"
    case gilWaitMaxUs = "gil_wait_max_us"
    case syscallCounter = "syscall_counter"
    case syscallsTotal = "syscalls_total"
    case syscallsFutex = "syscalls_futex"
    case syscallsSchedYield = "syscalls_sched_yield"
    case syscallsNanosleep = "syscalls_nanosleep"
    case syscallsClockNanosleep = "syscalls_clock_nanosleep"
    case syscallsRead = "syscalls_read"
    case syscallsWrite = "syscalls_write"
    case files
    case bytes
    case unreadableFiles = "unreadable_files"
    case latencyP50Us = "latency_p50_us"
    case latencyP99Us = "latency_p99_us"
    case latencyMaxUs = "latency_max_us"
    case requestsPerSecond = "requests_per_s"
    case raceFinalX = "race_final_x"
    case longTickUs = "long_tick_us"
    /// Pipeline: messages received per second, and each one's time from sent to received.
    case messagesPerSecond = "messages_per_s"
    case messageLatencyP50Us = "message_latency_p50_us"
    case messageLatencyP99Us = "message_latency_p99_us"
    /// Failed wake-ups per contended acquisition, as `bucket:count;...` (`FailedWakeupHistogram`).
    case gilFailedWakeupsHistogram = "gil_failed_wakeups_histogram"
    /// Steal time of the repetition's CPUs during its region, seconds (`/proc/stat`).
    case stealSeconds = "steal_s"
    /// Busy time of the repetition's CPUs during its region less its own CPU time, seconds.
    case foreignCPUSeconds = "foreign_cpu_s"
    /// 1 when steal or foreign CPU passed the threshold (`CPUDisturbance`), or the CPUs' speeds
    /// differed beyond the margin (`CPUSpeedCheck`); 0 otherwise.
    case disturbed
    /// How many measurements the repetition took (a disturbed one is measured again).
    case attempts
    /// Calls of a real interpreter's GIL release function (`drop_gil`, `PyThread_release_lock`), counted by a uprobe.
    case gilReleases = "gil_releases"
    /// The function a real interpreter's `gil_acquisitions` counts (`take_gil`, `PyThread_acquire_lock`);
    /// empty where nothing was probed.
    case gilProbe = "gil_probe"
    /// The slowest and the fastest CPU's speed in the probe around the repetition with the larger
    /// spread (`CPUSpeedCheck/worst`), loop iterations per microsecond; empty when not probed.
    case cpuSpeedMin = "cpu_speed_min"
    case cpuSpeedMax = "cpu_speed_max"
    /// `1 − cpu_speed_min/cpu_speed_max` (`CPUSpeeds/spread`): 0 when the CPUs ran alike, 0.5 when
    /// one ran half as fast; empty when not probed.
    case cpuSpeedSpread = "cpu_speed_spread"
    /// A JIT interpreter's (Jython's, PyPy's) runs of the experiment in its own process before the
    /// measured one, until two in a row agreed within 5% (at most 5); empty elsewhere.
    case jitWarmups = "jit_warmups"
    /// Server: the server's peak resident set in KiB (see the DocC article "CSV columns" for how
    /// each engine measures it).
    case rssKiB = "rss_kib"

    // MARK: Machine
    case host
    case kernel
    case cpuModel = "cpu_model"
    case cores
    case swiftVersion = "swift_version"
    case gilbenchVersion = "gilbench_version"
    case gitCommit = "git_commit"

    /// The columns that say how disturbed a repetition's machine was, not what it measured: `compare`
    /// does not compare them, and a file written before they existed reads them as empty.
    public static let disturbance: [Column] = [
        .stealSeconds, .foreignCPUSeconds, .disturbed, .attempts, .cpuSpeedMin, .cpuSpeedMax, .cpuSpeedSpread,
    ]

    /// The columns added to schema 1 after files were written with it: a file without them reads them as
    /// empty (the coroutines and pipeline columns, the disturbance columns with the CPU speeds, the real
    /// interpreter's GIL counts from uprobes, the sequential run's thread, the check points, a
    /// JIT's warm-ups, and the server's columns).
    public static let addedSinceFirstFiles: [Column] = [
        .yieldEvery, .messages, .messageSize, .pattern, .messagesPerSecond, .messageLatencyP50Us, .messageLatencyP99Us,
    ] + disturbance + [.gilReleases, .gilProbe, .sequentialThread, .checkPoints, .jitWarmups, .connections, .requestWork, .rate, .rssKiB]

    /// The version written in every row's `schema_version`.
    public static let currentSchemaVersion = 1

    /// The header line, without newline.
    public static var header: String { allCases.map(\.rawValue).joined(separator: ",") }

    /// Columns that describe a configuration (rows with equal values here are repetitions of one
    /// configuration), as opposed to measurements and metadata: the fields of ``ConfigurationKey``.
    public static let configuration: [Column] = [
        .experiment, .engine, .workload, .mode, .gil, .lock, .tasks, .threads, .processes, .cpus, .cpuList, .n,
        .checkInterval, .switchIntervalMs, .churnN, .calls, .cpuThreads, .chunkSize, .gilDuringHash, .sha512Core, .sweepParameter,
        .syscallCounter, .yieldEvery, .messages, .messageSize, .pattern, .sequentialThread, .checkPoints,
        .connections, .requestWork, .rate,
    ]
}

/// One CSV row as text: a value per column, empty where nothing was measured. The edge encoding of a
/// ``ResultRow``: only files are read and written as records.
public struct CSVRecord: Sendable, Equatable {
    public private(set) var values: [Column: String] = [:]

    public init() {}

    public subscript(column: Column) -> String? {
        get { values[column] }
        set { values[column] = newValue }
    }

    /// Sets an integer column; nil leaves it empty.
    public mutating func set(_ column: Column, _ value: Int?) {
        values[column] = value.map(String.init)
    }

    /// Sets a real column with enough digits for its scale; nil or a non-finite value leaves it empty.
    public mutating func set(_ column: Column, _ value: Double?) {
        guard let value, value.isFinite else { values[column] = nil; return }
        values[column] = CSVRecord.format(value)
    }

    public mutating func set(_ column: Column, _ value: String) {
        values[column] = value
    }

    /// Merges `other`'s cells over this record's.
    public mutating func merge(_ other: CSVRecord) {
        values.merge(other.values) { _, new in new }
    }

    /// Formats a real number compactly (`DecimalText/compact(_:)`).
    public static func format(_ value: Double) -> String { DecimalText.compact(value) }

    /// The row as one CSV line (RFC 4180 quoting), without newline.
    public var line: String {
        Column.allCases.map { CSVRecord.quote(values[$0] ?? "") }.joined(separator: ",")
    }

    /// Quotes a field when it holds a comma, quote or line break.
    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
