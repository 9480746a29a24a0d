import Foundation
import Synchronization
import Testing
@testable import GilBench

/// A `/proc/stat` text whose `cpuN` lines have the given (user, system, steal) ticks, idle 1000.
private func stat(_ cpus: [(user: UInt64, system: UInt64, steal: UInt64)]) -> String {
    let all = cpus.reduce((0 as UInt64, 0 as UInt64, 0 as UInt64)) { ($0.0 + $1.user, $0.1 + $1.system, $0.2 + $1.steal) }
    var text = "cpu  \(all.0) 0 \(all.1) \(1000 * cpus.count) 0 0 0 \(all.2) 0 0\n"
    for (i, c) in cpus.enumerated() { text += "cpu\(i) \(c.user) 0 \(c.system) 1000 3 0 0 \(c.steal) 0 0\n" }
    return text + "intr 1 2 3\nctxt 99\n"
}

/// A reader that returns `texts` in turn (the last one again once they run out).
private func replay(_ texts: [String]) -> CPUStat {
    let next = Mutex(0)
    return CPUStat(ticksPerSecond: 100) {
        let i = next.withLock { i in defer { i += 1 }; return i }
        return .success(texts[min(i, texts.count - 1)])
    }
}

/// The disturbance of a region from two injected samples, with `own` seconds of the process's CPU time.
private func disturbance(_ before: String, _ after: String, cpus: [Int], own: Double) -> CPUDisturbance? {
    let region = CPUStatRegion(replay([before, after]), cpus: cpus)
    return region.end(usage: ResourceUsage(userSeconds: own, systemSeconds: 0))
}

@Suite("Disturbance: steal and foreign CPU from /proc/stat")
struct DisturbanceTests {
    @Test("A sample sums user, nice, system, irq, softirq and steal of the asked CPUs only")
    func parse() throws {
        let text = """
            cpu  300 7 60 5000 9 4 2 11 0 0
            cpu0 100 2 20 2500 4 1 1 5 50 0
            cpu1 200 5 40 2500 5 3 1 6 0 0
            intr 1
            """
        let zero = try #require(CPUStat.parse(text, cpus: [0]))
        #expect(zero == CPUStat.Sample(busyTicks: 100 + 2 + 20 + 1 + 1 + 5, stealTicks: 5, cpuCount: 1))
        let both = try #require(CPUStat.parse(text, cpus: [0, 1]))
        #expect(both.busyTicks == 129 + 200 + 5 + 40 + 3 + 1 + 6 && both.stealTicks == 11 && both.cpuCount == 2)
        #expect(CPUStat.parse(text, cpus: [2]) == nil, "a CPU without a line: not measured")
        #expect(CPUStat.parse(text, cpus: []) == nil)
        let unreadable = CPUStat(ticksPerSecond: 100) { .failure(.noSuchFileOrDirectory) }
        #expect(unreadable.sample(cpus: [0]) == nil)
        #expect(CPUStatRegion(unreadable, cpus: [0]).end(usage: ResourceUsage()) == nil)
    }

    @Test("Foreign CPU is the CPUs' busy time less the process's own; the decision needs the fraction and the floor")
    func foreign() throws {
        // 1 CPU, 50 ms wall, 50 ms own CPU, 7 busy ticks: 20 ms foreign is 40% of the wall, but under
        // the floor of 4 ticks (40 ms): one or two stray ticks do not disturb a short repetition.
        let short = try #require(disturbance(stat([(100, 0, 0)]), stat([(105, 2, 0)]), cpus: [0], own: 0.05))
        #expect(abs(short.foreignCPUSeconds - 0.02) < 1e-9 && short.stealSeconds == 0 && short.cpuCount == 1)
        #expect(abs(short.floorSeconds - 0.04) < 1e-9)
        #expect(!short.isDisturbed(wallSeconds: 0.05))
        // 2 s on CPUs 0 and 1, 1 s own CPU, 300 busy ticks: 2 s foreign (a spinning process).
        let spun = try #require(disturbance(
            stat([(0, 0, 0), (0, 0, 0)]), stat([(150, 0, 0), (150, 0, 0)]), cpus: [0, 1], own: 1.0))
        #expect(abs(spun.foreignCPUSeconds - 2.0) < 1e-9 && abs(spun.floorSeconds - 0.08) < 1e-9)
        #expect(spun.isDisturbed(wallSeconds: 2))
        // 1 s, 105 busy ticks on one CPU, 1 s own: 50 ms foreign is over the floor but 5% of the wall, under 10%.
        let quiet = try #require(disturbance(stat([(0, 0, 0)]), stat([(100, 5, 0)]), cpus: [0], own: 1.0))
        #expect(!quiet.isDisturbed(wallSeconds: 1))
        #expect(quiet.isDisturbed(wallSeconds: 0.45), "the same 50 ms in a 0.45 s repetition is over 10%")
        // Own CPU above the busy ticks (tick rounding) is no foreign time, not a negative one.
        let rounded = try #require(disturbance(stat([(0, 0, 0)]), stat([(10, 0, 0)]), cpus: [0], own: 0.13))
        #expect(rounded.foreignCPUSeconds == 0)
        // Only the asked CPUs count: CPU 1 spinning does not disturb a run on CPU 0.
        let elsewhere = try #require(disturbance(
            stat([(0, 0, 0), (0, 0, 0)]), stat([(100, 0, 0), (100, 0, 0)]), cpus: [0], own: 1.0))
        #expect(elsewhere.foreignCPUSeconds == 0 && !elsewhere.isDisturbed(wallSeconds: 1))
    }

    @Test("Steal disturbs above 5% of the wall time and the floor")
    func steal() throws {
        // 10 ticks of steal (100 ms, counted as busy too) in 1 s: over 5% and over the floor.
        let stolen = try #require(disturbance(stat([(0, 0, 0)]), stat([(80, 0, 10)]), cpus: [0], own: 0.8))
        #expect(abs(stolen.stealSeconds - 0.1) < 1e-9 && abs(stolen.foreignCPUSeconds - 0.1) < 1e-9)
        #expect(stolen.isDisturbed(wallSeconds: 1))
        let steal = { (ticks: Double) in CPUDisturbance(stealSeconds: ticks / 100, foreignCPUSeconds: 0, cpuCount: 1, tickSeconds: 0.01) }
        #expect(!steal(3).isDisturbed(wallSeconds: 1), "3 ticks: under 5% of 1 s")
        #expect(!steal(3).isDisturbed(wallSeconds: 0.2), "3 ticks: 15% of 0.2 s, but under the floor of 4")
        #expect(steal(4).isDisturbed(wallSeconds: 0.2))
        #expect(!steal(6).isDisturbed(wallSeconds: 2), "6 ticks: 3% of 2 s")
        var two = steal(6)
        two.cpuCount = 2
        #expect(!two.isDisturbed(wallSeconds: 0.5), "6 ticks on 2 CPUs: under the floor of 8")
    }

    @Test("A measurement and its row carry the disturbance; undisturbed and unknown are not disturbed")
    func measurement() {
        var m = RunMeasurement(wallSeconds: 1, usage: ResourceUsage(userSeconds: 1), ticks: 0, instructions: 0, gil: nil)
        #expect(!m.isDisturbed && m.attempts == 1)
        #expect(ResultRow.Measurements(m).disturbed == nil && ResultRow.Measurements(m).attempts == 1)
        m.disturbance = CPUDisturbance(stealSeconds: 0, foreignCPUSeconds: 0.5, cpuCount: 1, tickSeconds: 0.01)
        #expect(m.isDisturbed)
        let row = ResultRow.Measurements(m)
        #expect(row.disturbed == 1 && row.foreignCPUSeconds == 0.5 && row.stealSeconds == 0 && row.isDisturbed)
    }

    @Test("A real measurement samples /proc/stat around the region")
    func live() throws {
        var c = RunConfiguration()
        c.n = 20_000
        c.mode = .threads
        let m = try Runner.measure(c)
        let d = try #require(m.disturbance, "/proc/stat is readable on Linux")
        let cpus = try CPUAffinity.current().count
        #expect(d.stealSeconds >= 0 && d.foreignCPUSeconds >= 0 && d.cpuCount == cpus)
        #expect(abs(d.tickSeconds - 0.01) < 0.01)
    }
}

@Suite("Session: a disturbed repetition is measured again")
struct SessionRetryTests {
    /// A session over `configuration` whose fake measurement's wall time is the call's number (1, 2, ...)
    /// and which is disturbed while `disturbed(call)`. Returns the rows and the calls made.
    func run(
        maxAttempts: Int, warmup: Int = 0, repetitions: Int = 2, disturbed: @escaping (Int) -> Bool
    ) throws -> (rows: [ResultRow], calls: Int) {
        var c = RunConfiguration()
        c.warmup = warmup
        c.repetitions = repetitions
        let session = Session(writer: nil)
        session.maxAttempts = maxAttempts
        var calls = 0
        try session.run([c], measure: { _ in
            calls += 1
            var m = RunMeasurement(wallSeconds: Double(calls), usage: ResourceUsage(), ticks: 0, instructions: 0, gil: nil)
            // The row's `disturbed` follows the measurement's own samples: marked when disturbed.
            m.disturbance = CPUDisturbance(
                stealSeconds: 0, foreignCPUSeconds: disturbed(calls) ? 1e3 : 0, cpuCount: 1, tickSeconds: 0.01)
            return m
        }, disturbed: { m in disturbed(Int(m.wallSeconds)) })
        return (session.rows, calls)
    }

    @Test("Always disturbed: measured K times, the row keeps the last and says so")
    func upToK() throws {
        let (rows, calls) = try run(maxAttempts: 3, disturbed: { _ in true })
        #expect(calls == 6)
        #expect(rows.map(\.wallSeconds) == [3, 6], "the last attempt of each repetition is kept")
        #expect(rows.map(\.measurements.attempts) == [3, 3])
        #expect(rows.allSatisfy { $0.measurements.isDisturbed })
        #expect(rows.map(\.repetition) == [1, 2])
        let table = Summary(rows: rows).render()
        #expect(table.contains("*\n") || table.contains(" * ") || table.contains(" *  "), "\(table)")
        #expect(table.contains("* kept a disturbed repetition: steal or foreign CPU above the threshold after 3 attempts"))
    }

    @Test("Disturbed once: measured again once; undisturbed rows are not marked")
    func again() throws {
        let (rows, calls) = try run(maxAttempts: 3, disturbed: { $0 == 1 })
        #expect(calls == 3)
        #expect(rows.map(\.wallSeconds) == [2, 3])
        #expect(rows.map(\.measurements.attempts) == [2, 1])
        #expect(rows.map(\.measurements.disturbed) == [0, 0])
        let table = Summary(rows: rows).render()
        #expect(!table.contains("kept a disturbed"))
    }

    @Test("--max-attempts 1 never measures again; warm-ups are never measured again")
    func noRetry() throws {
        let once = try run(maxAttempts: 1, disturbed: { _ in true })
        #expect(once.calls == 2 && once.rows.map(\.measurements.attempts) == [1, 1])
        #expect(Summary(rows: once.rows).render().contains("after 1 attempt\n"))
        // Call 1 is the warm-up, disturbed: not measured again; call 2 is the repetition.
        let warm = try run(maxAttempts: 3, warmup: 1, repetitions: 1, disturbed: { $0 == 1 })
        #expect(warm.calls == 2 && warm.rows.map(\.wallSeconds) == [2] && warm.rows.map(\.measurements.attempts) == [1])
    }

    @Test("A configuration whose repetitions spread beyond 1.25 gets one warning naming it")
    func spread() throws {
        let (rows, _) = try run(maxAttempts: 1, repetitions: 3, disturbed: { _ in false })
        let warnings = Summary(rows: rows).spreadWarnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix(rows[0].key.label + ": repetitions spread 3.00x") == true, "\(warnings)")
        var tight = rows
        for i in tight.indices { tight[i].measurements.wallSeconds = 1 + Double(i) * 0.1 }
        #expect(Summary(rows: tight).spreadWarnings.isEmpty, "1.2: within the limit")
    }
}

@Suite("The disturbance columns in CSV")
struct DisturbanceColumnTests {
    @Test("steal_s, foreign_cpu_s, disturbed and attempts write and read back; they end the measurements")
    func roundTrip() throws {
        var row = ResultRow(runID: "r", timestamp: "t", repetition: 1)
        row.key.mode = .threads
        row.measurements.wallSeconds = 1.5
        row.measurements.stealSeconds = 0.03
        row.measurements.foreignCPUSeconds = 0.42
        row.measurements.disturbed = 1
        row.measurements.attempts = 3
        let record = row.record
        #expect(record[.stealSeconds] == "0.03" && record[.foreignCPUSeconds] == "0.42")
        #expect(record[.disturbed] == "1" && record[.attempts] == "3")
        let back = try CSVReader.parse(Column.header + "\n" + record.line + "\n")
        #expect(back == [row])
        #expect(back.first?.measurements.isDisturbed == true)
        let names = Column.allCases.map(\.rawValue)
        let i = try #require(names.firstIndex(of: "gil_failed_wakeups_histogram"))
        #expect(Array(names[(i + 1)...(i + 4)]) == ["steal_s", "foreign_cpu_s", "disturbed", "attempts"])
        // Then the real interpreter's GIL counts (issue 14), added after them; then the machine.
        #expect(Array(names[(i + 5)...(i + 7)]) == ["gil_releases", "gil_probe", "host"])
        #expect(Column.disturbance.allSatisfy { $0.isMeasurement })
        // Not decoded cells are kept verbatim; empty ones are nil.
        let odd = ResultRow(record: { var r = CSVRecord(); r[.disturbed] = "maybe"; r[.attempts] = ""; return r }())
        #expect(odd.measurements.disturbed == nil && odd.measurements.undecoded[.disturbed] == "maybe" && odd.measurements.attempts == nil)
    }

    @Test("A file written before the columns existed still compares; compare leaves them out")
    func olderFile() throws {
        var row = ResultRow(runID: "r", timestamp: "t", repetition: 1)
        row.key.mode = .threads
        row.key.workload = .countdown
        row.measurements.wallSeconds = 1.5
        let columns = Column.allCases.filter { !Column.disturbance.contains($0) }
        let record = row.record
        let text = columns.map(\.rawValue).joined(separator: ",") + "\n"
            + columns.map { CSVRecord.quote(record[$0] ?? "") }.joined(separator: ",") + "\n"
        let old = try ResultFile(path: "old.csv", text: text)
        #expect(old.rows.count == 1)
        var current = row
        current.measurements.attempts = 2
        current.measurements.disturbed = 0
        let now = try ResultFile(path: "new.csv", text: Column.header + "\n" + current.record.line + "\n")
        let comparison = try Comparison(baseline: old, current: now)
        #expect(!comparison.entries.contains { [Column.stealSeconds, .foreignCPUSeconds, .disturbed, .attempts].map(ComparedMetric.column).contains($0.metric) })
        #expect(comparison.entries.contains { $0.metric == .column(.wallSeconds) })
        #expect(comparison.repetitionWarnings(baseline: "old.csv", current: "new.csv").count == 2)
        #expect(ComparedMetric(name: "attempts") == nil && ComparedMetric(name: "wall_s") == .column(.wallSeconds))
    }
}
