import GilBenchSimulator
import GilBenchSystem
import Foundation

/// Vertical bars, grouped by category and coloured by series, each with an optional min-max whisker;
/// linear or log10 value axis; optional horizontal reference lines.
///
/// Each bar's `<rect>` carries `data-category`, `data-series`, `data-value` and, with a whisker,
/// `data-min` and `data-max`: the numbers it was drawn from.
public struct BarChart: Sendable {
    /// One bar: a value (a median, a count) and the spread of the repetitions behind it.
    public struct Bar: Sendable {
        public var category: String
        public var series: String
        public var value: Double
        public var min: Double?
        public var max: Double?

        public init(category: String, series: String = "", value: Double, min: Double? = nil, max: Double? = nil) {
            self.category = category
            self.series = series
            self.value = value
            self.min = min
            self.max = max
        }
    }

    /// The title, the subtitle, the category axis' title (x) and the value axis' title with its unit (y).
    public var titles: ChartTitles
    public var bars: [Bar]
    public var logarithmic = false
    /// Horizontal lines across the plot (value, label).
    public var references: [(Double, String)] = []
    /// How a bar's value is printed above it.
    public var format: @Sendable (Double) -> String = { PlotScale.label($0) }

    public init(_ titles: ChartTitles, bars: [Bar]) {
        self.titles = titles
        self.bars = bars
    }

    public init(title: String, subtitle: String? = nil, valueTitle: String, categoryTitle: String, bars: [Bar]) {
        self.init(ChartTitles(title, subtitle: subtitle, x: categoryTitle, y: valueTitle), bars: bars)
    }

    /// Categories and series in first-seen order.
    var categories: [String] { bars.map(\.category).uniqued() }
    var seriesNames: [String] { bars.map(\.series).uniqued() }

    public func render() -> SVGDocument {
        let categories = self.categories, series = seriesNames
        // Wide enough for the bars and for the title (18 px bold: about 11 px a character).
        let width = max(560, 130 + Double(categories.count) * max(110, Double(series.count) * 44), Double(titles.title.count) * 11 + 40)
        var frame = ChartFrame(width: width, height: 440)
        let longestLines = categories.map { BarChart.wrap($0).count }.max() ?? 1
        frame.bottom = 50 + Double(longestLines) * 17
        if series.count > 1 { frame.top = 84 }
        frame.height = 360 + frame.bottom + (frame.top - 60)
        var svg = SVGDocument(width: frame.width, height: frame.height)
        frame.drawTitles(&svg, titles)
        let values = bars.flatMap { [$0.value, $0.min ?? $0.value, $0.max ?? $0.value] } + references.map(\.0)
        let scale = PlotScale(covering: values, from: frame.plotBottom, to: frame.plotTop + 10, logarithmic: logarithmic)
        frame.drawYAxis(&svg, scale, title: titles.y + (logarithmic ? ", log scale" : ""))

        let groupWidth = (frame.plotRight - frame.plotLeft) / Double(max(categories.count, 1))
        let barWidth = min(70, groupWidth * 0.8 / Double(max(series.count, 1)))
        let base = scale.position(logarithmic ? scale.lower : max(scale.lower, 0))
        for (ci, category) in categories.enumerated() {
            let groupLeft = frame.plotLeft + groupWidth * Double(ci) + (groupWidth - barWidth * Double(series.count)) / 2
            for (si, name) in series.enumerated() {
                guard let bar = bars.first(where: { $0.category == category && $0.series == name }) else { continue }
                let x = groupLeft + barWidth * Double(si)
                let top = scale.position(bar.value)
                var data: [(String, String)] = [("category", category), ("series", name), ("value", CSVRecord.format(bar.value))]
                if let lo = bar.min, let hi = bar.max {
                    data += [("min", CSVRecord.format(lo)), ("max", CSVRecord.format(hi))]
                }
                let color = PlotPalette.color(si)
                svg.rect(
                    x: x + 3, y: min(top, base), width: barWidth - 6, height: abs(base - top), fill: color, data: data,
                    title: "\(category) \(name): \(format(bar.value))")
                if let lo = bar.min, let hi = bar.max {
                    let cx = x + barWidth / 2
                    let y1 = scale.position(lo), y2 = scale.position(hi)
                    svg.line(x1: cx, y1: y1, x2: cx, y2: y2, stroke: "#000", width: 1.5)
                    svg.line(x1: cx - 8, y1: y1, x2: cx + 8, y2: y1, stroke: "#000", width: 1.5)
                    svg.line(x1: cx - 8, y1: y2, x2: cx + 8, y2: y2, stroke: "#000", width: 1.5)
                }
                let labelY = min(top, bar.max.map(scale.position) ?? top) - 6
                svg.text(format(bar.value), x: x + barWidth / 2, y: labelY, size: 12, anchor: .middle)
            }
            let lines = BarChart.wrap(category)
            svg.text(lines.joined(separator: "\n"), x: frame.plotLeft + groupWidth * (Double(ci) + 0.5), y: frame.plotBottom + 20, size: 13, anchor: .middle)
        }
        svg.line(x1: frame.plotLeft, y1: base, x2: frame.plotRight, y2: base, stroke: PlotPalette.axis, width: 1.5)
        for (value, label) in references {
            let y = scale.position(value)
            svg.line(x1: frame.plotLeft, y1: y, x2: frame.plotRight, y2: y, stroke: PlotPalette.reference, width: 1.5, dash: "6 4", data: [("reference", CSVRecord.format(value))])
            svg.text(label, x: frame.plotRight - 4, y: y - 5, size: 12, anchor: .end, fill: "#555")
        }
        svg.text(titles.x, x: (frame.plotLeft + frame.plotRight) / 2, y: frame.height - 12, size: 14, anchor: .middle)
        if series.count > 1 { frame.drawLegendRow(&svg, series.enumerated().map { ($1, PlotPalette.color($0)) }, y: 70) }
        return svg
    }

    /// Splits a label into lines of at most about 16 characters, at spaces.
    static func wrap(_ label: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in label.split(separator: " ") {
            if !current.isEmpty && current.count + word.count + 1 > 16 {
                lines.append(current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [""] : lines
    }
}

extension Array where Element: Hashable {
    /// The elements in order, without repeats.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
