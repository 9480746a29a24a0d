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
public struct ClaimFidelity: Sendable {
    public struct Entry: Sendable {
        public var slide: String
        public var claim: String
        public var criterion: Criterion
        /// The real interpreter.
        public var engine: Engine
        /// The simulated GIL design its claims are compared with: the one it has.
        public var design: GILDesign
        public var real: Finding
        public var simulated: Finding
        /// (simulated - real) / real on the criterion's ratio; nil when either is missing or real is 0.
        public var error: Double? {
            guard let r = real.observation?.ratio, let s = simulated.observation?.ratio, r != 0 else { return nil }
            return (s - r) / r
        }
    }

    public var entries: [Entry]

    /// The catalogue experiment a real interpreter's configuration is a twin of; nil for none (the
    /// interval sweep and hashing are compared by `Fidelity`'s ratios only).
    static func experimentIDs(of key: ConfigurationKey) -> [String] {
        guard key.sweepParameter == nil else { return [] }
        switch (key.workload, key.mode) {
        case (.countdown?, .sequential?): return ["countdown", "processes"]
        case (.countdown?, .threads?): return ["countdown"]
        case (.countdown?, .processes?): return ["processes"]
        case (.race?, _): return ["race"]
        case (.longTick?, _): return ["long-tick"]
        case (.extension?, _): return ["extension"]
        case (.ioLatency?, _): return ["convoy"]
        default: return []
        }
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
            let twins = rows.filter { $0.key.engine == .simulator && $0.gil == design }
            func relabelled(_ rows: [ResultRow]) -> [ResultRow] {
                rows.flatMap { row in
                    ClaimFidelity.experimentIDs(of: row.key).map { id in
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
                        real: r, simulated: s))
                }
            }
        }
        entries = out
    }

    private static func percent(_ error: Double?) -> String { error.map { String(format: "%+.1f%%", $0 * 100) } ?? "–" }

    /// A plain table for the terminal.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        var rows = [["slide", "claim", "engine", "real", "simulator", "design", "error"]]
        for e in entries {
            rows.append([
                e.slide, e.criterion.ratio, e.engine.name, e.real.verdict.shortText, e.simulated.verdict.shortText, e.design.rawValue, ClaimFidelity.percent(e.error),
            ])
        }
        return Summary.align(rows)
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
            md += "| \(e.slide) | \(e.claim) (\(e.engine.name)) | \(cell(e.real)) | \(cell(e.simulated)) (`\(e.design.rawValue)`) | \(ClaimFidelity.percent(e.error)) |\n"
        }
        return md
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
