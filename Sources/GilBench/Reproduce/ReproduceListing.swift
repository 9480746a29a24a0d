import GilBenchResults

/// Plain-text renderings of the catalogue and of a run's verdicts.
public enum ReproduceListing {
    /// The catalogue: per experiment its slides, name, number of configurations at `scale` and title.
    public static func render(_ experiments: [Experiment], scale: ExperimentScale) -> String {
        var table: [[String]] = [["slides", "experiment", "configurations", "what it shows"]]
        for e in experiments {
            let slides = e.slides.isEmpty ? "beyond" : e.slides.map(String.init).joined(separator: ",")
            table.append([slides, e.id, String(e.configurations(scale).count), e.title])
        }
        return Summary.align(table, leftAligned: true)
    }

    /// Per finding: its slide, experiment, verdict (with the measured ratio) and criterion.
    public static func verdicts(_ findings: [Finding]) -> String {
        var table: [[String]] = [["slide", "experiment", "verdict", "criterion"]]
        for f in findings {
            var value = f.verdict.status + (f.verdict.estimate.map { " (\(f.claim.criterion.shown($0)))" } ?? "")
            if let over = f.overCeiling { value += ", \(over.text()) × ceiling" }
            table.append([f.claim.slide, f.experiment.id, value, f.claim.criterion.text])
        }
        return Summary.align(table, leftAligned: true)
    }
}
