import Foundation
import GilBench
import Testing

@Suite("GIL hold and wait summary: per thread, contention and hand-offs")
struct GILHoldWaitSummaryTests {
    typealias E = GILEventRecorder.Event

    /// Thread 1 holds 0-5 µs; thread 2 waits 1-6 µs and holds 6-10; thread 1 re-takes at 12 without
    /// waiting and holds until 14.
    let events: [E] = [
        E(nanoseconds: 0, thread: 1, kind: .acquired),
        E(nanoseconds: 1_000, thread: 2, kind: .waiting),
        E(nanoseconds: 5_000, thread: 1, kind: .released),
        E(nanoseconds: 6_000, thread: 2, kind: .acquired),
        E(nanoseconds: 10_000, thread: 2, kind: .released),
        E(nanoseconds: 12_000, thread: 1, kind: .acquired),
        E(nanoseconds: 14_000, thread: 1, kind: .released),
    ]

    @Test("Holds, waits, acquisitions, hand-offs and the process's fractions")
    func figures() throws {
        let summary = GILHoldWaitSummary(events: events, wallNanoseconds: 20_000)
        #expect(summary.threads.map(\.thread) == [1, 2])
        let one = summary.threads[0], two = summary.threads[1]
        #expect(one.holds == [2_000, 5_000] && one.waits == [0, 0] && one.acquisitions == 2 && one.handoffs == 1)
        #expect(two.holds == [4_000] && two.waits == [5_000] && two.handoffs == 1)
        #expect(summary.heldNanoseconds == 11_000)
        #expect(summary.contendedNanoseconds == 5_000)
        #expect(summary.heldFraction == 0.55 && summary.contention == 0.25)
        #expect(summary.handoffs == 2)
        #expect(GILHoldWaitSummary.quantile([1, 2, 3, 4], 0.5) == 2)
        #expect(GILHoldWaitSummary.quantile([1, 2, 3, 4], 0.99) == 4)
        #expect(GILHoldWaitSummary.quantile([], 0.5) == nil)
    }

    @Test("The CSV has one row per thread and one for the process, with the documented columns")
    func csv() throws {
        let text = GILHoldWaitSummary(events: events, wallNanoseconds: 20_000).csv(interpreter: "cpython-3.13.0", runID: "R", lostSamples: 3)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == GILHoldWaitSummary.csvHeader)
        let header = lines[0].split(separator: ",").map(String.init)
        let process = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(process.count == header.count)
        func cell(_ name: String) -> String { process[header.firstIndex(of: name)!] }
        #expect(cell("scope") == "process" && cell("thread") == "")
        #expect(cell("held_pct") == "55.00" && cell("contention_pct") == "25.00" && cell("acquisitions") == "3")
        #expect(cell("wait_max_us") == "5.000" && cell("lost_samples") == "3" && cell("run_id") == "R")
        #expect(cell("handoffs_per_s") == "100000.0")
    }
}
