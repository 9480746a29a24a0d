import Foundation
import GilBenchResults
import GilBenchSimulator
import GilBenchSystem

/// `gilbench python --timeline`: the real twin's GIL and the simulator twin's, acquisition by
/// acquisition, in the same run. Each round runs the interpreter's program under ``GILProbeSampler``
/// (through ``PythonBench/recordsGILTimeline``) and then its simulator twin with a `GILEventRecorder`,
/// alternating, and pools every round's acquisitions per side: hold time per acquisition, wait time
/// per acquisition (0 for one that found the GIL free), hand-offs per second (the median round's).
///
/// The real program's first thread (the main thread: it creates the GIL, imports, starts the workers
/// and joins them) is left out when the program ran more threads than the twin has tasks, as the
/// simulator's twin has no main thread besides its tasks: only the threads doing the experiment's work
/// are compared. Twins compared: the countdown in threads mode and the convoy.
///
/// Hand-offs are also counted per acquisition from a third run per round, of the real program with the
/// release probe alone (``GILProbeSampler/ProbeSet/releases``). The timed probes put a trap between
/// a release and the re-acquisition that follows it: CPython 2.7's running thread calls
/// `PyThread_release_lock` then at once `PyThread_acquire_lock` every 100 ticks (`Python/ceval.c`), and
/// whether the woken waiter wins the lock in between is what a hand-off is: a trap there (about 2 µs)
/// changes the count of hand-offs, where it barely moves a hold of 5 ms on 3.x. The count per
/// acquisition is compared, since the probes also slow the program down. The simulator records its
/// own events, with no trap.
public struct GILTimelineComparison {
    /// One side's pooled figures for one experiment.
    public struct Side: Sendable {
        public var holds: [UInt64] = []
        public var waits: [UInt64] = []
        public var handoffsPerSecond: [Double] = []
        public var lostSamples: UInt64 = 0
        public var rounds = 0
        /// The simulator's failed wake-ups and its own count of forced switches per round (not seen on the real GIL).
        public var failedWakeups: [Int] = []
        public var countedForcedSwitches: [Int] = []
        /// Hand-offs per 1,000 acquisitions, one per round: the simulator's from its recorder; the real
        /// interpreter's from a run of its own with the release probe alone (see ``GILTimelineComparison``).
        public var handoffsPerThousand: [Double] = []
        /// Per round, the acquisitions per second that came after a wait of at least one switch interval: on the
        /// interval GIL (3.2+) the waiter's timed wait in `take_gil` expired and it set the drop request,
        /// so the holder's next drop was forced (`Python/ceval_gil.c`). Counted from the events, the same
        /// way on both sides; empty for designs without a switch interval.
        public var forcedSwitchesPerSecond: [Double] = []

        public init() {}

        /// Adds one round's summary (its first thread left out when `excludingFirstThread`); waits of at
        /// least `switchInterval` nanoseconds count as forced switches (nil: the design has none).
        public mutating func add(_ summary: GILHoldWaitSummary, excludingFirstThread: Bool, firstThread: Int?, switchInterval: UInt64? = nil) {
            let threads = summary.threads.filter { !excludingFirstThread || $0.thread != firstThread }
            if let switchInterval, summary.wallNanoseconds > 0 {
                let forced = threads.reduce(0) { $0 + $1.waits.filter { $0 >= switchInterval }.count }
                forcedSwitchesPerSecond.append(Double(forced) / summary.wallSeconds)
            }
            holds += threads.flatMap(\.holds)
            waits += threads.flatMap(\.waits)
            let handoffs = threads.reduce(0) { $0 + $1.handoffs }
            handoffsPerSecond.append(summary.wallNanoseconds > 0 ? Double(handoffs) / summary.wallSeconds : 0)
            rounds += 1
        }

        public var holdP50: UInt64? { GILHoldWaitSummary.quantile(holds.sorted(), 0.5) }
        public var holdP99: UInt64? { GILHoldWaitSummary.quantile(holds.sorted(), 0.99) }
        public var waitP50: UInt64? { GILHoldWaitSummary.quantile(waits.sorted(), 0.5) }
        public var waitP99: UInt64? { GILHoldWaitSummary.quantile(waits.sorted(), 0.99) }
        public var handoffsMedian: Double? { Statistics.median(handoffsPerSecond) }
        public var handoffsPerThousandMedian: Double? { Statistics.median(handoffsPerThousand) }
        public var forcedSwitchesMedian: Double? { Statistics.median(forcedSwitchesPerSecond) }
    }

    /// Hand-offs per 1,000 acquisitions from the releases alone (``GILProbeSampler/ProbeSet/releases``):
    /// each release by another thread than the one before means the GIL changed hands in between, and
    /// every release ends one acquisition. The releases of `excluding` (the program's main thread) are
    /// left out, as in the timed comparison. Nil with fewer than two releases.
    public static func handoffsPerThousand(releases events: [GILEventRecorder.Event], excluding: Int?) -> Double? {
        let holders = events.filter { $0.kind == .released && $0.thread != excluding }.map(\.thread)
        guard holders.count >= 2 else { return nil }
        let changes = zip(holders, holders.dropFirst()).reduce(0) { $0 + ($1.0 != $1.1 ? 1 : 0) }
        return 1000 * Double(changes) / Double(holders.count - 1)
    }

    /// One experiment on one interpreter: the real twin and the simulator's.
    public struct Row: Sendable {
        public var engine: String
        public var label: String
        public var real = Side()
        public var simulated = Side()

        public init(engine: String, label: String) { (self.engine, self.label) = (engine, label) }
    }

    public var rows: [Row] = []
    public let runID: String

    public init(runID: String) { self.runID = runID }

    /// Writes `text` to `path`.
    public static func write(_ text: String, to path: String) throws(GilBenchError) { try RealGILTrace.write(text, to: path) }

    /// Resolves `selection` (`InterpreterDiscovery.resolve`) and measures each interpreter it takes,
    /// one after another (``measure(_:comparison:rounds:runID:progress:)``), into one comparison.
    /// - Parameters:
    ///   - selection: the interpreters, as `--python` gives them.
    ///   - comparison: what to run on each (its options' twins and sizes).
    ///   - rounds: alternating rounds of each real twin and its simulator twin.
    ///   - runID: the run id of the comparison's rows.
    ///   - decided: what discovery found, took and skipped, told before anything runs.
    ///   - progress: one line as each experiment starts.
    /// - Throws: `GilBenchError` from the first interpreter that cannot be measured.
    public static func measure(
        _ selection: PythonSelection, comparison: InterpreterComparison, rounds: Int, runID: String = Session.makeRunID(),
        decided: ([InterpreterDiscovery.Decision]) -> Void = { _ in }, progress: (String) -> Void = { _ in }
    ) throws(GilBenchError) -> GILTimelineComparison {
        let (names, decisions) = InterpreterDiscovery.resolve(selection)
        decided(decisions)
        var all = GILTimelineComparison(runID: runID)
        for name in names {
            all.rows += try measure(name, comparison: comparison, rounds: rounds, runID: runID, progress: progress).rows
        }
        return all
    }

    /// Measures `rounds` alternating rounds of each countdown (threads) and convoy experiment
    /// `comparison` selects for `python`.
    /// - Throws: `GilBenchError` when the interpreter cannot be identified, has no GIL model, or a run fails.
    public static func measure(
        _ python: String, comparison: InterpreterComparison, rounds: Int, runID: String = Session.makeRunID(),
        progress: (String) -> Void = { _ in }
    ) throws(GilBenchError) -> GILTimelineComparison {
        let bench = try PythonBench(python: python)
        bench.recordsGILTimeline = true
        let design = bench.interpreter.gilDesign
        let experiments = comparison.experiments(for: bench.interpreter).filter {
            ($0.configuration.workload == .countdown && $0.configuration.mode == .threads && $0.configuration.sweepParameter == nil)
                || $0.configuration.workload == .ioLatency
        }
        guard !experiments.isEmpty else {
            throw GilBenchError(.usage, "--timeline compares the countdown in threads and the convoy: give --only countdown convoy")
        }
        var result = GILTimelineComparison(runID: runID)
        for experiment in experiments {
            guard let twin = comparison.twin(of: experiment, design: design) else {
                throw GilBenchError(.runFailed, "\(bench.interpreter.engine) has no GIL model in the simulator")
            }
            let c = experiment.configuration
            let switchInterval = design == .interval ? UInt64(twin.switchIntervalMilliseconds * 1e6) : nil
            var row = Row(engine: bench.interpreter.engine, label: "\(c.workload.rawValue) \(c.tasks) threads cpus=\(c.cpus.description)")
            progress("\(bench.interpreter.engine): \(row.label), \(rounds) rounds of the real twin and the simulator's, alternating")
            for _ in 0..<rounds {
                _ = try bench.measure(experiment)
                if let recording = bench.lastTimeline {
                    let summary = GILHoldWaitSummary(events: recording.events)
                    row.real.add(
                        summary, excludingFirstThread: summary.threads.count > c.tasks, firstThread: recording.events.first?.thread,
                        switchInterval: switchInterval)
                    row.real.lostSamples &+= recording.lostSamples
                }
                let recorder = GILEventRecorder(capacity: 4_000_000)
                let measurement = try Runner.measure(twin, events: recorder)
                let events = recorder.events()
                let summary = GILHoldWaitSummary(events: events)
                row.simulated.add(summary, excludingFirstThread: false, firstThread: nil, switchInterval: switchInterval)
                row.simulated.lostSamples &+= UInt64(recorder.dropped)
                if let failed = measurement.gil?.failedAcquisitions { row.simulated.failedWakeups.append(failed) }
                if let forced = measurement.gil?.forcedSwitches { row.simulated.countedForcedSwitches.append(forced) }
                if summary.acquisitions > 1 {
                    row.simulated.handoffsPerThousand.append(1000 * Double(summary.handoffs) / Double(summary.acquisitions - 1))
                }
                bench.gilTimelineProbes = .releases
                defer { bench.gilTimelineProbes = .timed }
                _ = try bench.measure(experiment)
                if let releases = bench.lastTimeline?.events {
                    let threads = Set(releases.map(\.thread)).count
                    if let share = handoffsPerThousand(releases: releases, excluding: threads > c.tasks ? releases.first?.thread : nil) {
                        row.real.handoffsPerThousand.append(share)
                    }
                    row.real.lostSamples &+= bench.lastTimeline?.lostSamples ?? 0
                }
            }
            result.rows.append(row)
        }
        return result
    }

    /// The CSV header of ``csv``.
    public static let csvHeader = "interpreter,experiment,side,rounds,acquisitions,hold_p50_us,hold_p99_us,wait_p50_us,wait_p99_us,handoffs_per_s,lost_samples,run_id,handoffs_per_1000_acquisitions,forced_switches_per_s"

    /// Two rows per experiment: `real` and `simulator`.
    public var csv: String {
        func us(_ v: UInt64?) -> String { v.map { String(format: "%.3f", Double($0) / 1e3) } ?? "" }
        var lines = [GILTimelineComparison.csvHeader]
        for row in rows {
            for (name, side) in [("real", row.real), ("simulator", row.simulated)] {
                lines.append([
                    row.engine, row.label, name, String(side.rounds), String(side.holds.count), us(side.holdP50), us(side.holdP99),
                    us(side.waitP50), us(side.waitP99), side.handoffsMedian.map { String(format: "%.1f", $0) } ?? "", String(side.lostSamples), runID,
                    side.handoffsPerThousandMedian.map { String(format: "%.1f", $0) } ?? "",
                    side.forcedSwitchesMedian.map { String(format: "%.1f", $0) } ?? "",
                ].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table `python --timeline` prints: each figure real and simulated, and the issue's targets
    /// (median within 25 %, p99 within 2x of the real interpreter's).
    public var table: String {
        var out = "GIL timelines, real twin beside the simulator's (run \(runID)); holds and waits per acquisition, worker threads only\n"
        func us(_ v: UInt64?) -> String { v.map { String(format: "%.1f", Double($0) / 1e3) } ?? "-" }
        func verdict(_ real: Double?, _ simulated: Double?, within: Double, ratio: Bool) -> String {
            guard let real, let simulated, real > 0 else { return "-" }
            let r = simulated / real
            let ok = ratio ? (r <= within && r >= 1 / within) : abs(r - 1) <= within
            return String(format: "x%.2f %@", r, ok ? "ok" : "beyond")
        }
        for row in rows {
            out += "\(row.engine), \(row.label): \(row.real.holds.count) real and \(row.simulated.holds.count) simulated acquisitions over \(row.real.rounds) rounds"
                + (row.real.lostSamples > 0 ? ", \(row.real.lostSamples) real samples lost" : "") + "\n"
            let lines: [(String, UInt64?, UInt64?, Double, Bool)] = [
                ("hold p50 us", row.real.holdP50, row.simulated.holdP50, 0.25, false),
                ("hold p99 us", row.real.holdP99, row.simulated.holdP99, 2, true),
                ("wait p50 us", row.real.waitP50, row.simulated.waitP50, 0.25, false),
                ("wait p99 us", row.real.waitP99, row.simulated.waitP99, 2, true),
            ]
            for (name, real, simulated, within, ratio) in lines {
                out += "  " + name.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + " real \(us(real).leftPadded(10))  simulated \(us(simulated).leftPadded(10))  \(verdict(real.map(Double.init), simulated.map(Double.init), within: within, ratio: ratio))\n"
            }
            let rh = row.real.handoffsMedian, sh = row.simulated.handoffsMedian
            out += "  hand-offs/s    real \((rh.map { String(format: "%.1f", $0) } ?? "-").leftPadded(10))  simulated \((sh.map { String(format: "%.1f", $0) } ?? "-").leftPadded(10))  \(verdict(rh, sh, within: 0.25, ratio: false))\n"
            let rk = row.real.handoffsPerThousandMedian, sk = row.simulated.handoffsPerThousandMedian
            out += "  hand-offs per 1,000 acquisitions (real: release probe alone) real \((rk.map { String(format: "%.1f", $0) } ?? "-"))  simulated \((sk.map { String(format: "%.1f", $0) } ?? "-"))  \(verdict(rk, sk, within: 0.25, ratio: false))\n"
            if let rf = row.real.forcedSwitchesMedian, let sf = row.simulated.forcedSwitchesMedian {
                out += "  forced switches/s (waits of a switch interval or more) real \(String(format: "%.1f", rf))  simulated \(String(format: "%.1f", sf))  \(verdict(rf, sf, within: 0.25, ratio: false))\n"
            }
            if let failed = Statistics.median(row.simulated.failedWakeups.map(Double.init)) {
                out += "  simulator's failed wake-ups per run (median) \(Int(failed))"
                    + (Statistics.median(row.simulated.countedForcedSwitches.map(Double.init)).map { ", drops at a drop request \(Int($0))" } ?? "")
                    + "; the real GIL's failed wake-ups are not probed\n"
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
