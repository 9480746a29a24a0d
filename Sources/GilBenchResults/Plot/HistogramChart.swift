import GilBenchSimulator
import GilBenchSystem
/// A histogram: how many observations fell in each bucket, drawn as adjacent bars over bucket labels.
/// Counts are usually long-tailed, so the count axis is log10 by default.
///
/// Each bar's `<rect>` carries `data-category` (the bucket's label) and `data-value` (its count).
public struct HistogramChart: Sendable {
    /// One bucket: a label ("0", "1", "2-3", "4-7", ...) and its count, as
    /// `FailedWakeupHistogram.buckets` gives them.
    public typealias Bucket = (label: String, count: Int)

    /// The title, the subtitle, the bucket axis' title (x) and the count axis' title (y).
    public var titles: ChartTitles
    public var buckets: [Bucket]
    public var logarithmic = true

    public init(title: String, subtitle: String? = nil, bucketTitle: String, countTitle: String, buckets: [Bucket]) {
        titles = ChartTitles(title, subtitle: subtitle, x: bucketTitle, y: countTitle)
        self.buckets = buckets
    }

    public func render() -> SVGDocument {
        var chart = BarChart(titles, bars: buckets.map { BarChart.Bar(category: $0.label, value: Double($0.count)) })
        // A bucket with no observations cannot sit on a log axis; it is drawn empty at the floor.
        chart.logarithmic = logarithmic && buckets.contains { $0.count > 0 }
        chart.format = { String(Int($0)) }
        return chart.render()
    }
}
