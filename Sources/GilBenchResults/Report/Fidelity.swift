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
        /// (simulated - real) / real.
        public var error: Double { (simulated - real) / real }
        /// The ratio's name, with the workload when it is not the countdown: `threads/sequential (extension, churn n = 1000)`.
        public var label: String {
            guard workload != .countdown else { return ratio.name }
            return "\(ratio.name) (\(workload.rawValue)" + (churnN.map { ", churn n = \($0)" } ?? "") + ")"
        }
    }

    public var entries: [Entry]

    /// The simulator's target: within 10% of the real interpreter on each ratio.
    public static let target = 0.10

    /// The entries whose error passes ``target``, one way or the other.
    public var missed: [Entry] { entries.filter { abs($0.error) > Fidelity.target } }

    /// One line naming the ratios beyond the target and where their measured causes are explained;
    /// empty when every ratio is within it.
    public var missedLine: String {
        guard !missed.isEmpty else { return "" }
        let list = missed.map { "\($0.label) on \($0.engine.name) (\(String(format: "%+.1f%%", $0.error * 100)))" }
        return "beyond the ±\(Int(Fidelity.target * 100))% target: " + list.joined(separator: ", ")
            + ". Their causes, as far as measured, are in the DocC article *Measuring real interpreters* (\"Where the simulator misses\")."
    }

    /// The columns a simulator's ratio must share with the real interpreter's: same workload and
    /// CPU count, under the GIL design and check points the interpreter has. Everything else (sizes,
    /// switch interval, experiment label, ...) may differ.
    public static let comparedColumns: Set<Column> = [.engine, .workload, .cpus, .gil, .checkPoints]

    /// The sizes a twin of the same size shares: preferred, so that each extension call length (`churn_n`)
    /// is paired with its own; a twin of another size is taken only when there is none of the same.
    public static let sizeColumns: Set<Column> = [.n, .churnN, .calls]

    /// Pairs each real interpreter's ratios with the simulator's ratio of the same name, workload and
    /// CPU count under the GIL design the interpreter has (`interval` for CPython 3.2+).
    public init(rows: [ResultRow]) {
        let summary = Summary(rows: rows)
        // Each ratio pair by pair (the k-th repetition over the k-th, measured next to each other, so
        // that drift cancels; ``PairedRatio``), or of medians where repetitions cannot be paired.
        let ratios = summary.ratioPairs.compactMap { pair in (pair.paired?.value ?? pair.value).map { (pair, $0) } }
        var out: [Entry] = []
        for (pair, value) in ratios where pair.numerator.key.engine != .simulator {
            guard let design = pair.numerator.key.gil, let engine = pair.numerator.key.engine, let workload = pair.numerator.key.workload
            else { continue }
            // The simulator's twin of the real numerator (of the same size if there is one); its pair
            // of the same kind is the one compared.
            func simulatedRatio(_ compared: Set<Column>) -> Double? {
                let twins = summary.twins(
                    of: pair.numerator.key, changing: { $0.engine = .simulator },
                    ignoring: ConfigurationKey.allColumns(except: compared))
                return ratios.first(where: { candidate, _ in
                    candidate.kind == pair.kind && twins.contains { $0.key == candidate.numerator.key }
                })?.1
            }
            guard let simulated = simulatedRatio(Fidelity.comparedColumns.union(Fidelity.sizeColumns)) ?? simulatedRatio(Fidelity.comparedColumns)
            else { continue }
            out.append(Entry(
                ratio: pair.kind, workload: workload, engine: engine,
                churnN: workload == .extension ? pair.numerator.key.churnN : nil,
                design: design, real: value, simulated: simulated))
        }
        entries = out
    }

    /// A plain table: ratio, interpreter, real, simulated, error.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        var rows = [["ratio (wall, paired)", "engine", "real", "simulator", "design", "error"]]
        for e in entries {
            rows.append([
                e.label, e.engine.name, String(format: "%.3f", e.real), String(format: "%.3f", e.simulated), e.design.rawValue,
                String(format: "%+.1f%%", e.error * 100),
            ])
        }
        let missed = missedLine
        return Summary.align(rows) + (missed.isEmpty ? "" : missed + "\n")
    }
}

extension Fidelity {
    /// A Markdown table for the reproduction report: per ratio, the 2009 figure (`figure2009` of its
    /// kind, for the countdown), the real interpreter here, the simulator here and the simulator's error.
    public func markdown(figure2009: (RatioKind) -> Double?) -> String {
        guard !entries.isEmpty else { return "" }
        var md = "| ratio | 2009 (CPython 2.6) | real interpreter here | simulator here | simulator's error |\n"
        md += "|---|---:|---:|---:|---:|\n"
        for e in entries {
            let slide = (e.workload == .countdown ? figure2009(e.ratio) : nil).map { String(format: "%.2f", $0) } ?? "–"
            md += "| \(e.label) | \(slide) | \(String(format: "%.2f", e.real)) (\(e.engine.name)) | "
            md += "\(String(format: "%.2f", e.simulated)) (`\(e.design.rawValue)`) | \(String(format: "%+.1f%%", e.error * 100)) |\n"
        }
        let missed = missedLine
        return md + (missed.isEmpty ? "" : "\n" + missed.prefix(1).uppercased() + missed.dropFirst() + "\n")
    }
}
