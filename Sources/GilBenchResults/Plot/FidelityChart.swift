import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The simulator against the real interpreters, ratio by ratio: one point per `Fidelity` entry at
/// (real, simulated), one colour per interpreter, on log axes, around the y = x line and its ±10%
/// band (dashed: y = 1.1x and y = 0.9x). A point inside the band is a ratio the simulator gets within
/// 10%.
///
/// A vertical bar through a point spans the simulator's ratios that the error's 95% interval
/// allows, real × (1 + low) to real × (1 + high) (``Fidelity/Entry/errorInterval``): a bar wholly
/// inside the band is an error within 10%, wholly outside it one beyond, across one of its lines an
/// inconclusive one. An error without an interval has no bar.
///
/// Each point's `<circle>` carries `data-series` (the engine), `data-ratio`, `data-x` (real),
/// `data-y` (simulated), `data-error` and `data-verdict`, and with an interval `data-error-low` and
/// `data-error-high`; each bar's `<line>` carries `data-interval` (the ratio's label) and the
/// engine in `data-series`.
public struct FidelityChart: Sendable {
    public var entries: [Fidelity.Entry]
    public var subtitle: String?

    public init(entries: [Fidelity.Entry], subtitle: String? = nil) {
        self.entries = entries
        self.subtitle = subtitle
    }

    /// The half-width of the band drawn around y = x.
    public static let band = 0.10

    public func render() -> SVGDocument {
        let engines = entries.map(\.engine.name).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var frame = ChartFrame(width: 720, height: 560)
        if engines.count > 1 { frame.top = 84; frame.height += 24 }
        var svg = SVGDocument(width: frame.width, height: frame.height)
        frame.drawTitles(&svg, ChartTitles(
            "The simulator against the real interpreters", subtitle: subtitle,
            x: "real interpreter's ratio (wall, paired)", y: "simulator's ratio (wall, paired)"))
        let values = entries.flatMap { e in [e.real, e.simulated] + (FidelityChart.bar(e).map { [$0.low, $0.high] } ?? []) }.filter { $0 > 0 }
        let x = PlotScale(covering: values, from: frame.plotLeft + 10, to: frame.plotRight - 10, logarithmic: true, includesZero: false)
        let y = PlotScale(covering: values, from: frame.plotBottom, to: frame.plotTop + 10, logarithmic: true, includesZero: false)
        frame.drawYAxis(&svg, y, title: "simulator's ratio, log scale")
        frame.drawXAxis(&svg, x, title: "real interpreter's ratio, log scale")
        // y = x and the band, as lines across the common range of both axes.
        let lower = max(x.lower, y.lower), upper = min(x.upper, y.upper)
        for (factor, dash, label) in [(1.0, nil as String?, "y = x"), (1 + FidelityChart.band, "6 4", "+10%"), (1 - FidelityChart.band, "6 4", "−10%")] {
            let from = max(lower, lower / factor), to = min(upper, upper / factor)
            guard to > from else { continue }
            svg.line(
                x1: x.position(from), y1: y.position(from * factor), x2: x.position(to), y2: y.position(to * factor),
                stroke: PlotPalette.reference, width: factor == 1 ? 2 : 1.5, dash: dash, data: [("reference", label)])
            svg.text(label, x: x.position(to) - 4, y: y.position(to * factor) - 6, size: 12, anchor: .end, fill: "#555")
        }
        for e in entries where e.real > 0 && e.simulated > 0 {
            let color = PlotPalette.color(engines.firstIndex(of: e.engine.name) ?? 0)
            if let bar = FidelityChart.bar(e), bar.low > 0 {
                svg.line(
                    x1: x.position(e.real), y1: y.position(bar.low), x2: x.position(e.real), y2: y.position(bar.high),
                    stroke: color, width: 2, data: [("series", e.engine.name), ("interval", e.label)])
            }
            var data = [("series", e.engine.name), ("ratio", e.label), ("x", CSVRecord.format(e.real)), ("y", CSVRecord.format(e.simulated)),
                        ("error", CSVRecord.format(e.error)), ("verdict", e.verdict.rawValue)]
            if let interval = e.errorInterval {
                data += [("error-low", CSVRecord.format(interval.low)), ("error-high", CSVRecord.format(interval.high))]
            }
            svg.circle(
                cx: x.position(e.real), cy: y.position(e.simulated), r: 5, fill: color, stroke: "#fff", data: data,
                title: "\(e.engine.name) \(e.label): real \(String(format: "%.3f", e.real)), simulator \(String(format: "%.3f", e.simulated)) "
                    + "(\(e.design.rawValue)), error \(e.errorEstimate.text(Fidelity.percent)): \(e.verdict.rawValue)")
        }
        if engines.count > 1 { frame.drawLegendRow(&svg, engines.enumerated().map { ($1, PlotPalette.color($0)) }, y: 70) }
        return svg
    }

    /// The simulator's ratios at the ends of `entry`'s error interval: real × (1 + low) and
    /// real × (1 + high); nil without an interval.
    static func bar(_ entry: Fidelity.Entry) -> Interval? {
        entry.errorInterval.map { Interval(low: entry.real * (1 + $0.low), high: entry.real * (1 + $0.high)) }
    }
}
