import GilBenchSimulator
import GilBenchSystem
import Foundation

/// A minimal SVG writer: shapes and text appended in drawing order, rendered as one standalone
/// document. No plotting program is involved; every plot gilbench draws goes through this type.
///
/// Data-carrying shapes (bars, points) take extra `data-*` attributes so that a reader, or a test,
/// can recover the numbers a plot was drawn from without measuring pixels.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var elements: [String] = []

    /// The smallest font size any text in a gilbench plot uses, in pixels.
    public static let minimumFontSize = 12.0

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A rectangle.
    public mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
        opacity: Double? = nil, data: [(String, String)] = [], title: String? = nil
    ) {
        var a: [(String, String)] = [
            ("x", SVGDocument.number(x)), ("y", SVGDocument.number(y)),
            ("width", SVGDocument.number(max(0, width))), ("height", SVGDocument.number(max(0, height))), ("fill", fill),
        ]
        if let stroke { a.append(("stroke", stroke)) }
        if let opacity { a.append(("fill-opacity", SVGDocument.number(opacity))) }
        append("rect", a + data.map { ("data-" + $0.0, $0.1) }, title: title)
    }

    /// A straight line.
    public mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil,
        data: [(String, String)] = []
    ) {
        var a: [(String, String)] = [
            ("x1", SVGDocument.number(x1)), ("y1", SVGDocument.number(y1)),
            ("x2", SVGDocument.number(x2)), ("y2", SVGDocument.number(y2)),
            ("stroke", stroke), ("stroke-width", SVGDocument.number(width)),
        ]
        if let dash { a.append(("stroke-dasharray", dash)) }
        append("line", a + data.map { ("data-" + $0.0, $0.1) })
    }

    /// A connected line through `points`.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2) {
        let list = points.map { "\(SVGDocument.number($0.0)),\(SVGDocument.number($0.1))" }.joined(separator: " ")
        append("polyline", [("points", list), ("fill", "none"), ("stroke", stroke), ("stroke-width", SVGDocument.number(width))])
    }

    /// A circle, typically a data point.
    public mutating func circle(
        cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, data: [(String, String)] = [], title: String? = nil
    ) {
        var a: [(String, String)] = [("cx", SVGDocument.number(cx)), ("cy", SVGDocument.number(cy)), ("r", SVGDocument.number(r)), ("fill", fill)]
        if let stroke { a.append(("stroke", stroke)) }
        append("circle", a + data.map { ("data-" + $0.0, $0.1) }, title: title)
    }

    /// How text is anchored at its x position.
    public enum Anchor: String, Sendable { case start, middle, end }

    /// A text label; `size` is clamped to at least ``minimumFontSize``. Lines split on "\n".
    public mutating func text(
        _ string: String, x: Double, y: Double, size: Double = 14, anchor: Anchor = .start, weight: String? = nil,
        rotate: Double? = nil, fill: String = "#222"
    ) {
        let size = max(size, SVGDocument.minimumFontSize)
        var a: [(String, String)] = [
            ("x", SVGDocument.number(x)), ("y", SVGDocument.number(y)), ("font-size", SVGDocument.number(size)),
            ("text-anchor", anchor.rawValue), ("fill", fill),
        ]
        if let weight { a.append(("font-weight", weight)) }
        if let rotate { a.append(("transform", "rotate(\(SVGDocument.number(rotate)) \(SVGDocument.number(x)) \(SVGDocument.number(y)))")) }
        let lines = string.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let attributes = a.map { " \($0.0)=\"\(SVGDocument.escape($0.1))\"" }.joined()
        if lines.count == 1 {
            elements.append("<text\(attributes)>\(SVGDocument.escape(string))</text>")
        } else {
            let spans = lines.enumerated().map { i, line in
                "<tspan x=\"\(SVGDocument.number(x))\" dy=\"\(i == 0 ? "0" : SVGDocument.number(size * 1.15))\">\(SVGDocument.escape(line))</tspan>"
            }.joined()
            elements.append("<text\(attributes)>\(spans)</text>")
        }
    }

    /// Opens a group (`<g>`) with attributes; close it with ``endGroup()``.
    public mutating func beginGroup(_ attributes: [(String, String)] = []) {
        elements.append("<g" + attributes.map { " \($0.0)=\"\(SVGDocument.escape($0.1))\"" }.joined() + ">")
    }

    public mutating func endGroup() { elements.append("</g>") }

    private mutating func append(_ name: String, _ attributes: [(String, String)], title: String? = nil) {
        let a = attributes.map { " \($0.0)=\"\(SVGDocument.escape($0.1))\"" }.joined()
        if let title {
            elements.append("<\(name)\(a)><title>\(SVGDocument.escape(title))</title></\(name)>")
        } else {
            elements.append("<\(name)\(a)/>")
        }
    }

    /// The document as standalone SVG 1.1 text.
    public func render() -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(SVGDocument.number(width))" \
            height="\(SVGDocument.number(height))" viewBox="0 0 \(SVGDocument.number(width)) \(SVGDocument.number(height))" \
            font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect x="0" y="0" width="\(SVGDocument.number(width))" height="\(SVGDocument.number(height))" fill="#ffffff"/>

            """
        for e in elements { out += e + "\n" }
        out += "</svg>\n"
        return out
    }

    /// Escapes text for XML content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let rounded = (v * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.2f", rounded)
    }
}

/// The colours of gilbench's plots: Okabe and Ito's palette, distinguishable with colour blindness.
public enum PlotPalette {
    public static let series = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    public static func color(_ index: Int) -> String { series[index % series.count] }
    public static let axis = "#333333"
    public static let grid = "#dddddd"
    public static let reference = "#888888"
    public static let failure = "#D55E00"
}
