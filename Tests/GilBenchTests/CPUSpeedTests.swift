import CGilBench
import Foundation
import Synchronization
import Testing
@testable import GilBench

@Suite("CPU speeds: a CPU slower than the others disturbs a repetition")
struct CPUSpeedTests {
    /// Speeds of CPUs 0 and 1, iterations per microsecond.
    static func speeds(_ cpu0: Double, _ cpu1: Double) -> CPUSpeeds {
        CPUSpeeds(iterationsPerMicrosecond: [0: cpu0, 1: cpu1])
    }

    /// A probe that answers `answers` in turn (the last one again once they run out), counting its calls.
    final class FakeProbe: Sendable {
        let answers: [CPUSpeeds]
        let calls = Atomic<Int>(0)
        init(_ answers: [CPUSpeeds]) { self.answers = answers }
        var probe: CPUSpeedProbe {
            CPUSpeedProbe { [self] in
                let call = calls.add(1, ordering: .relaxed).newValue
                return .success(answers[min(call, answers.count) - 1])
            }
        }
    }

    /// A session of one configuration with `repetitions`, probed by `probe`, whose measurements have
    /// no disturbance of their own: only the speeds can disturb them.
    func run(_ probe: CPUSpeedProbe, maxAttempts: Int = 3, repetitions: Int = 2) throws -> (rows: [ResultRow], calls: Int) {
        var c = RunConfiguration()
        c.warmup = 1
        c.repetitions = repetitions
        let session = Session(writer: nil)
        session.maxAttempts = maxAttempts
        session.cpuSpeedProbe = probe
        var calls = 0
        try session.run([c], measure: { _ in
            calls += 1
            return RunMeasurement(wallSeconds: Double(calls), usage: ResourceUsage(), ticks: 0, instructions: 0, gil: nil)
        })
        return (session.rows, calls)
    }

    @Test("The spread is 1 − slowest/fastest; beyond 25% before or after disturbs")
    func spread() {
        #expect(CPUSpeedTests.speeds(100, 50).spread == 0.5)
        #expect(abs(CPUSpeedTests.speeds(80, 100).spread - 0.2) < 1e-12)
        #expect(CPUSpeeds(iterationsPerMicrosecond: [0: 90]).spread == 0)
        let even = CPUSpeedTests.speeds(100, 100)
        let half = CPUSpeedTests.speeds(100, 50)
        #expect(!CPUSpeedCheck(before: even, after: CPUSpeedTests.speeds(100, 80)).isDisturbed, "20%: within the margin")
        #expect(CPUSpeedCheck(before: even, after: half).isDisturbed)
        #expect(CPUSpeedCheck(before: half, after: even).worst == half)
        var m = RunMeasurement(wallSeconds: 1, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: nil)
        m.record(cpuSpeedsBefore: .success(half), after: .success(even))
        #expect(m.isDisturbed, "no /proc/stat disturbance, but the speeds differ")
    }

    @Test("Uneven speeds before a repetition: it is measured again, attempts counts it, the row has the speeds")
    func retried() throws {
        // Probes: before the first repetition (CPU 1 at half speed), then after each measurement (even).
        let fake = FakeProbe([CPUSpeedTests.speeds(100, 50), CPUSpeedTests.speeds(100, 98)])
        let (rows, calls) = try run(fake.probe)
        #expect(calls == 4, "a warm-up, the first repetition twice, the second once")
        #expect(fake.calls.load(ordering: .relaxed) == 4, "not around the warm-up; one probe between two measurements")
        #expect(rows.map(\.measurements.attempts) == [2, 1])
        #expect(rows.map(\.measurements.cpuSpeedSpread) == [0.02, 0.02])
        #expect(rows.map(\.measurements.cpuSpeedMin) == [98, 98] && rows.map(\.measurements.cpuSpeedMax) == [100, 100])
        #expect(rows.map(\.measurements.disturbed) == [nil, nil], "not disturbed by speeds, /proc/stat not sampled: unknown")
    }

    @Test("Uneven speeds throughout: the row keeps the last attempt, marked disturbed, with its spread")
    func keptDisturbed() throws {
        let (rows, calls) = try run(FakeProbe([CPUSpeedTests.speeds(40, 100)]).probe, maxAttempts: 2, repetitions: 1)
        #expect(calls == 3)
        #expect(rows.map(\.measurements.attempts) == [2])
        #expect(rows.map(\.measurements.disturbed) == [1])
        #expect(rows.map(\.measurements.cpuSpeedSpread) == [0.6])
        #expect(Summary(rows: rows).render().contains("CPU speed spread above the threshold after 2 attempts"))
    }

    @Test("A probe that fails leaves the speed cells empty and says so once")
    func failed() throws {
        let failing = CPUSpeedProbe { .failure(GilBenchError(.system, "sched_setaffinity refused")) }
        var c = RunConfiguration()
        c.warmup = 0
        c.repetitions = 2
        let session = Session(writer: nil)
        session.cpuSpeedProbe = failing
        try session.run([c], measure: { _ in
            RunMeasurement(wallSeconds: 1, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: nil)
        })
        #expect(session.rows.allSatisfy { $0.measurements.cpuSpeedSpread == nil && $0.measurements.attempts == 1 })
        #expect(session.warnings.filter { $0.hasPrefix(RunMeasurement.cpuSpeedUnknown) }.count == 1, "\(session.warnings)")
    }

    @Test("cpu_speed_min, cpu_speed_max and cpu_speed_spread follow the GIL probe (then a JIT's warm-ups); compare leaves them out")
    func columns() throws {
        let names = Column.allCases.map(\.rawValue)
        let i = try #require(names.firstIndex(of: "gil_probe"))
        #expect(Array(names[(i + 1)...(i + 6)]) == ["cpu_speed_min", "cpu_speed_max", "cpu_speed_spread", "jit_warmups", "rss_kib", "host"])
        for column in [Column.cpuSpeedMin, .cpuSpeedMax, .cpuSpeedSpread] {
            #expect(Column.disturbance.contains(column) && column.isMeasurement && ComparedMetric(name: column.rawValue) == nil)
        }
        var row = ResultRow(runID: "r", timestamp: "t", repetition: 1)
        row.measurements.cpuSpeedMin = 412.5
        row.measurements.cpuSpeedMax = 830
        row.measurements.cpuSpeedSpread = 0.503
        #expect(row.record[.cpuSpeedSpread] == "0.503")
        #expect(try CSVReader.parse(Column.header + "\n" + row.record.line + "\n") == [row])
    }

    @Test("The report's machine section prints the spread of the probed rows, against the margin")
    func reportCell() {
        let options = Reproduction.Options(scale: .quick, selected: [Catalogue.countdown], command: "gilbench reproduce")
        func cell(_ spreads: [Double?]) -> String {
            let rows = spreads.enumerated().map { i, spread in
                var row = ResultRow(runID: "r", timestamp: "t", repetition: i + 1)
                row.measurements.cpuSpeedSpread = spread
                return row
            }
            return ReproductionReport(
                options: options, machine: MachineInfo.current(), runID: "r", csvFileName: "r.csv", rows: rows, findings: [],
                plots: [], completed: [], stopped: nil, elapsedSeconds: 1).cpuSpeedCell
        }
        #expect(cell([nil, nil]) == "— (not probed)")
        let probed = cell([0.02, 0.04, 0.5, nil])
        #expect(probed.hasPrefix("spread median 4%, largest 50% over 3 repetitions"), "\(probed)")
        #expect(probed.hasSuffix("beyond 25% a repetition is disturbed and measured again): 1 kept beyond it"), "\(probed)")
        #expect(ReproductionReport(
            options: options, machine: MachineInfo.current(), runID: "r", csvFileName: "r.csv", rows: [], findings: [],
            plots: [], completed: [], stopped: nil, elapsedSeconds: 1).render().contains("| CPU speeds | — (not probed) |"))
    }

    /// A flag the spinners poll; set once to stop them.
    final class StopFlag: Sendable {
        let stopped = Atomic<Bool>(false)
    }

    /// Starts `count` threads pinned to `cpu` (at the caller's priority) that spin until `flag` is
    /// set, and gives the calling thread back the CPUs `allowed`.
    static func spinners(_ count: Int, on cpu: Int, allowed: [Int], until flag: StopFlag) throws -> [NativeThread] {
        // Threads inherit the affinity of the thread that starts them.
        try CPUAffinity.pinning(to: [cpu], restoring: allowed) { () throws(GilBenchError) in
            try (0..<count).map { _ throws(GilBenchError) in
                try NativeThread.spawn {
                    while !flag.stopped.load(ordering: .relaxed) { gb_keep(Int64(bitPattern: gb_spin(10_000))) }
                }
            }
        }
    }

    @Test(
        "Spinners pinned to a CPU: the probe measures it slower, and the session measures again",
        .enabled(if: ((try? CPUAffinity.current()) ?? []).count >= 2, "needs 2 CPUs this process may use"))
    func slowedCPU() throws {
        let allowed = try CPUAffinity.current()
        let cpu = allowed[0]
        /// CPU `cpu`'s speed in 5 probes, sorted.
        func probed() throws -> [Double] {
            try (0..<5).map { _ in try #require(CPUSpeedProbe.speeds(of: [cpu]).iterationsPerMicrosecond[cpu]) }.sorted()
        }
        // Its speed alone is the fastest of 5 (another test may have loaded it during one), after 5
        // more that wake it up (the first probes of an idle virtual CPU can run slowly); beside the
        // spinners, the median of 5. Four spinners, not two: a probe thread that has just woken is
        // placed ahead of threads that kept running (the scheduler's credit for sleepers), which
        // can give it much more than its fair share of a 10 ms window beside two.
        _ = try probed()
        let alone = try probed()[4]
        let flag = StopFlag()
        let threads = try CPUSpeedTests.spinners(4, on: cpu, allowed: allowed, until: flag)
        defer {
            flag.stopped.store(true, ordering: .relaxed)
            for thread in threads { thread.join() }
        }
        let shared = try probed()[2]
        // Other tests load the CPUs too: CPU 0 is compared with itself, not with CPU 1.
        #expect(shared < 0.7 * alone, "CPU \(cpu): \(shared) iterations/µs beside two spinners, \(alone) without")
        #expect(try CPUAffinity.current() == allowed, "the probe gives the thread its CPUs back")
        // A session probing CPU 0 live: the repetition is measured again, and kept disturbed. The other
        // CPU stands at CPU 0's own speed without the spinners, as other tests (and other users of a
        // shared machine) load the real one.
        let other = allowed[1]
        let probe = CPUSpeedProbe {
            Result { () throws(GilBenchError) in
                var speeds = try CPUSpeedProbe.speeds(of: [cpu])
                speeds.iterationsPerMicrosecond[other] = alone
                return speeds
            }
        }
        let (rows, calls) = try run(probe, maxAttempts: 2, repetitions: 1)
        #expect(calls == 3)
        let spread = try #require(rows.first?.measurements.cpuSpeedSpread)
        #expect(spread > CPUSpeedCheck.margin)
        #expect(rows.map(\.measurements.attempts) == [2] && rows.map(\.measurements.disturbed) == [1])
    }
}
