import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The simulator's error against a real interpreter, ratio by ratio: the number that says how well
/// gilbench's model of a GIL matches the real one on this machine.
public struct Fidelity: Sendable {
    public struct Entry: Sendable {
        /// `threads/sequential`, `processes/sequential`, `1 cpu/2 cpus`, ...
        public var ratio: RatioKind
        public var workload: Workload
        /// The real interpreter.
        public var engine: Engine
        /// The extension's native call length (`churn_n`), for extension ratios.
        public var churnN: Int? = nil
        /// The simulated GIL design compared with it.
        public var design: GILDesign
        public var real: Double
        public var simulated: Double
        /// The bootstrap 95% interval of ``error`` (``Fidelity/errorEstimate(real:simulated:)``); nil
        /// when either ratio has fewer than two pairs (or could not be paired), and the error is then
        /// judged on its value.
        public var errorInterval: Interval? = nil
        /// The configurations whose rows make the two ratios: the real numerator and denominator, then
        /// the simulator's. `reproduce` measures them again while the error is inconclusive.
        public var configurations: [ConfigurationKey] = []
        /// (simulated - real) / real.
        public var error: Double { (simulated - real) / real }
        /// The error with its interval, when it has one.
        public var errorEstimate: Estimate { Estimate(value: error, interval: errorInterval) }
        /// Within, beyond or inconclusive against ``Fidelity/target`` (``Fidelity/verdict(_:)``).
        public var verdict: Verdict { Fidelity.verdict(errorEstimate) }
        /// The ratio's name, with the workload when it is not the countdown: `threads/sequential (extension, churn n = 1000)`.
        public var label: String {
            guard workload != .countdown else { return ratio.name }
            return "\(ratio.name) (\(workload.rawValue)" + (churnN.map { ", churn n = \($0)" } ?? "") + ")"
        }
    }

    public var entries: [Entry]

    /// The simulator's target: within 10% of the real interpreter on each ratio.
    public static let target = 0.10

    /// How an error stands against ``target``, judged on its 95% interval as the claims are: the
    /// repetitions decide only when the whole interval is on one side.
    public enum Verdict: String, Sendable, CaseIterable {
        /// The whole interval is inside ±``Fidelity/target``.
        case within
        /// The whole interval is outside it, on one side.
        case beyond
        /// The interval straddles +``Fidelity/target`` or −``Fidelity/target``: the repetitions
        /// cannot tell a miss from noise.
        case inconclusive
    }

    /// The verdict on `error`: ``Verdict/within`` when its whole interval (an error without one: its
    /// value) lies inside ±``target``, ``Verdict/beyond`` when it lies wholly above +``target`` or
    /// below −``target``, ``Verdict/inconclusive`` otherwise.
    public static func verdict(_ error: Estimate) -> Verdict {
        let low = error.interval?.low ?? error.value, high = error.interval?.high ?? error.value
        if low >= -target && high <= target { return .within }
        if low > target || high < -target { return .beyond }
        return .inconclusive
    }

    /// The error of `simulated` against `real`, each the paired ratios of one side (one ratio per
    /// round, ``PairedRatio/ratios``), with its percentile-bootstrap 95% interval: the two sides were
    /// measured as different configurations, so each side's pairs are resampled on their own
    /// (``Statistics/bootstrapRatioOfMedians(_:over:resamples:seed:)``, 2,000 resamples, fixed
    /// seed); each resample gives the median of the simulator's resampled pairs over the median of
    /// the real interpreter's, minus 1, and the interval spans the 2.5th to the 97.5th percentile of
    /// those. The value is the median of `simulated` over the median of `real`, minus 1.
    /// - Returns: nil when a side is empty or the real median is not positive; no interval when a
    ///   side has fewer than two pairs (one pair says nothing about its own spread).
    public static func errorEstimate(real: [Double], simulated: [Double]) -> Estimate? {
        guard let ratio = Statistics.bootstrapRatioOfMedians(simulated, over: real) else { return nil }
        let interval = real.count >= 2 && simulated.count >= 2
            ? ratio.interval.map { Interval(low: $0.low - 1, high: $0.high - 1) } : nil
        return Estimate(value: ratio.value - 1, interval: interval)
    }

    /// The entries whose error is beyond ``target`` (``Verdict/beyond``): the whole interval, or the
    /// value of an error without one, on one side of ±10%.
    public var missed: [Entry] { entries.filter { $0.verdict == .beyond } }

    /// The entries whose interval straddles the target (``Verdict/inconclusive``).
    public var inconclusive: [Entry] { entries.filter { $0.verdict == .inconclusive } }

    /// The configurations of the errors not yet within the target (``Entry/configurations``), each
    /// once, in order: what `reproduce` measures again. The inconclusive ones, so that more pairs
    /// can decide them; and those beyond it, because a miss is a statement about the model and one
    /// round of pairs, measured within a minute, cannot see how far the machine drifts between runs
    /// (its speed moves by a fifth within minutes): a "beyond" the report prints has held on the
    /// extra rounds' pairs too.
    public var configurationsToMeasureAgain: [ConfigurationKey] {
        entries.filter { $0.verdict != .within }.flatMap(\.configurations).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// One line naming the ratios beyond the target, with their errors and intervals, and where their
    /// measured causes are explained, then how many are inconclusive; empty when every ratio is within it.
    public var missedLine: String {
        let target = "±\(Int(Fidelity.target * 100))% target"
        let undecided = inconclusive.count
        let straddle = "inconclusive (the 95% interval straddles ±\(Int(Fidelity.target * 100))%)"
        guard !missed.isEmpty else { return undecided == 0 ? "" : "none beyond the \(target); \(undecided) \(straddle)." }
        let list = missed.map { "\($0.label) on \($0.engine.name) (\($0.errorEstimate.text(Fidelity.percent)))" }
        return "beyond the \(target): " + list.joined(separator: ", ")
            + (undecided == 0 ? "" : "; \(undecided) more \(straddle)")
            + ". Their causes, as far as measured, are in the DocC article *Measuring real interpreters* (\"Where the simulator misses\")."
    }

    /// The columns a simulator's ratio must share with the real interpreter's: same workload and
    /// CPU count, under the GIL design and check points the interpreter has. Everything else (sizes,
    /// switch interval, experiment label, ...) may differ.
    public static let comparedColumns: Set<Column> = [.engine, .workload, .cpus, .gil, .checkPoints]

    /// The sizes a twin of the same size shares: preferred, so that each extension call length (`churn_n`)
    /// is paired with its own; a twin of another size is taken only when there is none of the same.
    public static let sizeColumns: Set<Column> = [.n, .churnN, .calls]

    /// The entries as given: several interpreters' fidelity, each measured on its own, put together.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Pairs each real interpreter's ratios with the simulator's ratio of the same name, workload and
    /// CPU count under the GIL design the interpreter has (`interval` for CPython 3.2+), and puts a
    /// 95% interval around each error (``errorEstimate(real:simulated:)``) from the two ratios' pairs.
    public init(rows: [ResultRow]) {
        let summary = Summary(rows: rows)
        // Each ratio pair by pair (the k-th repetition over the k-th, measured next to each other, so
        // that drift cancels; ``PairedRatio``), or of medians where repetitions cannot be paired.
        let ratios = summary.ratioPairs.compactMap { pair -> (pair: Summary.RatioPair, paired: PairedRatio?, value: Double)? in
            let paired = pair.paired
            return (paired?.value ?? pair.value).map { (pair, paired, $0) }
        }
        var out: [Entry] = []
        for real in ratios where real.pair.numerator.key.engine != .simulator {
            let pair = real.pair
            guard let design = pair.numerator.key.gil, let engine = pair.numerator.key.engine, let workload = pair.numerator.key.workload
            else { continue }
            // The simulator's twin of the real numerator (of the same size if there is one); its pair
            // of the same kind is the one compared.
            func simulatedRatio(_ compared: Set<Column>) -> (pair: Summary.RatioPair, paired: PairedRatio?, value: Double)? {
                let twins = summary.twins(
                    of: pair.numerator.key, changing: { $0.engine = .simulator },
                    ignoring: ConfigurationKey.allColumns(except: compared))
                return ratios.first(where: { candidate in
                    candidate.pair.kind == pair.kind && twins.contains { $0.key == candidate.pair.numerator.key }
                })
            }
            guard let simulated = simulatedRatio(Fidelity.comparedColumns.union(Fidelity.sizeColumns)) ?? simulatedRatio(Fidelity.comparedColumns)
            else { continue }
            var interval: Interval?
            if let realPairs = real.paired?.ratios, let simulatedPairs = simulated.paired?.ratios {
                interval = Fidelity.errorEstimate(real: realPairs, simulated: simulatedPairs)?.interval
            }
            out.append(Entry(
                ratio: pair.kind, workload: workload, engine: engine,
                churnN: workload == .extension ? pair.numerator.key.churnN : nil,
                design: design, real: real.value, simulated: simulated.value, errorInterval: interval,
                configurations: [pair.numerator.key, pair.denominator.key, simulated.pair.numerator.key, simulated.pair.denominator.key]))
        }
        entries = out
    }

    /// `+12.5%`: an error as a signed percentage.
    package static func percent(_ error: Double) -> String { String(format: "%+.1f%%", error * 100) }

    /// `[+2.1%, +20.3%]`, or `–` without an interval.
    package static func intervalText(_ interval: Interval?) -> String {
        interval.map { "[\(percent($0.low)), \(percent($0.high))]" } ?? "–"
    }

    /// A plain table: ratio, interpreter, real, simulated, design, error, the error's 95% interval
    /// and its verdict.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        var rows = [["ratio (wall, paired)", "engine", "real", "simulator", "design", "error", "95% interval", "verdict"]]
        for e in entries {
            rows.append([
                e.label, e.engine.name, String(format: "%.3f", e.real), String(format: "%.3f", e.simulated), e.design.rawValue,
                Fidelity.percent(e.error), Fidelity.intervalText(e.errorInterval), e.verdict.rawValue,
            ])
        }
        let missed = missedLine
        return Summary.align(rows) + (missed.isEmpty ? "" : missed + "\n")
    }
}

extension Fidelity {
    /// A Markdown table for the reproduction report: per ratio, the 2009 figure (`figure2009` of its
    /// kind, for the countdown), the real interpreter here, the simulator here, the simulator's error,
    /// the error's 95% interval and its verdict.
    public func markdown(figure2009: (RatioKind) -> Double?) -> String {
        guard !entries.isEmpty else { return "" }
        var md = "| ratio | 2009 (CPython 2.6) | real interpreter here | simulator here | simulator's error | 95% interval | verdict |\n"
        md += "|---|---:|---:|---:|---:|---:|---|\n"
        for e in entries {
            let slide = (e.workload == .countdown ? figure2009(e.ratio) : nil).map { String(format: "%.2f", $0) } ?? "–"
            md += "| \(e.label) | \(slide) | \(String(format: "%.2f", e.real)) (\(e.engine.name)) | "
            md += "\(String(format: "%.2f", e.simulated)) (`\(e.design.rawValue)`) | \(Fidelity.percent(e.error)) | "
            md += "\(Fidelity.intervalText(e.errorInterval)) | \(e.verdict == .beyond ? "**beyond**" : e.verdict.rawValue) |\n"
        }
        let missed = missedLine
        return md + (missed.isEmpty ? "" : "\n" + missed.prefix(1).uppercased() + missed.dropFirst() + "\n")
    }
}
