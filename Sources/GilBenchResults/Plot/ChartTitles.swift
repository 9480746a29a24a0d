/// The words around a bar, line or histogram chart: a title, an optional subtitle under it, and the
/// titles of its two axes, with units ("wall time (s)").
public struct ChartTitles: Sendable {
    public var title: String
    public var subtitle: String?
    /// The horizontal axis: the categories, the buckets or the x values.
    public var x: String
    /// The vertical axis: the values, the counts or the y values.
    public var y: String

    public init(_ title: String, subtitle: String? = nil, x: String, y: String) {
        self.title = title
        self.subtitle = subtitle
        self.x = x
        self.y = y
    }
}
