import GilBenchSimulator
import GilBenchSystem
/// A histogram: how many observations fell in each bucket, drawn as adjacent bars over bucket labels.
/// Counts are usually long-tailed, so the count axis is log10 by default.
///
/// Each bar's `<rect>` carries `data-category` (the bucket's label) and `data-value` (its count).
public struct HistogramChart: Sendable {
    /// One bucket: a label ("0", "1", "2-3", "4-7", ...) and its count.
    public struct Bucket: Sendable, Equatable {
        public var label: String
        public var count: Int

        public init(label: String, count: Int) {
            self.label = label
            self.count = count
        }
    }

    public var title: String
    public var subtitle: String?
    public var bucketTitle: String
    public var countTitle: String
    public var buckets: [Bucket]
    public var logarithmic = true

    public init(title: String, subtitle: String? = nil, bucketTitle: String, countTitle: String, buckets: [Bucket]) {
        self.title = title
        self.subtitle = subtitle
        self.bucketTitle = bucketTitle
        self.countTitle = countTitle
        self.buckets = buckets
    }

    public func render() -> SVGDocument {
        var chart = BarChart(
            title: title, subtitle: subtitle, valueTitle: countTitle, categoryTitle: bucketTitle,
            bars: buckets.map { BarChart.Bar(category: $0.label, value: Double($0.count)) })
        // A bucket with no observations cannot sit on a log axis; it is drawn empty at the floor.
        chart.logarithmic = logarithmic && buckets.contains { $0.count > 0 }
        chart.format = { String(Int($0)) }
        return chart.render()
    }
}
