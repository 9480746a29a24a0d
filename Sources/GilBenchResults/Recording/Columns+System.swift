import GilBenchSimulator
import GilBenchSystem

// What the system layer measures, as the typed values of a result row. CSV is written from those
// (``ResultRow/record``) and nowhere here.

extension SweepParameter {
    /// The CSV column that holds the swept value (its name goes in `sweep_parameter`).
    public var column: Column {
        switch self {
        case .checkInterval: .checkInterval
        case .switchInterval: .switchIntervalMs
        case .threads: .threads
        case .churnN: .churnN
        case .cpuThreads: .cpuThreads
        case .n: .n
        case .calls: .calls
        }
    }
}

extension ResultRow.Machine {
    /// The machine's fields of a row.
    /// What the machine could not tell (an empty string) is nil, as its empty cell reads back.
    public init(_ machine: MachineInfo) {
        self.init()
        func known(_ s: String) -> String? { s.isEmpty ? nil : s }
        host = known(machine.host)
        kernel = known(machine.kernel)
        cpuModel = known(machine.cpuModel)
        cores = machine.cores
        swiftVersion = known(machine.swiftVersion)
        gilbenchVersion = known(machine.gilbenchVersion)
        gitCommit = known(machine.gitCommit)
    }
}

extension CountedSyscall {
    /// Each counted call's column.
    public static let columns: [(name: String, column: Column)] = [
        ("futex", .syscallsFutex),
        ("sched_yield", .syscallsSchedYield),
        ("nanosleep", .syscallsNanosleep),
        ("clock_nanosleep", .syscallsClockNanosleep),
        ("read", .syscallsRead),
        ("write", .syscallsWrite),
    ]
}

extension SyscallCounterKind {
    /// The `syscall_counter` of a row: nil when nothing was counted.
    public var counted: SyscallCounterKind? { self == .none ? nil : self }
}

extension ConfigurationKey {
    /// The key of a configuration's rows: only the columns that apply to it are set. The CPU columns
    /// are `cpus`, the CPUs a measurement of it was pinned to (`RunMeasurement/cpus`: the system
    /// layer resolves the configuration's selection where it pins the run), empty without;
    /// `syscall_counter` is the counter it asks for (a row records the counter its measurement was
    /// counted by).
    public init(_ configuration: RunConfiguration, cpus pinned: [Int]? = nil) {
        self.init()
        let c = configuration
        experiment = c.experiment.isEmpty ? nil : c.experiment
        engine = c.engine
        workload = c.workload
        mode = c.mode
        // Hashing's work is the tree (see `files`), however it is split.
        tasks = c.workload == .hashing ? nil : c.tasks
        threads = c.threads
        processes = c.processCount
        if let pinned {
            cpus = pinned.count
            cpuList = pinned
        }
        sweepParameter = c.sweepParameter
        syscallCounter = c.syscallCounter.counted
        // Empty on the main thread, so that keys match files written before the column.
        if c.mode == .sequential && c.sequentialThread == .worker { sequentialThread = .worker }
        if c.workload == .server {
            connections = c.connections
            requestWork = c.requestWork
            rate = ResultRow.canonical(c.rate)
            messageSize = c.messageSize
            cpuThreads = c.cpuThreads
        }
        if c.workload == .pipeline {
            messages = c.messages
            messageSize = c.messageSize
            pattern = c.pattern
        }
        if case .interpreter(_, let realGIL) = c.engine {
            // A real interpreter: its own GIL, its own defaults; only what the run set is written.
            gil = realGIL
            // Its version's check points, where they are not its design's own: as its twin's key says.
            if let realGIL, let own = c.checkPoints, own != realGIL.checkPoints { checkPoints = own }
            if c.workload == .extension {
                churnN = c.churnN
                calls = c.calls
            } else if c.workload == .ioLatency {
                calls = c.calls
                cpuThreads = c.cpuThreads
            } else if c.workload.usesN {
                n = c.n
            }
            if c.sweepParameter == .switchInterval { switchIntervalMs = ResultRow.canonical(c.switchIntervalMilliseconds) }
            if c.sweepParameter == .checkInterval { checkInterval = c.checkInterval }
            if c.workload == .hashing { chunkSize = c.chunkSize }
            return
        }
        gil = c.gil
        // Empty for the design's own, so that keys match files written before the column.
        if let own = c.checkPoints, own != c.gil.checkPoints { checkPoints = own }
        lock = c.gil == .ticks ? c.lock : nil
        if c.workload.usesN { n = c.n }
        if c.gil == .ticks || c.gil == .fair { checkInterval = c.checkInterval }
        if c.gil == .interval || c.gil == .priority { switchIntervalMs = ResultRow.canonical(c.switchIntervalMilliseconds) }
        if c.workload == .extension { churnN = c.churnN }
        if c.workload == .extension || c.workload == .ioLatency { calls = c.calls }
        if c.workload == .ioLatency { cpuThreads = c.cpuThreads }
        if c.mode == .coroutines && c.workload != .pipeline { yieldEvery = c.yieldEvery }
        if c.workload == .hashing {
            chunkSize = c.chunkSize
            gilDuringHash = c.gilDuringHash
            sha512Core = c.sha512Core
        }
    }
}

extension ResultRow.Measurements {
    /// What a repetition measured, as its row holds it (reals with the CSV's digits).
    public init(_ measurement: RunMeasurement) {
        self.init()
        let m = measurement
        wallSeconds = ResultRow.canonical(m.wallSeconds)
        userSeconds = ResultRow.canonical(m.usage.userSeconds)
        systemSeconds = ResultRow.canonical(m.usage.systemSeconds)
        voluntaryContextSwitches = m.usage.voluntaryContextSwitches
        involuntaryContextSwitches = m.usage.involuntaryContextSwitches
        ticks = Int(m.ticks)
        instructions = Int(m.instructions)
        if let gil = m.gil {
            gilAcquisitions = gil.acquisitions
            gilHandoffs = gil.handoffs
            gilFailedAcquisitions = gil.failedAcquisitions
            gilWaitSeconds = ResultRow.canonical(Double(gil.waitNanoseconds) / 1e9)
            forcedSwitches = gil.forcedSwitches
            // An empty histogram writes an empty cell: not measured.
            failedWakeups = gil.failedWakeupHistogram.flatMap { $0.total > 0 ? $0 : nil }
            if let samples = gil.waitSamples {
                func us(_ p: Double) -> Double? { ResultRow.canonical(samples.value(atPercentile: p).map { Double($0) / 1000 }) }
                gilWaitP50Us = us(50)
                gilWaitP90Us = us(90)
                gilWaitP99Us = us(99)
                gilWaitMaxUs = ResultRow.canonical(samples.max.map { Double($0) / 1000 })
            }
        }
        if let counted = m.interpreterGIL {
            gilAcquisitions = counted.acquisitions
            gilReleases = counted.releases
            gilProbe = counted.probe
        }
        if let syscalls = m.syscalls { record(syscalls) }
        let o = m.outcome
        raceFinalX = o.raceFinalX
        jitWarmups = o.jitWarmups
        rssKiB = o.rssKiB
        longTickUs = ResultRow.canonical(o.longTickMicroseconds)
        latencyP50Us = ResultRow.canonical(o.latencyP50Microseconds)
        latencyP99Us = ResultRow.canonical(o.latencyP99Microseconds)
        latencyMaxUs = ResultRow.canonical(o.latencyMaxMicroseconds)
        requestsPerSecond = ResultRow.canonical(o.requestsPerSecond)
        messagesPerSecond = ResultRow.canonical(o.messagesPerSecond)
        messageLatencyP50Us = ResultRow.canonical(o.messageLatencyP50Microseconds)
        messageLatencyP99Us = ResultRow.canonical(o.messageLatencyP99Microseconds)
        files = o.files
        bytes = o.bytes
        unreadableFiles = o.unreadableFiles
        if let d = m.disturbance {
            stealSeconds = ResultRow.canonical(d.stealSeconds)
            foreignCPUSeconds = ResultRow.canonical(d.foreignCPUSeconds)
        }
        if let speed = m.cpuSpeed {
            cpuSpeedMin = ResultRow.canonical(speed.worst.slowest)
            cpuSpeedMax = ResultRow.canonical(speed.worst.fastest)
            cpuSpeedSpread = ResultRow.canonical(speed.spread)
        }
        // Unknown (empty) only when neither /proc/stat nor the probes could tell.
        if m.disturbance != nil || m.cpuSpeed?.isDisturbed == true { disturbed = m.isDisturbed ? 1 : 0 }
        attempts = m.attempts
    }

    /// Sets `syscalls_total` and one field per `CountedSyscall/named` call (nil where the counter
    /// could not watch that call).
    public mutating func record(_ syscalls: SyscallCounts) {
        syscallsTotal = syscalls.total
        syscallsFutex = syscalls.count("futex")
        syscallsSchedYield = syscalls.count("sched_yield")
        syscallsNanosleep = syscalls.count("nanosleep")
        syscallsClockNanosleep = syscalls.count("clock_nanosleep")
        syscallsRead = syscalls.count("read")
        syscallsWrite = syscalls.count("write")
    }
}

extension ResultRow {
    /// One measured repetition of `configuration`: its key (with the counter that counted its system
    /// calls), what it measured, and the machine.
    public init(
        _ configuration: RunConfiguration, _ measurement: RunMeasurement, machine: MachineInfo,
        runID: String, timestamp: String, repetition: Int
    ) {
        var key = ConfigurationKey(configuration, cpus: measurement.cpus)
        key.syscallCounter = measurement.syscalls?.counter.counted
        self.init(
            key: key, measurements: Measurements(measurement), machine: Machine(machine),
            schemaVersion: Column.currentSchemaVersion, runID: runID, timestamp: timestamp, repetition: repetition)
    }
}

// The cells of a configuration, a measurement or a count alone, as a row would hold them.
extension RunConfiguration {
    /// The configuration's cells of a row (``ConfigurationKey/init(_:cpus:)``), the CPU columns empty.
    public var record: CSVRecord {
        var record = CSVRecord()
        ConfigurationKey(self).encode(into: &record)
        return record
    }
}

extension RunMeasurement {
    /// The measurement's cells of a row, `syscall_counter` included.
    public var record: CSVRecord {
        var row = ResultRow(measurements: ResultRow.Measurements(self), schemaVersion: nil)
        row.key.syscallCounter = syscalls?.counter.counted
        return row.record
    }
}

extension SyscallCounts {
    /// `syscall_counter`, `syscalls_total` and the named calls' cells (empty where not watched).
    public var record: CSVRecord {
        var row = ResultRow(schemaVersion: nil)
        row.key.syscallCounter = counter.counted
        row.measurements.record(self)
        return row.record
    }
}

extension Session {
    /// The `strace -c`-like tables of every counted configuration (`--syscall-table`), from the
    /// repetitions the session kept (neither warm-ups nor attempts measured again).
    public func syscallTables(for configurations: [RunConfiguration]) -> String {
        configurations.filter { $0.syscallCounter != .none }.map { c in
            SyscallReport.table(label: ConfigurationKey(c, cpus: pinnedCPUs[c]).label, keptSyscallCounts[c] ?? [])
        }.joined(separator: "\n")
    }
}
