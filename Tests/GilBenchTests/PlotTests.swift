import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import GilBench

@Suite("SVG plots")
struct PlotTests {
    @Test("Every plot drawn from a CSV parses as XML, is an SVG, and uses text of at least 12 px")
    func plotsAreWellFormed() throws {
        let rows = try CSVReader.parse(sampleCSV)
        let plots = PlotSet.plots(rows: rows)
        #expect(plots.map(\.fileName) == ["countdown-wall.svg", "countdown-syscalls.svg"])
        for plot in plots {
            let elements = try svgElements(plot.svg.render())
            #expect(elements.first?.name == "svg")
            let texts = elements.filter { $0.name == "text" }
            #expect(!texts.isEmpty)
            for t in texts {
                let size = try #require(Double(t.value("font-size") ?? ""))
                #expect(size >= 12, "\(plot.fileName): \(t.stringValue ?? "")")
            }
        }
    }

    @Test("Wall-time bars carry the CSV's medians, minima and maxima")
    func barsCarryMedians() throws {
        let rows = try CSVReader.parse(sampleCSV)
        let plot = try #require(PlotSet.plots(rows: rows).first { $0.fileName == "countdown-wall.svg" })
        let bars = try svgElements(plot.svg.render()).filter { $0.name == "rect" && $0.value("data-value") != nil }
        let summary = Summary(rows: rows)
        #expect(bars.count == summary.groups.count)
        for (bar, group) in zip(bars, summary.groups) {
            #expect(Double(bar.value("data-value")!) == group.median(.wallSeconds))
            #expect(Double(bar.value("data-min")!) == group.values(.wallSeconds).min())
            #expect(Double(bar.value("data-max")!) == group.values(.wallSeconds).max())
        }
        #expect(bars.map { $0.value("data-category")! } == ["sequential 2 CPUs", "threads 2 CPUs", "threads 1 CPU"])
        // A taller bar for a larger median: heights follow the data.
        let heights = bars.map { Double($0.value("height")!)! }
        #expect(heights[1] > heights[2] && heights[2] > heights[0])
    }

    @Test("System calls are drawn on a log scale: a 20,000-fold difference is a few decades, not a flat bar")
    func syscallsOnLogScale() throws {
        let rows = try CSVReader.parse(sampleCSV)
        let plot = try #require(PlotSet.plots(rows: rows).first { $0.fileName == "countdown-syscalls.svg" })
        let elements = try svgElements(plot.svg.render())
        let bars = elements.filter { $0.name == "rect" && $0.value("data-value") != nil }
        #expect(bars.count == 6)
        let futex = bars.filter { $0.value("data-series") == "futex calls" }.map { Double($0.value("data-value")!)! }
        #expect(futex == [2, 850_001, 850_001])
        let heights = bars.filter { $0.value("data-series") == "futex calls" }.map { Double($0.value("height")!)! }
        // On a linear axis the sequential bar would be 1/425,000 of the others: invisible.
        #expect(heights[0] > heights[1] / 50)
        #expect(elements.contains { $0.name == "text" && ($0.stringValue ?? "").contains("log scale") })
    }

    @Test("The failed wake-up histogram sums the rows' histograms, bucket by bucket")
    func failedWakeupHistogramPlot() throws {
        let rows = [[(0, 5), (2, 7)], [(0, 1), (1, 2), (64, 3)]].map { failures in
            var row = ResultRow()
            row.key.experiment = "failed"
            row.key.mode = .threads
            row.measurements.wallSeconds = 1.0
            var histogram = FailedWakeupHistogram()
            for (failed, count) in failures { histogram.record(bucket: FailedWakeupHistogram.bucket(failed), count: count) }
            row.measurements.failedWakeups = histogram
            return row
        }
        #expect(rows.map { $0.record[.gilFailedWakeupsHistogram] } == ["0:5;2-3:7", "0:1;1:2;64-127:3"])
        let plot = try #require(PlotSet.plots(rows: rows).first { $0.fileName == "failed-failed-wakeups.svg" })
        let bars = try svgElements(plot.svg.render()).filter { $0.name == "rect" && $0.value("data-value") != nil }
        let counts = Dictionary(uniqueKeysWithValues: bars.map { ($0.value("data-category")!, Int(Double($0.value("data-value")!)!)) })
        #expect(counts["0"] == 6 && counts["1"] == 2 && counts["2-3"] == 7 && counts["64-127"] == 3 && counts["4-7"] == 0)
        #expect(bars.count == 8)
    }

    @Test("The speed-up plot divides sequential by threaded medians per n and draws the 1.0 and 2.0 lines")
    func speedupPlot() throws {
        var rows: [ResultRow] = []
        for (n, seq, thr) in [(0, 1.0, 2.0), (1000, 1.0, 1.0), (100_000, 2.0, 1.25)] {
            for (mode, wall) in [(ExecutionMode.sequential, seq), (.threads, thr)] {
                var r = ResultRow()
                r.key.experiment = "extension"; r.key.workload = .extension; r.key.gil = .ticks; r.key.lock = .semaphore
                r.key.mode = mode; r.key.threads = mode == .threads ? 2 : 1; r.key.churnN = n
                r.measurements.wallSeconds = wall
                rows.append(r)
            }
        }
        let plot = try #require(PlotSet.plots(rows: rows).first { $0.fileName == "extension-speedup.svg" })
        let elements = try svgElements(plot.svg.render())
        let points = elements.filter { $0.name == "circle" && $0.value("data-x") != nil }
        #expect(points.map { Double($0.value("data-x")!)! } == [0, 1000, 100_000])
        #expect(points.map { Double($0.value("data-y")!)! } == [0.5, 1.0, 1.6])
        let references = elements.compactMap { $0.value("data-reference") }.compactMap(Double.init)
        #expect(references == [1.0, 2.0])
    }

    @Test("The timeline draws one hold bar per acquire-release pair and a mark per failed wake-up, never two holders at once")
    func timeline() throws {
        let events: [GILEventRecorder.Event] = [
            .init(nanoseconds: 1_000, thread: 0, kind: .acquired),
            .init(nanoseconds: 2_000, thread: 1, kind: .failedWakeup),
            .init(nanoseconds: 3_000, thread: 0, kind: .released),
            .init(nanoseconds: 1_500, thread: 1, kind: .waiting),
            .init(nanoseconds: 4_000, thread: 1, kind: .acquired),
            .init(nanoseconds: 6_000, thread: 1, kind: .released),
        ].sorted { $0.nanoseconds < $1.nanoseconds }
        let chart = TimelineChart(title: "t", events: events, window: 1_000...6_000)
        let elements = try svgElements(chart.render().render())
        let holds = elements.filter { $0.value("data-kind") == "hold" }
        let waits = elements.filter { $0.value("data-kind") == "wait" }
        let failed = elements.filter { $0.value("data-kind") == "failed-wakeup" }
        #expect(holds.map { $0.value("data-thread")! } == ["0", "1"])
        #expect(holds.map { Double($0.value("data-start-us")!)! } == [0, 3])
        #expect(waits.count == 1 && failed.count == 1)
        #expect(failed.first?.value("data-t-us") == "1")
    }

    @Test("Text is escaped: a label with < & > still parses")
    func escaping() throws {
        let chart = BarChart(title: "a < b & c > d", valueTitle: "\"quoted\"", categoryTitle: "x", bars: [.init(category: "<&>", value: 1)])
        let elements = try svgElements(chart.render().render())
        #expect(elements.contains { $0.stringValue == "a < b & c > d" })
    }

    @Test("Log scales cover their data with whole decades; linear scales start at 0 with round steps")
    func scales() {
        let log = PlotScale(covering: [3, 40_000], from: 0, to: 100, logarithmic: true)
        #expect(log.lower == 1 && log.upper == 100_000)
        #expect(log.ticks == [1, 10, 100, 1000, 10_000, 100_000])
        #expect(log.position(1000) == 60)
        let linear = PlotScale(covering: [0.3, 1.7], from: 0, to: 100)
        #expect(linear.lower == 0 && linear.upper == 2)
        #expect(linear.ticks.first == 0 && linear.ticks.last == 2)
    }
}
