import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The simulator's error against a real interpreter, ratio by ratio: the number that says how well
/// gilbench's model of a GIL matches the real one on this machine.
public struct Fidelity {
    public struct Entry: Sendable {
        /// `threads/sequential`, `processes/sequential`, `1 cpu/2 cpus`.
        public var ratio: String
        public var workload: String
        public var engine: String
        /// The simulated GIL design compared with it.
        public var design: String
        public var real: Double
        public var simulated: Double
        /// (simulated - real) / real.
        public var error: Double { (simulated - real) / real }
    }

    public var entries: [Entry]

    /// Pairs each real interpreter's ratios with the simulator's ratio of the same name, workload and
    /// CPU count under the GIL design the interpreter has (`interval` for CPython 3.2+).
    public init(records: [CSVRecord]) {
        let summary = Summary(records: records)
        let ratios = summary.ratioPairs.compactMap { pair -> (Summary.RatioPair, Double)? in
            guard let a = pair.numerator.median(.wallSeconds), let b = pair.denominator.median(.wallSeconds), b > 0 else { return nil }
            return (pair, a / b)
        }
        func key(_ pair: Summary.RatioPair) -> [String] {
            [pair.name, pair.numerator.key[.workload] ?? "", pair.numerator.key[.cpus] ?? "", pair.numerator.key[.switchIntervalMs] ?? "", pair.numerator.key[.checkInterval] ?? ""]
        }
        var out: [Entry] = []
        for (pair, value) in ratios where (pair.numerator.key[.engine] ?? "") != Engine.simulator.name {
            let design = pair.numerator.key[.gil] ?? ""
            guard !design.isEmpty else { continue }
            let realKey = key(pair)
            guard let (_, simulated) = ratios.first(where: { candidate, _ in
                candidate.numerator.key[.engine] == Engine.simulator.name && candidate.numerator.key[.gil] == design
                    && Array(key(candidate).prefix(3)) == Array(realKey.prefix(3))
            }) else { continue }
            out.append(Entry(
                ratio: pair.name, workload: pair.numerator.key[.workload] ?? "", engine: pair.numerator.key[.engine] ?? "",
                design: design, real: value, simulated: simulated))
        }
        entries = out
    }

    /// A plain table: ratio, interpreter, real, simulated, error.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        var rows = [["ratio (median wall)", "engine", "real", "simulator", "design", "error"]]
        for e in entries {
            rows.append([
                e.ratio, e.engine, String(format: "%.3f", e.real), String(format: "%.3f", e.simulated), e.design,
                String(format: "%+.1f%%", e.error * 100),
            ])
        }
        return Summary.align(rows)
    }
}

extension Fidelity {
    /// A Markdown table for the reproduction report: per ratio, the 2009 figure (from `slides`, by
    /// ratio name), the real interpreter here, the simulator here and the simulator's error.
    public func markdown(slides: [String: Double]) -> String {
        guard !entries.isEmpty else { return "" }
        var md = "| ratio | 2009 (CPython 2.6) | real interpreter here | simulator here | simulator's error |\n"
        md += "|---|---:|---:|---:|---:|\n"
        for e in entries {
            let slide = slides[e.ratio].map { String(format: "%.2f", $0) } ?? "–"
            md += "| \(e.ratio) | \(slide) | \(String(format: "%.2f", e.real)) (\(e.engine)) | "
            md += "\(String(format: "%.2f", e.simulated)) (`\(e.design)`) | \(String(format: "%+.1f%%", e.error * 100)) |\n"
        }
        return md
    }
}
