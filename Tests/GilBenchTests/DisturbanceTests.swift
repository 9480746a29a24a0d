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
