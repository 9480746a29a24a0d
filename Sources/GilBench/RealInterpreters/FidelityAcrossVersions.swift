import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// Every real interpreter's fidelity at once, in version order (``InterpreterVersion``): per
/// version, the simulator's error on each ratio against its twins of that version's design and
/// check points, and the race's outcome (slide 43: updates lost or none) on the interpreter and on
/// its twins. `gilbench python --python all --simulator` prints it and `reproduce --python all`
/// reports it when more than one interpreter was measured.
public struct FidelityAcrossVersions: Sendable {
    public struct Version: Sendable {
        public var version: InterpreterVersion
        /// The simulator's error on each of its ratios: the countdown's threads/sequential,
        /// 1 cpu/2 cpus and processes/sequential first, as the plot's panels, then the others in
        /// ``Fidelity``'s order.
        public var entries: [Fidelity.Entry]
        /// Slide 43's race decided on the interpreter and on its twins; nil when the race did not run.
        public var race: ClaimFidelity.Entry?
    }

    /// One per interpreter with an error or a race outcome, in version order.
    public var versions: [Version]

    /// Groups `fidelity`'s entries and `claims`' race entries by interpreter, in version order.
    public init(fidelity: Fidelity, claims: ClaimFidelity) {
        let raceClaim = Catalogue.race.claims[0].claim
        let races = claims.entries.filter { $0.claim == raceClaim }
        let engines = Set(fidelity.entries.map(\.engine.name) + races.map(\.engine.name))
        versions = engines.map(InterpreterVersion.init(engine:)).sorted().map { v in
            Version(
                version: v, entries: FidelityAcrossVersions.countdownFirst(fidelity.entries.filter { $0.engine.name == v.engine }),
                race: races.first { $0.engine.name == v.engine })
        }
    }

    /// From every row of a run, the interpreters' and the simulator's.
    public init(rows: [ResultRow]) {
        self.init(fidelity: Fidelity(rows: rows), claims: ClaimFidelity(rows: rows))
    }

    /// From the interpreters measured one by one (those that could not be measured are left out).
    public init(_ comparisons: [RealInterpreterComparison]) {
        let measured = comparisons.compactMap { try? $0.result.get() }
        self.init(
            fidelity: Fidelity(entries: measured.flatMap(\.fidelity.entries)),
            claims: ClaimFidelity(entries: measured.flatMap(\.claims.entries)))
    }

    /// `entries` with the countdown's plotted ratios first, in the plot's order; the order kept otherwise.
    static func countdownFirst(_ entries: [Fidelity.Entry]) -> [Fidelity.Entry] {
        func rank(_ e: Fidelity.Entry) -> Int {
            e.workload == .countdown ? VersionFidelityChart.panelIndex(e.ratio) ?? 3 : 3
        }
        return entries.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// Whether there is more than one version to set side by side.
    public var hasSeveral: Bool { versions.count > 1 }

    /// The race's outcome on one side: `lost in 80% of runs`, `none lost`, or `–` when not measured.
    static func raceOutcome(_ finding: Finding) -> String {
        guard let share = finding.observation?.ratio else { return "–" }
        return share == 0 ? "none lost" : "lost in \(Int((share * 100).rounded()))% of runs"
    }

    /// The race row's last cell: whether the twin's verdict contradicts the interpreter's.
    static func raceAgreement(_ race: ClaimFidelity.Entry) -> String {
        if race.missed { return "MISS: verdicts differ" }
        switch (race.real.verdict, race.simulated.verdict) {
        case (.reproduced, .reproduced), (.notReproduced, .notReproduced): return "same outcome"
        default: return "–"
        }
    }

    /// The rows of both renderings: per version, one per ratio (version named on its first row
    /// only), then its race; each row version, ratio, real, simulator, design, error, 95% interval,
    /// verdict.
    func cells(emphasis: (String) -> String = { $0 }) -> [[String]] {
        var rows: [[String]] = []
        for v in versions {
            var first = true
            func label() -> String {
                defer { first = false }
                return first ? v.version.label : ""
            }
            for e in v.entries {
                rows.append([
                    label(), e.label, String(format: "%.3f", e.real), String(format: "%.3f", e.simulated), e.design.rawValue,
                    Fidelity.percent(e.error), Fidelity.intervalText(e.errorInterval),
                    e.verdict == .beyond ? emphasis(e.verdict.rawValue) : e.verdict.rawValue,
                ])
            }
            if let race = v.race {
                let agreement = FidelityAcrossVersions.raceAgreement(race)
                rows.append([
                    label(), "race: updates lost", FidelityAcrossVersions.raceOutcome(race.real),
                    FidelityAcrossVersions.raceOutcome(race.simulated), race.designLabel, "–", "–",
                    race.missed ? emphasis(agreement) : agreement,
                ])
            }
        }
        return rows
    }

    static let header = ["version", "ratio (wall, paired)", "real", "simulator", "design", "error", "95% interval", "verdict"]

    /// A plain table for the terminal, one row per version and ratio; empty unless ``hasSeveral``.
    public func render() -> String {
        guard hasSeveral else { return "" }
        return Summary.align([FidelityAcrossVersions.header] + cells())
    }

    /// The same table in Markdown for the reproduction report; empty unless ``hasSeveral``.
    public func markdown() -> String {
        guard hasSeveral else { return "" }
        var md = "| " + FidelityAcrossVersions.header.joined(separator: " | ") + " |\n"
        md += "|---|---|---:|---:|---|---:|---:|---|\n"
        for row in cells(emphasis: { "**\($0)**" }) {
            md += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        return md
    }
}

extension InterpreterComparison {
    /// The table `gilbench python` prints after ``fidelityTables(_:countsGIL:)`` when its rows hold
    /// more than one interpreter with simulator twins: every version's errors and race at once
    /// (``FidelityAcrossVersions``). Empty otherwise.
    public static func allVersionsTable(_ rows: [ResultRow]) -> String {
        let table = FidelityAcrossVersions(rows: rows).render()
        guard !table.isEmpty else { return "" }
        return "\nevery interpreter beside its simulator twins, by version (error = (simulator - real) / real):\n" + table
    }
}
