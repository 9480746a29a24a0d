import GilBenchSimulator

extension ComparedMetric {
    /// The thresholds `--threshold` gives, as fractions by metric: each item is `METRIC=PERCENT`
    /// (`wall_s=10%`, `threads/sequential=15`; the `%` may be left out). A later item for the same
    /// metric wins.
    /// - Throws: `GilBenchError` (`.usage`) naming the item that is not of that form, whose percentage
    ///   is not a number of 0 or more, or whose metric is unknown.
    public static func thresholds(parsing items: [String]) throws(GilBenchError) -> [ComparedMetric: Double] {
        var out: [ComparedMetric: Double] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw GilBenchError(.usage, "--threshold takes METRIC=PERCENT, such as wall_s=10%; not '\(item)'")
            }
            let text = parts[1].hasSuffix("%") ? String(parts[1].dropLast()) : parts[1]
            guard let value = Double(text), value.isFinite, value >= 0 else {
                throw GilBenchError(.usage, "--threshold \(parts[0]) needs a percentage of 0 or more, such as 10%; not '\(parts[1])'")
            }
            guard let metric = ComparedMetric(name: parts[0]) else {
                throw GilBenchError(.usage, "--threshold names unknown metric '\(parts[0])'")
            }
            out[metric] = value / 100
        }
        return out
    }
}
