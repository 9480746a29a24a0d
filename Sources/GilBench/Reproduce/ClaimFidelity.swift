import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The slides' claims decided on a real interpreter's rows and on its simulator twins' rows, side by
/// side: each claim's figure and verdict on both, and the simulator's error on the claim's ratio.
///
/// The real interpreter's rows (and the simulator's twins of them, the same configurations under the
/// GIL design the interpreter has) are relabelled with the catalogue experiment they are twins of
/// (`experimentIDs(of:)`) and decided by that experiment's own claims (`Experiment.findings`), so a
/// claim means the same thing for the simulator's reproduction, the real interpreter and its twin.
///
/// A claim reproduced on one and not reproduced on the other is a *fidelity miss* (``Entry/missed``),
/// whatever its error on the ratio: the twin then fails to model what the interpreter does (slide
/// 43's race, whose ratio is 0 on an interpreter that loses no update, has no error at all).
public struct ClaimFidelity: Sendable {
    public struct Entry: Sendable {
        public var slide: String
        public var claim: String
        public var criterion: Criterion
        /// The real interpreter.
        public var engine: Engine
        /// The simulated GIL design its claims are compared with: the one it has.
        public var design: GILDesign
        /// The check points of its twins (its version's; nil: the design's own).
        public var checkPoints: CheckPoints? = nil
        public var real: Finding
        public var simulated: Finding
        /// (simulated - real) / real on the criterion's ratio; nil when either is missing or real is 0.
        public var error: Double? {
            guard let r = real.observation?.ratio, let s = simulated.observation?.ratio, r != 0 else { return nil }
            return (s - r) / r
        }
        /// Whether the claim is reproduced on one and not reproduced on the other: the twin's
        /// verdict contradicts the interpreter's. (Inconclusive, reported or unmeasured verdicts
        /// decide nothing, so they miss nothing.)
        public var missed: Bool {
            switch (real.verdict, simulated.verdict) {
            case (.reproduced, .notReproduced), (.notReproduced, .reproduced): true
            default: false
            }
        }
        /// The design, with the twins' check points when they are not its own: `interval`,
        /// `interval, backward-jumps-and-calls-3.11`.
        public var designLabel: String {
            design.rawValue + (checkPoints.map { ", \($0.rawValue)" } ?? "")
        }
    }

    public var entries: [Entry]

    /// The catalogue experiment a real interpreter's configuration is a twin of; nil for none (the
    /// interval sweep and hashing are compared by `Fidelity`'s ratios only). An interpreter without
    /// a GIL (`design` `none`: Jython, free-threaded CPython) also answers the `no-gil` experiment's
    /// claim with its countdown.
    static func experimentIDs(of key: ConfigurationKey, design: GILDesign? = nil) -> [String] {
        guard key.sweepParameter == nil else { return [] }
        let noGIL = design == GILDesign.none && key.sequentialThread == nil && key.cpus != 1 ? ["no-gil"] : []
        switch (key.workload, key.mode) {
        case (.countdown?, .sequential?): return ["countdown", "processes", "coroutines"] + noGIL
        case (.countdown?, .threads?): return ["countdown"] + noGIL
        case (.countdown?, .coroutines?): return ["coroutines"]
        // The messages experiment is request-reply between threads and between processes, at each
        // size; the coroutines experiment's actor is request-reply at the default size, threads
        // against coroutines (`gilbench python --only pipeline` runs them all, stream too).
        case (.pipeline?, let mode?) where key.pattern == .requestReply:
            let actor = key.messageSize == RunConfiguration().messageSize && mode != .processes ? ["coroutines"] : []
            return (mode == .coroutines ? [] : ["messages"]) + actor
        case (.countdown?, .processes?): return ["processes"]
        case (.race?, _), (.raceLocked?, _): return ["race"]
        case (.longTick?, _): return ["long-tick"]
        case (.extension?, _): return ["extension"]
        case (.ioLatency?, _): return ["convoy"]
        // The server's twins (`gilbench python --only server`) answer the events experiment's claims
        // at the connections they ran.
        // The asyncio twin shares `coroutines` with the generators' twin: relabelled `events` the
        // two would be one configuration, so it answers no claim (``ServerFidelity`` compares it).
        case (.server?, _): return ServerFidelity.twinName(key) == ServerFidelity.asyncioLabel ? [] : ["events"]
        default: return []
        }
    }

    /// The entries as given: several interpreters' claims, each decided on its own, put together.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Each claim of the experiments the rows have twins for, per real interpreter in `rows` with a
    /// GIL design, decided on its rows and on the simulator's rows of that design.
    public init(rows: [ResultRow]) {
        var out: [Entry] = []
        let real = rows.filter { $0.key.engine != .simulator }
        let engines = real.compactMap(\.key.engine).reduce(into: [Engine]()) { if !$0.contains($1) { $0.append($1) } }
        for engine in engines {
            let mine = real.filter { $0.key.engine == engine }
            guard let design = mine.first?.gil else { continue }
            // Twins of its design and of its version's check points (CPython 3.9's and 3.13's twins
            // share the `interval` design, not where they check it).
            let checkPoints = mine.first?.key.checkPoints
            let twins = rows.filter { $0.key.engine == .simulator && $0.gil == design && $0.key.checkPoints == checkPoints }
            func relabelled(_ rows: [ResultRow]) -> [ResultRow] {
                rows.flatMap { row in
                    ClaimFidelity.experimentIDs(of: row.key, design: design).map { id in
                        var copy = row
                        copy.key.experiment = id
                        return copy
                    }
                }
            }
            let realRows = relabelled(mine), simulatedRows = relabelled(twins)
            for experiment in Catalogue.experiments where realRows.contains(where: { $0.key.experiment == experiment.id }) {
                let realFindings = experiment.findings(realRows), simulatedFindings = experiment.findings(simulatedRows)
                for (r, s) in zip(realFindings, simulatedFindings) where r.observation?.ratio != nil {
                    out.append(Entry(
                        slide: r.claim.slide, claim: r.claim.claim, criterion: r.claim.criterion, engine: engine, design: design,
                        checkPoints: checkPoints, real: r, simulated: s))
                }
            }
        }
        entries = out
    }

    private static func percent(_ error: Double?) -> String { error.map(Fidelity.percent) ?? "–" }

    /// The error cell: the error on the ratio, and for a fidelity miss `MISS: verdicts differ` in
    /// its place or after it, never a bare "–".
    private static func errorCell(_ e: Entry, miss: String) -> String {
        guard e.missed else { return percent(e.error) }
        return e.error.map { percent($0) + "; " + miss } ?? miss
    }

    /// The entries whose verdicts differ (``Entry/missed``).
    public var missed: [Entry] { entries.filter(\.missed) }

    /// One line naming the claims whose twin's verdict contradicts the interpreter's; empty when none does.
    public var missedLine: String {
        guard !missed.isEmpty else { return "" }
        let list = missed.map { e in
            "slide \(e.slide) (\(e.criterion.ratio)) on \(e.engine.name): \(e.real.verdict.status) there, \(e.simulated.verdict.status) on `\(e.designLabel)`"
        }
        return "fidelity misses, the simulator's verdict contradicting the real interpreter's: " + list.joined(separator: "; ") + "."
    }

    /// A plain table for the terminal.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        var rows = [["slide", "claim", "engine", "real", "simulator", "design", "error"]]
        for e in entries {
            rows.append([
                e.slide, e.criterion.ratio, e.engine.name, e.real.verdict.shortText, e.simulated.verdict.shortText, e.designLabel,
                ClaimFidelity.errorCell(e, miss: "MISS: verdicts differ"),
            ])
        }
        let missed = missedLine
        return Summary.align(rows) + (missed.isEmpty ? "" : missed + "\n")
    }

    /// A Markdown table for the reproduction report.
    public func markdown() -> String {
        guard !entries.isEmpty else { return "" }
        var md = "| slide | claim | real interpreter: figure, verdict | simulator: figure, verdict | simulator's error on the ratio |\n"
        md += "|---|---|---|---|---:|\n"
        func cell(_ f: Finding) -> String {
            ((f.observation?.figure ?? "—") + "; " + f.verdict.text(f.claim.criterion)).replacingOccurrences(of: "|", with: "\\|")
        }
        for e in entries {
            md += "| \(e.slide) | \(e.claim) (\(e.engine.name)) | \(cell(e.real)) | \(cell(e.simulated)) (`\(e.designLabel)`) | "
            md += "\(ClaimFidelity.errorCell(e, miss: "**fidelity miss**: verdicts differ")) |\n"
        }
        let missed = missedLine
        return md + (missed.isEmpty ? "" : "\n" + missed.prefix(1).uppercased() + missed.dropFirst() + "\n")
    }
}

extension Verdict {
    /// The verdict and its ratio in a few characters: `reproduced 1.85`, `not reproduced 0.92`.
    var shortText: String {
        switch self {
        case .reproduced(let r), .notReproduced(let r), .reported(let r), .inconclusive(let r): "\(status) \(r.text(Criterion.number))"
        default: status
        }
    }
}
