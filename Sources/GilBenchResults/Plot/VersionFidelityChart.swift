import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The countdown's ratios against the interpreter's version, the real interpreters' and the
/// simulator twins' as two series: one panel per ratio (threads/sequential, 1 cpu/2 cpus,
/// processes/sequential), the versions on a categorical x axis in version order
/// (``InterpreterVersion``). A vertical bar through a simulated point spans the simulator's ratios
/// that its error's 95% interval allows (as in ``FidelityChart``).
///
/// Each point's `<circle>` carries `data-series` (`real` or `simulator`), `data-ratio`,
/// `data-version` (the engine name) and `data-y`; each version label's `<g>` carries `data-category` (the engine name).
public struct VersionFidelityChart: Sendable {
    public var entries: [Fidelity.Entry]
    public var subtitle: String?

    public init(entries: [Fidelity.Entry], subtitle: String? = nil) {
        self.entries = entries
        self.subtitle = subtitle
    }

    /// The two series' names.
    public static let realSeries = "real", simulatorSeries = "simulator"

    /// The countdown's entries, in the order of ``VersionFidelityChart/ratios(_:)``'s panels.
    static func countdown(_ entries: [Fidelity.Entry]) -> [Fidelity.Entry] {
        entries.filter { $0.workload == .countdown && panelIndex($0.ratio) != nil }
    }

    /// Where a countdown ratio goes: threads/sequential, then 1 cpu/N cpus, then processes/sequential;
    /// nil for the others.
    package static func panelIndex(_ kind: RatioKind) -> Int? {
        switch kind {
        case .overSequential(.threads): 0
        case .oneCPUOver: 1
        case .overSequential(.processes): 2
        default: nil
        }
    }

    /// The interpreters the entries hold, in version order.
    public var versions: [InterpreterVersion] {
        Set(VersionFidelityChart.countdown(entries).map { InterpreterVersion(engine: $0.engine.name) }).sorted()
    }

    /// The panels' ratios, in order, each with its entries in version order (the first entry of an
    /// interpreter when it has several of one ratio).
    public var panels: [(ratio: RatioKind, entries: [Fidelity.Entry])] {
        let countdown = VersionFidelityChart.countdown(entries)
        let kinds = countdown.map(\.ratio).uniqued().sorted { VersionFidelityChart.panelIndex($0)! < VersionFidelityChart.panelIndex($1)! }
        return kinds.map { kind in
            let mine = countdown.filter { $0.ratio == kind }
            let byVersion = versions.compactMap { v in mine.first { $0.engine.name == v.engine } }
            return (kind, byVersion)
        }
    }

    public func render() -> SVGDocument {
        let versions = self.versions, panels = self.panels
        let panelHeight = 190.0, gap = 78.0, top = 96.0
        let width = max(720, 140 + Double(versions.count) * 64)
        let height = top + Double(max(panels.count, 1)) * (panelHeight + gap) + 20
        var svg = SVGDocument(width: width, height: height)
        let heading = ChartFrame(width: width, height: height)
        heading.drawTitle(&svg, "The countdown's ratios against the interpreter's version", subtitle: subtitle)
        let series = [(VersionFidelityChart.realSeries, PlotPalette.color(0)), (VersionFidelityChart.simulatorSeries, PlotPalette.color(1))]
        heading.drawLegendRow(&svg, series.map { ($0 == VersionFidelityChart.realSeries ? "real interpreter" : "simulator (its version's design)", $1) }, y: 70)
        for (p, panel) in panels.enumerated() {
            var frame = ChartFrame(width: width, height: 0)
            frame.top = top + Double(p) * (panelHeight + gap) + 18
            frame.height = frame.top + panelHeight
            frame.bottom = 0
            svg.text(panel.ratio.name + " (wall, paired)", x: frame.plotLeft, y: frame.plotTop - 8, size: 14, weight: "bold")
            // The versions as categories, evenly spaced.
            let step = (frame.plotRight - frame.plotLeft) / Double(max(versions.count, 1))
            func x(_ engine: String) -> Double {
                frame.plotLeft + step * (Double(versions.firstIndex { $0.engine == engine } ?? 0) + 0.5)
            }
            let values = panel.entries.flatMap { e in [e.real, e.simulated] + (FidelityChart.bar(e).map { [$0.low, $0.high] } ?? []) }
            let y = PlotScale(covering: values, from: frame.plotBottom, to: frame.plotTop)
            frame.drawYAxis(&svg, y, title: "ratio")
            for v in versions {
                svg.line(x1: x(v.engine), y1: frame.plotTop, x2: x(v.engine), y2: frame.plotBottom, stroke: PlotPalette.grid)
                svg.beginGroup([("data-category", v.engine)])
                svg.text(v.label, x: x(v.engine), y: frame.plotBottom + 20, size: 13, anchor: .middle)
                svg.endGroup()
            }
            svg.line(x1: frame.plotLeft, y1: frame.plotBottom, x2: frame.plotRight, y2: frame.plotBottom, stroke: PlotPalette.axis, width: 1.5)
            svg.text("interpreter version", x: (frame.plotLeft + frame.plotRight) / 2, y: frame.plotBottom + 42, size: 13, anchor: .middle)
            for (name, color) in series {
                let real = name == VersionFidelityChart.realSeries
                let points = panel.entries.map { (x($0.engine.name), y.position(real ? $0.real : $0.simulated)) }
                if points.count > 1 { svg.polyline(points, stroke: color, width: 2.5) }
                for (e, (cx, cy)) in zip(panel.entries, points) {
                    if !real, let bar = FidelityChart.bar(e) {
                        svg.line(
                            x1: cx, y1: y.position(bar.low), x2: cx, y2: y.position(bar.high), stroke: color, width: 1.5,
                            data: [("series", name), ("interval", e.engine.name)])
                    }
                    let value = real ? e.real : e.simulated
                    svg.circle(
                        cx: cx, cy: cy, r: 4.5, fill: color, stroke: "#fff",
                        data: [("series", name), ("ratio", panel.ratio.name), ("version", e.engine.name), ("y", CSVRecord.format(value))],
                        title: "\(e.engine.name) \(panel.ratio.name): \(name) \(String(format: "%.3f", value))"
                            + (real ? "" : " (\(e.design.rawValue)), error \(e.errorEstimate.text(Fidelity.percent)): \(e.verdict.rawValue)"))
                }
            }
        }
        return svg
    }
}
