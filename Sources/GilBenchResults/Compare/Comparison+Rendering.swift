import GilBenchSimulator
import GilBenchSystem
import Foundation

extension Comparison {
    /// The output formats of `gilbench compare`.
    public enum Format: String, Sendable, CaseIterable {
        /// An aligned table for a terminal.
        case text
        /// A GitHub-flavoured table to paste in a pull request.
        case markdown
        /// One row per entry.
        case csv
        /// The whole comparison as one JSON object.
        case json
    }

    /// The comparison in `format`, ending with a newline.
    public func render(_ format: Format) -> String {
        switch format {
        case .text: renderText()
        case .markdown: renderMarkdown()
        case .csv: renderCSV()
        case .json: renderJSON()
        }
    }

    /// One line: "no regression (14 metrics compared)" or "2 regressions: wall_s (...), ...".
    public var verdict: String {
        let regressions = self.regressions
        guard !regressions.isEmpty else {
            let better = improvements.count
            return "no regression (\(entries.count) metrics compared\(better > 0 ? ", \(better) improved" : ""))"
        }
        let names = regressions.map { "\($0.metric.name) (\($0.configuration))" }
        return "\(regressions.count) regression\(regressions.count == 1 ? "" : "s"): \(names.joined(separator: ", "))"
    }

    /// Notes under the table: configurations on one side only, threshold-only decisions.
    var notes: [String] {
        var out: [String] = []
        if !onlyInBaseline.isEmpty { out.append("only in the baseline, not compared: \(onlyInBaseline.joined(separator: "; "))") }
        if !onlyInCurrent.isEmpty { out.append("only in the current run, not compared: \(onlyInCurrent.joined(separator: "; "))") }
        if !thresholdOnly.isEmpty {
            out.append("decided by threshold alone (too few repetitions for the U test to reach alpha \(Comparison.number(alpha))): \(thresholdOnly.map(\.metric.name).joined(separator: ", "))")
        }
        return out
    }

    static let headers = ["configuration", "metric", "baseline", "current", "change", "current/baseline [95%]", "threshold", "p", "decision"]

    func cells(_ e: Entry) -> [String] {
        [
            e.configuration, e.metric.name,
            Comparison.number(e.baselineMedian), Comparison.number(e.currentMedian),
            Comparison.percent(e.relativeChange, signed: true), e.currentOverBaseline?.text { String(format: "%.3f", $0) } ?? "-", "±" + Comparison.percent(e.threshold, signed: false),
            e.pValue.map { String(format: "%.3f", $0) } ?? "-",
            e.decision.rawValue + (e.pValue == nil && e.decision != .unchanged ? " (threshold only)" : ""),
        ]
    }

    func renderText() -> String {
        var text = "baseline \(baselinePath), current \(currentPath): medians over repetitions, bootstrap 95% intervals, U test at alpha \(Comparison.number(alpha))\n"
        text += Summary.align([Comparison.headers] + entries.map(cells))
        for note in notes { text += "note: \(note)\n" }
        return text + verdict + "\n"
    }

    func renderMarkdown() -> String {
        func row(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        var lines = [
            "### gilbench compare: \(regressions.isEmpty ? "✅" : "❌") \(verdict)", "",
            "Baseline `\(baselinePath)`, current `\(currentPath)`; medians over repetitions, Mann-Whitney U test at α = \(Comparison.number(alpha)).", "",
            row(Comparison.headers),
            "|" + Comparison.headers.enumerated().map { i, _ in i < 2 ? " --- " : " ---: " }.joined(separator: "|") + "|",
        ]
        for e in entries {
            var c = cells(e)
            if e.decision == .regression { c[c.count - 1] = "**\(c[c.count - 1])**" }
            lines.append(row(c))
        }
        if !notes.isEmpty { lines.append("") }
        for note in notes { lines.append("- \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    func renderCSV() -> String {
        let header = ["configuration", "metric", "direction", "baseline_n", "baseline_median", "current_n", "current_median",
                      "relative_change", "threshold", "p_value", "test", "decision", "ratio", "ratio_low", "ratio_high"]
        var lines = [header.joined(separator: ",")]
        for e in entries {
            let fields = [
                e.configuration, e.metric.name, e.direction.rawValue, String(e.baselineCount), CSVRecord.format(e.baselineMedian),
                String(e.currentCount), CSVRecord.format(e.currentMedian),
                e.relativeChange.isFinite ? CSVRecord.format(e.relativeChange) : (e.relativeChange > 0 ? "inf" : "-inf"),
                CSVRecord.format(e.threshold), e.pValue.map(CSVRecord.format) ?? "", e.test?.rawValue ?? "", e.decision.rawValue,
                e.currentOverBaseline.map { CSVRecord.format($0.value) } ?? "",
                e.currentOverBaseline?.interval.map { CSVRecord.format($0.low) } ?? "",
                e.currentOverBaseline?.interval.map { CSVRecord.format($0.high) } ?? "",
            ]
            lines.append(fields.map(CSVRecord.quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON form: `{baseline, current, alpha, regressions, entries: [...], notes: [...]}`.
    func renderJSON() -> String {
        struct Document: Encodable {
            var baseline: String
            var current: String
            var alpha: Double
            var regressions: Int
            var improvements: Int
            var verdict: String
            var entries: [Entry]
            var onlyInBaseline: [String]
            var onlyInCurrent: [String]
        }
        let document = Document(
            baseline: baselinePath, current: currentPath, alpha: alpha, regressions: regressions.count,
            improvements: improvements.count, verdict: verdict, entries: entries,
            onlyInBaseline: onlyInBaseline, onlyInCurrent: onlyInCurrent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Every field is a string, number or array of them: encoding cannot fail.
        let data = try! encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        let magnitude = abs(v)
        return magnitude >= 100 ? String(format: "%.1f", v) : magnitude >= 1 ? String(format: "%.3f", v) : String(format: "%.4g", v)
    }

    static func percent(_ v: Double, signed: Bool) -> String {
        guard v.isFinite else { return v > 0 ? "+inf" : "-inf" }
        let text = signed ? String(format: "%+.1f%%", v * 100) : String(format: "%g%%", (v * 1000).rounded() / 10)
        return text
    }
}
