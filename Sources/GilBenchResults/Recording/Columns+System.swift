import GilBenchSimulator
import GilBenchSystem

// The columns of what the system layer measures: each typed value is written as CSV here only.

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

extension MachineInfo {
    /// The machine's columns of a CSV row.
    public var record: CSVRecord {
        var r = CSVRecord()
        r.set(.host, host)
        r.set(.kernel, kernel)
        r.set(.cpuModel, cpuModel)
        r.set(.cores, cores)
        r.set(.swiftVersion, swiftVersion)
        r.set(.gilbenchVersion, gilbenchVersion)
        r.set(.gitCommit, gitCommit)
        return r
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

extension SyscallCounts {
    /// The CSV columns: `syscall_counter`, `syscalls_total` and one per ``CountedSyscall/named`` call
    /// (empty where the counter could not watch that call).
    public var record: CSVRecord {
        var r = CSVRecord()
        r.set(.syscallCounter, counter.column)
        r.set(.syscallsTotal, total)
        for (name, column) in CountedSyscall.columns { r.set(column, count(name)) }
        return r
    }
}

extension SyscallCounting {
    /// The `strace -c`-like tables of every counted configuration (`--syscall-table`).
    public func tables(for configurations: [RunConfiguration]) -> String {
        configurations.filter { $0.syscallCounter != .none }.map { c in
            var row = c.record
            row.set(.syscallCounter, c.syscallCounter.column)
            var key: [Column: String] = [:]
            for column in Column.configuration { key[column] = row[column] ?? "" }
            return SyscallReport.table(label: Summary.Group(key: key, rows: []).label, recordedCounts(c))
        }.joined(separator: "\n")
    }
}

extension RunMeasurement {
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
        if let syscalls { r.merge(syscalls.record) }
        r.merge(outcome.record)
        return r
    }
}

extension WorkloadOutcome {
    /// The workload's own columns; nil fields stay empty.
    public var record: CSVRecord {
        var r = CSVRecord()
        r.set(.raceFinalX, raceFinalX)
        r.set(.longTickUs, longTickMicroseconds)
        r.set(.latencyP50Us, latencyP50Microseconds)
        r.set(.latencyP99Us, latencyP99Microseconds)
        r.set(.latencyMaxUs, latencyMaxMicroseconds)
        r.set(.requestsPerSecond, requestsPerSecond)
        r.set(.files, files)
        r.set(.bytes, bytes)
        r.set(.unreadableFiles, unreadableFiles)
        return r
    }
}
