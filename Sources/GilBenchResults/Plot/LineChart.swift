import GilBenchSimulator
import GilBenchSystem
import Foundation

/// Lines through points, one per series, on linear or log10 axes, with optional horizontal reference
/// lines (such as "1.0: no speedup" and "2.0: perfect on two cores").
///
/// Each point's `<circle>` carries `data-series`, `data-x` and `data-y`; each point may also carry a
/// min-max whisker (`data-min`, `data-max`).
public struct LineChart: Sendable {
    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        public var min: Double?
        public var max: Double?

        public init(x: Double, y: Double, min: Double? = nil, max: Double? = nil) {
            self.x = x
            self.y = y
            self.min = min
            self.max = max
        }
    }

    public struct Series: Sendable {
        public var name: String
        public var points: [Point]

        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points.sorted { $0.x < $1.x }
        }
    }

    /// The title, the subtitle and the titles of the x and y axes.
    public var titles: ChartTitles
    public var series: [Series]
    public var logarithmicX = false
    public var logarithmicY = false
    /// Horizontal lines (value, label), drawn dashed.
    public var references: [(Double, String)] = []

    public init(title: String, subtitle: String? = nil, xTitle: String, yTitle: String, series: [Series]) {
        titles = ChartTitles(title, subtitle: subtitle, x: xTitle, y: yTitle)
        self.series = series
    }

    public func render() -> SVGDocument {
        var frame = ChartFrame(width: 720, height: 460)
        if series.count > 1 { frame.top = 84; frame.height += 24 }
        var svg = SVGDocument(width: frame.width, height: frame.height)
        frame.drawTitles(&svg, titles)
        // A log x axis cannot show 0: such points are drawn at the axis' left end and labelled.
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.flatMap { [$0.y, $0.min ?? $0.y, $0.max ?? $0.y] } } + references.map(\.0)
        // A log axis has no 0: when a series has x = 0 (n = 0), it gets its own tick left of the first
        // decade, after a break in the axis.
        let zeroSlot = logarithmicX && xs.contains(0)
        let xScale = PlotScale(
            covering: xs, from: frame.plotLeft + (zeroSlot ? 70 : 10), to: frame.plotRight - 10, logarithmic: logarithmicX, includesZero: false)
        let zeroX = frame.plotLeft + 25
        func xPosition(_ x: Double) -> Double { zeroSlot && x == 0 ? zeroX : xScale.position(x) }
        let yScale = PlotScale(covering: ys, from: frame.plotBottom, to: frame.plotTop + 10, logarithmic: logarithmicY)
        frame.drawYAxis(&svg, yScale, title: titles.y + (logarithmicY ? ", log scale" : ""))
        frame.drawXAxis(&svg, xScale, title: titles.x + (logarithmicX ? ", log scale" : ""))
        if zeroSlot {
            svg.line(x1: zeroX, y1: frame.plotTop, x2: zeroX, y2: frame.plotBottom, stroke: PlotPalette.grid)
            svg.text("0", x: zeroX, y: frame.plotBottom + 20, size: 13, anchor: .middle)
            let breakX = (zeroX + xScale.from) / 2
            svg.line(x1: breakX - 6, y1: frame.plotBottom + 6, x2: breakX, y2: frame.plotBottom - 6, stroke: PlotPalette.axis, width: 1.5)
            svg.line(x1: breakX, y1: frame.plotBottom + 6, x2: breakX + 6, y2: frame.plotBottom - 6, stroke: PlotPalette.axis, width: 1.5)
        }
        for (value, label) in references {
            let y = yScale.position(value)
            svg.line(x1: frame.plotLeft, y1: y, x2: frame.plotRight, y2: y, stroke: PlotPalette.reference, width: 1.5, dash: "6 4", data: [("reference", CSVRecord.format(value))])
            svg.text(label, x: frame.plotLeft + 6, y: y - 5, size: 12, fill: "#555")
        }
        for (si, s) in series.enumerated() {
            let color = PlotPalette.color(si)
            let points = s.points.map { (xPosition($0.x), yScale.position($0.y)) }
            if points.count > 1 { svg.polyline(points, stroke: color, width: 2.5) }
            for (p, (cx, cy)) in zip(s.points, points) {
                if let lo = p.min, let hi = p.max {
                    svg.line(x1: cx, y1: yScale.position(lo), x2: cx, y2: yScale.position(hi), stroke: color, width: 1.5)
                }
                var data: [(String, String)] = [("series", s.name), ("x", CSVRecord.format(p.x)), ("y", CSVRecord.format(p.y))]
                if let lo = p.min, let hi = p.max { data += [("min", CSVRecord.format(lo)), ("max", CSVRecord.format(hi))] }
                svg.circle(cx: cx, cy: cy, r: 4.5, fill: color, stroke: "#fff", data: data, title: "\(s.name): \(PlotScale.label(p.x)) → \(PlotScale.label(p.y))")
            }
        }
        if series.count > 1 { frame.drawLegendRow(&svg, series.enumerated().map { ($1.name, PlotPalette.color($0)) }, y: 70) }
        return svg
    }
}
