import GilBenchSimulator
import GilBenchSystem
import Foundation

/// A GIL timeline: one lane per thread, a solid bar while the thread holds the GIL, a thin bar while
/// it waits for it, and a red mark at each failed wake-up (woken, found the GIL taken, slept again).
///
/// Bars carry `data-thread`, `data-kind` (`hold` or `wait`), `data-start-us` and `data-end-us`; marks
/// carry `data-thread`, `data-kind="failed-wakeup"` and `data-t-us`, all relative to the window start.
public struct TimelineChart: Sendable {
    /// A span of time a thread spent holding or waiting for the GIL.
    public struct Span: Sendable, Equatable {
        public enum Kind: String, Sendable { case hold, wait }
        public var thread: Int
        public var kind: Kind
        public var start: UInt64
        public var end: UInt64
    }

    public var title: String
    public var subtitle: String?
    public var spans: [Span]
    /// (thread, time) of each failed wake-up.
    public var failedWakeups: [(Int, UInt64)]
    public var windowStart: UInt64
    public var windowEnd: UInt64

    /// Builds the spans of `events` that overlap [start, end].
    public init(title: String, subtitle: String? = nil, events: [GILEventRecorder.Event], window: ClosedRange<UInt64>) {
        self.title = title
        self.subtitle = subtitle
        windowStart = window.lowerBound
        windowEnd = window.upperBound
        var spans: [Span] = []
        var holding: [Int: UInt64] = [:]
        var waiting: [Int: UInt64] = [:]
        var failed: [(Int, UInt64)] = []
        for e in events {
            switch e.kind {
            case .waiting: waiting[e.thread] = e.nanoseconds
            case .acquired:
                if let w = waiting.removeValue(forKey: e.thread) { spans.append(Span(thread: e.thread, kind: .wait, start: w, end: e.nanoseconds)) }
                holding[e.thread] = e.nanoseconds
            case .released:
                if let h = holding.removeValue(forKey: e.thread) { spans.append(Span(thread: e.thread, kind: .hold, start: h, end: e.nanoseconds)) }
            case .failedWakeup:
                failed.append((e.thread, e.nanoseconds))
            }
        }
        self.spans = spans.filter { $0.end >= window.lowerBound && $0.start <= window.upperBound }
            .map { Span(thread: $0.thread, kind: $0.kind, start: max($0.start, window.lowerBound), end: min($0.end, window.upperBound)) }
        failedWakeups = failed.filter { window.contains($0.1) }
    }

    /// A window that shows a hand-off: around the hand-off nearest the middle of the run, from
    /// `before` typical hold times (the median acquire-to-release span) before it to `after` after it.
    /// The whole run when there was no hand-off.
    public static func window(_ events: [GILEventRecorder.Event], before: Double = 10, after: Double = 30) -> ClosedRange<UInt64> {
        guard let first = events.first?.nanoseconds, let last = events.last?.nanoseconds else { return 0...0 }
        var holds: [Double] = []
        var since: [Int: UInt64] = [:]
        var previous: Int?
        var handoffs: [UInt64] = []
        for e in events {
            switch e.kind {
            case .acquired:
                since[e.thread] = e.nanoseconds
                if let p = previous, p != e.thread { handoffs.append(e.nanoseconds) }
                previous = e.thread
            case .released:
                if let t = since.removeValue(forKey: e.thread) { holds.append(Double(e.nanoseconds - t)) }
            default: break
            }
        }
        let middle = (first + last) / 2
        guard let pick = handoffs.min(by: { absDiff($0, middle) < absDiff($1, middle) }), let hold = Statistics.median(holds) else {
            return first...max(last, first + 1)
        }
        let typical = max(hold, 100)
        let start = max(first, pick > UInt64(before * typical) ? pick - UInt64(before * typical) : 0)
        let end = min(last, pick + UInt64(after * typical))
        return start...max(end, start + 1)
    }

    private static func absDiff(_ a: UInt64, _ b: UInt64) -> UInt64 { a > b ? a - b : b - a }

    public func render() -> SVGDocument {
        let threads = (spans.map(\.thread) + failedWakeups.map(\.0)).uniqued().sorted()
        let laneHeight = 56.0
        var frame = ChartFrame(width: 860, height: 0)
        frame.left = 110
        frame.top = 90
        frame.height = frame.top + Double(max(threads.count, 1)) * laneHeight + frame.bottom + 10
        var svg = SVGDocument(width: frame.width, height: frame.height)
        frame.drawTitle(&svg, title, subtitle: subtitle)
        let durationUs = Double(windowEnd - windowStart) / 1000
        let x = PlotScale(covering: [0, durationUs], from: frame.plotLeft, to: frame.plotRight, includesZero: true)
        frame.drawXAxis(&svg, x, title: "time since window start (µs)")
        func us(_ t: UInt64) -> Double { Double(t &- windowStart) / 1000 }
        for (lane, thread) in threads.enumerated() {
            let top = frame.plotTop + Double(lane) * laneHeight
            let mid = top + laneHeight / 2
            svg.text("thread \(thread)", x: frame.plotLeft - 10, y: mid + 5, size: 14, anchor: .end)
            svg.line(x1: frame.plotLeft, y1: mid, x2: frame.plotRight, y2: mid, stroke: PlotPalette.grid)
            for span in spans where span.thread == thread {
                let x1 = x.position(us(span.start)), x2 = x.position(us(span.end))
                let h = span.kind == .hold ? 26.0 : 8.0
                let data: [(String, String)] = [
                    ("thread", String(thread)), ("kind", span.kind.rawValue),
                    ("start-us", CSVRecord.format(us(span.start))), ("end-us", CSVRecord.format(us(span.end))),
                ]
                svg.rect(
                    x: x1, y: mid - h / 2, width: max(x2 - x1, 1), height: h,
                    fill: span.kind == .hold ? PlotPalette.color(0) : PlotPalette.color(1), data: data,
                    title: "thread \(thread) \(span.kind == .hold ? "holds" : "waits") \(PlotScale.label(us(span.end) - us(span.start))) µs")
            }
            for (t, time) in failedWakeups where t == thread {
                let cx = x.position(us(time))
                svg.line(x1: cx, y1: mid - 16, x2: cx, y2: mid + 16, stroke: PlotPalette.failure, width: 2)
                svg.circle(
                    cx: cx, cy: mid - 18, r: 3.5, fill: PlotPalette.failure,
                    data: [("thread", String(thread)), ("kind", "failed-wakeup"), ("t-us", CSVRecord.format(us(time)))])
            }
        }
        frame.drawLegendRow(&svg, [("holds the GIL", PlotPalette.color(0)), ("waits for it", PlotPalette.color(1)), ("failed wake-up", PlotPalette.failure)], y: 72)
        return svg
    }
}
