import GilBenchSimulator
import GilBenchSystem
import Foundation

/// Maps data values to pixel positions along one axis, linearly or on a log10 scale, and picks
/// round tick values for it.
public struct PlotScale: Sendable {
    /// Lowest and highest data values shown.
    public private(set) var lower: Double
    public private(set) var upper: Double
    /// Pixel positions of `lower` and `upper` (the y axis runs from bottom to top, so `from > to`).
    public var from: Double
    public var to: Double
    public let logarithmic: Bool

    /// A scale covering `values` (plus 0 for a linear scale that `includesZero`), widened to round ticks.
    public init(covering values: [Double], from: Double, to: Double, logarithmic: Bool = false, includesZero: Bool = true) {
        self.from = from
        self.to = to
        self.logarithmic = logarithmic
        let finite = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        if logarithmic {
            let lo = finite.min() ?? 1, hi = finite.max() ?? 10
            lower = pow(10, floor(log10(lo)))
            upper = pow(10, ceil(log10(hi)))
            if upper <= lower { upper = lower * 10 }
        } else {
            var lo = finite.min() ?? 0, hi = finite.max() ?? 1
            if includesZero { lo = min(lo, 0); hi = max(hi, 0) }
            if hi <= lo { hi = lo + 1 }
            let step = PlotScale.niceStep((hi - lo) / 5)
            lower = floor(lo / step) * step
            upper = ceil(hi / step) * step
            if upper <= lower { upper = lower + step }
        }
    }

    /// The pixel position of `value` (values outside the scale are clamped to its ends).
    public func position(_ value: Double) -> Double {
        let fraction: Double
        if logarithmic {
            let v = max(value, lower)
            fraction = (log10(v) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            fraction = (value - lower) / (upper - lower)
        }
        return from + (to - from) * min(max(fraction, 0), 1)
    }

    /// Round values to draw ticks and grid lines at.
    public var ticks: [Double] {
        if logarithmic {
            let decades = Int((log10(upper) - log10(lower)).rounded())
            let stride = max(1, decades / 8)
            return Swift.stride(from: 0, through: decades, by: stride).map { lower * pow(10, Double($0)) }
        }
        let step = PlotScale.niceStep((upper - lower) / 5)
        var out: [Double] = []
        var v = lower
        while v <= upper + step * 1e-9 {
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return out
    }

    /// A tick label: compact, with k/M/G for large values.
    public static func label(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e9 { return trim(v / 1e9) + "G" }
        if a >= 1e6 { return trim(v / 1e6) + "M" }
        if a >= 1e4 { return trim(v / 1e3) + "k" }
        return trim(v)
    }

    private static func trim(_ v: Double) -> String {
        if v == v.rounded() { return String(Int(v)) }
        var s = String(format: abs(v) < 0.01 ? "%.4f" : "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// 1, 2 or 5 times a power of ten, the nearest at or above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw { return m * magnitude }
        return 10 * magnitude
    }
}

/// The frame every chart shares: a title, a plot area with margins, axes with ticks, grid lines and
/// axis titles (with units).
struct ChartFrame {
    var width: Double
    var height: Double
    var left = 90.0
    var right = 30.0
    var top = 60.0
    var bottom = 80.0

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    /// Draws the title (and optional subtitle) of `titles` at the top.
    func drawTitles(_ svg: inout SVGDocument, _ titles: ChartTitles) {
        drawTitle(&svg, titles.title, subtitle: titles.subtitle)
    }

    /// Draws the title (and optional subtitle) at the top.
    func drawTitle(_ svg: inout SVGDocument, _ title: String, subtitle: String?) {
        svg.text(title, x: width / 2, y: 26, size: 18, anchor: .middle, weight: "bold")
        if let subtitle { svg.text(subtitle, x: width / 2, y: 46, size: 13, anchor: .middle, fill: "#555") }
    }

    /// Draws a vertical value axis on the left with grid lines across the plot area.
    func drawYAxis(_ svg: inout SVGDocument, _ scale: PlotScale, title: String) {
        for t in scale.ticks {
            let y = scale.position(t)
            svg.line(x1: plotLeft, y1: y, x2: plotRight, y2: y, stroke: PlotPalette.grid)
            svg.text(PlotScale.label(t), x: plotLeft - 8, y: y + 5, size: 13, anchor: .end)
        }
        svg.line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, stroke: PlotPalette.axis, width: 1.5)
        let mid = (plotTop + plotBottom) / 2
        svg.text(title, x: 22, y: mid, size: 14, anchor: .middle, rotate: -90)
    }

    /// Draws a horizontal value axis at the bottom with vertical grid lines.
    func drawXAxis(_ svg: inout SVGDocument, _ scale: PlotScale, title: String) {
        for t in scale.ticks {
            let x = scale.position(t)
            svg.line(x1: x, y1: plotTop, x2: x, y2: plotBottom, stroke: PlotPalette.grid)
            svg.text(PlotScale.label(t), x: x, y: plotBottom + 20, size: 13, anchor: .middle)
        }
        svg.line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: PlotPalette.axis, width: 1.5)
        svg.text(title, x: (plotLeft + plotRight) / 2, y: height - 18, size: 14, anchor: .middle)
    }

    /// Draws a legend of coloured squares in one row at height `y`, centred.
    func drawLegendRow(_ svg: inout SVGDocument, _ entries: [(String, String)], y: Double) {
        let widths = entries.map { Double($0.0.count) * 7.5 + 40 }
        var x = (width - widths.reduce(0, +)) / 2
        for ((name, color), w) in zip(entries, widths) {
            svg.rect(x: x, y: y - 11, width: 12, height: 12, fill: color)
            svg.text(name, x: x + 18, y: y, size: 13)
            x += w
        }
    }
}
