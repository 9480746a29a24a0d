import GilBenchSimulator
import GilBenchSystem
import Foundation

/// Hold and wait times of the GIL, per thread and for the process, from a timeline of GIL events: the
/// real interpreter's (``GILProbeSampler``) or the simulator's (`GILEventRecorder`), read the same way.
///
/// An acquisition is an `.acquired` event; its wait runs from the thread's `.waiting` event before it
/// (none: the lock was free, a wait of 0, as the simulator records an uncontended acquisition), its hold
/// until the thread's next `.released`. A hand-off is an acquisition by another thread than the previous
/// one's (the simulator's `AcquisitionTally` counts the same). Contention is the share of the wall time
/// during which at least one thread waited; the held fraction the share during which a thread held the GIL.
public struct GILHoldWaitSummary: Sendable {
    /// One thread's figures.
    public struct ThreadFigures: Sendable, Equatable {
        public var thread: Int
        public var heldNanoseconds: UInt64 = 0
        public var waitedNanoseconds: UInt64 = 0
        public var acquisitions = 0
        /// Acquisitions that took the GIL from another thread.
        public var handoffs = 0
        /// Each acquisition's wait and each hold, in nanoseconds, sorted.
        public var waits: [UInt64] = []
        public var holds: [UInt64] = []
    }

    public var threads: [ThreadFigures]
    public var wallNanoseconds: UInt64
    /// Nanoseconds with at least one waiter, and with the GIL held.
    public var contendedNanoseconds: UInt64
    public var heldNanoseconds: UInt64

    /// Summarises `events` (in time order) over a wall time of `wallNanoseconds` (nil: from the first
    /// event to the last).
    public init(events: [GILEventRecorder.Event], wallNanoseconds: UInt64? = nil) {
        var figures: [Int: ThreadFigures] = [:]
        var waitStart: [Int: UInt64] = [:]
        var holdStart: [Int: UInt64] = [:]
        var lastHolder: Int?
        var waitIntervals: [(UInt64, UInt64)] = []
        var holdIntervals: [(UInt64, UInt64)] = []
        for e in events {
            var f = figures[e.thread] ?? ThreadFigures(thread: e.thread)
            switch e.kind {
            case .waiting:
                waitStart[e.thread] = e.nanoseconds
            case .acquired:
                let start = waitStart.removeValue(forKey: e.thread) ?? e.nanoseconds
                let waited = e.nanoseconds >= start ? e.nanoseconds - start : 0
                f.acquisitions += 1
                f.waits.append(waited)
                f.waitedNanoseconds &+= waited
                if waited > 0 { waitIntervals.append((start, e.nanoseconds)) }
                if let lastHolder, lastHolder != e.thread { f.handoffs += 1 }
                lastHolder = e.thread
                holdStart[e.thread] = e.nanoseconds
            case .released:
                if let start = holdStart.removeValue(forKey: e.thread), e.nanoseconds >= start {
                    f.holds.append(e.nanoseconds - start)
                    f.heldNanoseconds &+= e.nanoseconds - start
                    holdIntervals.append((start, e.nanoseconds))
                }
            case .failedWakeup:
                break
            }
            figures[e.thread] = f
        }
        threads = figures.values.sorted { $0.thread < $1.thread }.map { f in
            var f = f
            f.waits.sort()
            f.holds.sort()
            return f
        }
        let span = (events.last?.nanoseconds ?? 0) &- (events.first?.nanoseconds ?? 0)
        self.wallNanoseconds = wallNanoseconds ?? span
        contendedNanoseconds = GILHoldWaitSummary.union(waitIntervals)
        heldNanoseconds = GILHoldWaitSummary.union(holdIntervals)
    }

    /// The length of the union of `intervals`.
    static func union(_ intervals: [(UInt64, UInt64)]) -> UInt64 {
        var total: UInt64 = 0
        var current: (UInt64, UInt64)?
        for (start, end) in intervals.sorted(by: { $0.0 < $1.0 }) {
            if let (s, e) = current, start <= e {
                current = (s, max(e, end))
            } else {
                if let (s, e) = current { total &+= e - s }
                current = (start, end)
            }
        }
        if let (s, e) = current { total &+= e - s }
        return total
    }

    /// The `q` quantile (0...1) of sorted `values` by nearest rank; nil when empty.
    public static func quantile(_ values: [UInt64], _ q: Double) -> UInt64? {
        guard !values.isEmpty else { return nil }
        let rank = Int((q * Double(values.count)).rounded(.up))
        return values[min(values.count - 1, max(0, rank - 1))]
    }

    /// Every acquisition's wait and every hold, all threads together, sorted.
    public var allWaits: [UInt64] { threads.flatMap(\.waits).sorted() }
    public var allHolds: [UInt64] { threads.flatMap(\.holds).sorted() }
    public var acquisitions: Int { threads.reduce(0) { $0 + $1.acquisitions } }
    public var handoffs: Int { threads.reduce(0) { $0 + $1.handoffs } }
    public var wallSeconds: Double { Double(wallNanoseconds) / 1e9 }
    public var handoffsPerSecond: Double { wallNanoseconds > 0 ? Double(handoffs) / wallSeconds : 0 }
    /// Share of the wall time with at least one waiter (0...1).
    public var contention: Double { wallNanoseconds > 0 ? Double(contendedNanoseconds) / Double(wallNanoseconds) : 0 }
    /// Share of the wall time with the GIL held (0...1).
    public var heldFraction: Double { wallNanoseconds > 0 ? Double(heldNanoseconds) / Double(wallNanoseconds) : 0 }

    /// The CSV header of ``csv(interpreter:runID:lostSamples:)``.
    public static let csvHeader =
        "scope,thread,held_s,held_pct,waited_s,waited_pct,acquisitions,wait_p50_us,wait_p99_us,wait_max_us,hold_p50_us,hold_p99_us,handoffs_per_s,contention_pct,lost_samples,interpreter,run_id"

    /// One row per thread, then one for the process (`scope` `process`, `thread` empty: held is the union
    /// of the holds, waited the sum of the waits, the percentiles over every acquisition).
    public func csv(interpreter: String, runID: String, lostSamples: UInt64) -> String {
        var lines = [GILHoldWaitSummary.csvHeader]
        let wall = Double(max(wallNanoseconds, 1))
        func us(_ v: UInt64?) -> String { v.map { String(format: "%.3f", Double($0) / 1e3) } ?? "" }
        func row(_ scope: String, _ thread: String, held: UInt64, waited: UInt64, acquisitions: Int, waits: [UInt64], holds: [UInt64], handoffs: Int, contention: String) -> String {
            [scope, thread, String(format: "%.6f", Double(held) / 1e9), String(format: "%.2f", 100 * Double(held) / wall),
             String(format: "%.6f", Double(waited) / 1e9), String(format: "%.2f", 100 * Double(waited) / wall), String(acquisitions),
             us(GILHoldWaitSummary.quantile(waits, 0.5)), us(GILHoldWaitSummary.quantile(waits, 0.99)), us(waits.last),
             us(GILHoldWaitSummary.quantile(holds, 0.5)), us(GILHoldWaitSummary.quantile(holds, 0.99)),
             String(format: "%.1f", Double(handoffs) / (wall / 1e9)), contention, String(lostSamples), interpreter, runID].joined(separator: ",")
        }
        for t in threads {
            lines.append(row("thread", String(t.thread), held: t.heldNanoseconds, waited: t.waitedNanoseconds, acquisitions: t.acquisitions, waits: t.waits, holds: t.holds, handoffs: t.handoffs, contention: ""))
        }
        lines.append(row("process", "", held: heldNanoseconds, waited: threads.reduce(0) { $0 &+ $1.waitedNanoseconds }, acquisitions: acquisitions, waits: allWaits, holds: allHolds, handoffs: handoffs, contention: String(format: "%.2f", 100 * contention)))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table printed by `gilbench trace --python`.
    public var table: String {
        let wall = Double(max(wallNanoseconds, 1))
        func us(_ v: UInt64?) -> String { v.map { String(format: "%.1f", Double($0) / 1e3) } ?? "-" }
        func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        let widths = [10, 14, 14, 9, 20, 9, 11]
        var out = zip(["thread", "held s (%)", "waited s (%)", "acquired", "wait p50/p99/max us", "hold p50", "hand-offs/s"], widths)
            .map { pad($0, $1) }.joined(separator: " ") + "\n"
        for t in threads {
            let cells = [
                String(t.thread), String(format: "%.3f (%.0f%%)", Double(t.heldNanoseconds) / 1e9, 100 * Double(t.heldNanoseconds) / wall),
                String(format: "%.3f (%.0f%%)", Double(t.waitedNanoseconds) / 1e9, 100 * Double(t.waitedNanoseconds) / wall), String(t.acquisitions),
                "\(us(GILHoldWaitSummary.quantile(t.waits, 0.5)))/\(us(GILHoldWaitSummary.quantile(t.waits, 0.99)))/\(us(t.waits.last))",
                us(GILHoldWaitSummary.quantile(t.holds, 0.5)), String(format: "%.1f", Double(t.handoffs) / (wall / 1e9)),
            ]
            out += zip(cells, widths).map { pad($0, $1) }.joined(separator: " ") + "\n"
        }
        out += String(format: "process: wall %.3f s, GIL held %.1f%% of it, contended (at least one waiter) %.1f%%, %d acquisitions, %.1f hand-offs/s\n",
                      wallSeconds, 100 * heldFraction, 100 * contention, acquisitions, handoffsPerSecond)
        return out
    }
}
