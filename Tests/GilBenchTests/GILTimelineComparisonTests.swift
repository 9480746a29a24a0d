import Foundation
import GilBench
import Testing

@Suite("GIL timeline comparison: real and simulated holds and waits against the targets")
struct GILTimelineComparisonTests {
    typealias E = GILEventRecorder.Event

    /// Threads `a` and `b` alternate holds of `hold` ns, each waiting for the other's hold.
    static func alternating(hold: UInt64, a: Int, b: Int, rounds: Int = 10) -> [E] {
        var events: [E] = [E(nanoseconds: 0, thread: b, kind: .waiting)]
        var t: UInt64 = 0
        for i in 0..<rounds {
            let (holder, waiter) = i % 2 == 0 ? (a, b) : (b, a)
            events.append(E(nanoseconds: t, thread: holder, kind: .acquired))
            if i > 0 { events.append(E(nanoseconds: t + 1, thread: waiter, kind: .waiting)) }
            t += hold
            events.append(E(nanoseconds: t, thread: holder, kind: .released))
        }
        return events.sorted { $0.nanoseconds < $1.nanoseconds }
    }

    @Test("Within target when the medians match; beyond when the simulator's holds are 20 times longer; CSV rows per side")
    func verdicts() throws {
        var matching = GILTimelineComparison.Row(engine: "cpython-3.13.0", label: "countdown 2 threads cpus=all")
        matching.real.add(GILHoldWaitSummary(events: Self.alternating(hold: 5_000_000, a: 7, b: 8)), excludingFirstThread: false, firstThread: nil)
        matching.simulated.add(GILHoldWaitSummary(events: Self.alternating(hold: 5_100_000, a: 1, b: 2)), excludingFirstThread: false, firstThread: nil)
        var apart = GILTimelineComparison.Row(engine: "cpython-2.7.18", label: "countdown 2 threads cpus=all")
        apart.real.add(GILHoldWaitSummary(events: Self.alternating(hold: 1_600, a: 7, b: 8)), excludingFirstThread: false, firstThread: nil)
        apart.simulated.add(GILHoldWaitSummary(events: Self.alternating(hold: 34_000, a: 1, b: 2)), excludingFirstThread: false, firstThread: nil)
        var comparison = GILTimelineComparison(runID: "R")
        comparison.rows = [matching, apart]
        #expect(matching.real.holdP50 == 5_000_000 && matching.simulated.holdP50 == 5_100_000)
        let lines = comparison.table.split(separator: "\n").map(String.init)
        let holdLines = lines.filter { $0.contains("hold p50 us") }
        #expect(holdLines.count == 2)
        #expect(holdLines[0].hasSuffix("ok"))
        #expect(holdLines[1].hasSuffix("beyond"))
        let csv = comparison.csv.split(separator: "\n").map(String.init)
        #expect(csv.first == GILTimelineComparison.csvHeader)
        #expect(csv.count == 5)
        #expect(csv[1].hasPrefix("cpython-3.13.0,countdown 2 threads cpus=all,real,1,"))
        #expect(csv[1].split(separator: ",", omittingEmptySubsequences: false).count == GILTimelineComparison.csvHeader.split(separator: ",").count)
    }

    @Test("The real program's first thread is left out when asked")
    func firstThread() {
        var events = Self.alternating(hold: 1_000, a: 7, b: 8)
        events.insert(E(nanoseconds: 0, thread: 6, kind: .acquired), at: 0)
        events.insert(E(nanoseconds: 0, thread: 6, kind: .released), at: 1)
        var side = GILTimelineComparison.Side()
        side.add(GILHoldWaitSummary(events: events), excludingFirstThread: true, firstThread: 6)
        #expect(side.holds.count == 10)
    }

    @Test("Hand-offs per 1,000 acquisitions from releases alone: a change of releasing thread is a hand-off; the main thread left out")
    func handoffsFromReleases() throws {
        let holders = [1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 2]  // 3 changes over 10 successive pairs
        let releases = holders.enumerated().map { GILEventRecorder.Event(nanoseconds: UInt64($0.offset), thread: $0.element, kind: .released) }
        #expect(GILTimelineComparison.handoffsPerThousand(releases: releases, excluding: nil) == 300)
        // The main thread (9) released once in the middle: left out, the workers' sequence is the same.
        var withMain = releases
        withMain.insert(.init(nanoseconds: 4, thread: 9, kind: .released), at: 4)
        withMain.insert(.init(nanoseconds: 0, thread: 9, kind: .waiting), at: 0)
        #expect(GILTimelineComparison.handoffsPerThousand(releases: withMain, excluding: 9) == 300)
        let counted = try #require(GILTimelineComparison.handoffsPerThousand(releases: withMain, excluding: nil))
        #expect(abs(counted - 5000.0 / 11) < 1e-9)  // with it: 5 changes over 11 pairs
        #expect(GILTimelineComparison.handoffsPerThousand(releases: Array(releases.prefix(1)), excluding: nil) == nil)
    }

    @Test("Forced switches: acquisitions after a wait of a switch interval or more, none counted without an interval")
    func forcedSwitches() {
        let summary = GILHoldWaitSummary(events: Self.alternating(hold: 5_000_000, a: 1, b: 2, rounds: 10))
        var side = GILTimelineComparison.Side()
        side.add(summary, excludingFirstThread: false, firstThread: nil, switchInterval: 4_000_000)
        // 9 forced switches over the 50 ms the events span: 180 a second.
        #expect(side.forcedSwitchesPerSecond.map { $0.rounded() } == [180], "every acquisition but the first waited one 5 ms hold")
        side.add(summary, excludingFirstThread: false, firstThread: nil, switchInterval: 6_000_000)
        #expect(side.forcedSwitchesPerSecond.map { $0.rounded() } == [180, 0])
        var ticks = GILTimelineComparison.Side()
        ticks.add(summary, excludingFirstThread: false, firstThread: nil)
        #expect(ticks.forcedSwitchesPerSecond.isEmpty && ticks.forcedSwitchesMedian == nil)
    }
}
