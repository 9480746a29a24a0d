import GilBenchSimulator
import GilBenchSystem
import Foundation

extension PlotSet {
    /// The server workload's plots (issue 24): requests per second and p99 latency against the
    /// connections, one line per server model, both axes on log scales (connections span three
    /// decades, and the models' rates and tails differ by orders of magnitude); one pair of plots per
    /// number of CPU-bound threads beside the server: `<experiment>-requests.svg` and
    /// `<experiment>-p99.svg` alone, `<experiment>-requests-cpu-bound.svg` and
    /// `<experiment>-p99-cpu-bound.svg` beside one CPU-bound thread (`-2-cpu-bound` for two, and so
    /// on). A line whose configuration has no value at some connections has no point there.
    public static func serverPlots(_ experiment: String, _ summary: Summary) -> [NamedPlot] {
        let server = summary.groups.filter { $0.key.workload == .server && $0.key.connections != nil }
        let cpuCounts = server.map { $0.key.cpuThreads ?? 0 }.uniqued().sorted()
        var out: [NamedPlot] = []
        for cpu in cpuCounts {
            let groups = server.filter { ($0.key.cpuThreads ?? 0) == cpu }
            let beside = cpu == 0 ? "no CPU-bound thread" : cpu == 1 ? "beside one CPU-bound thread" : "beside \(cpu) CPU-bound threads"
            let suffix = cpu == 0 ? "" : cpu == 1 ? "-cpu-bound" : "-\(cpu)-cpu-bound"
            let metrics: [(Column, String, String, String)] = [
                (.requestsPerSecond, "requests", "requests per second against connections", "requests per second"),
                (.latencyP99Us, "p99", "p99 latency against connections", "p99 latency (µs)"),
            ]
            for (column, name, what, yTitle) in metrics {
                let series = serverSeries(groups, column)
                guard series.contains(where: { !$0.points.isEmpty }) else { continue }
                var chart = LineChart(
                    title: "\(experiment): \(what)",
                    subtitle: "\(beside); median of \(repetitions(Summary(rows: groups.flatMap(\.rows)))) repetitions, bars: min to max",
                    xTitle: "connections", yTitle: yTitle, series: series)
                chart.logarithmicX = true
                chart.logarithmicY = true
                out.append(NamedPlot(
                    fileName: "\(slug(experiment))-\(name)\(suffix).svg", caption: "\(experiment): \(what), one line per server model, \(beside), log scales",
                    svg: chart.render()))
            }
        }
        return out
    }

    /// One line per server model (and per engine, GIL design, request work or rate when those vary
    /// among `groups`), a point per connection count: the median of `column` over the repetitions,
    /// with their min and max. Values that a log scale cannot show (0 or below) are left out.
    package static func serverSeries(_ groups: [Summary.Group], _ column: Column) -> [LineChart.Series] {
        // What tells lines apart: everything of the configuration but the connections and what
        // follows from them (a thread per connection: `threads`; the interpreter's `tasks`).
        let lineKey = { (g: Summary.Group) in g.key.clearing([.connections, .threads, .tasks]) }
        let keys = groups.map(lineKey).uniqued()
        func varies<T: Hashable>(_ field: (ConfigurationKey) -> T) -> Bool { Set(keys.map(field)).count > 1 }
        let byEngine = varies(\.engineName), byGIL = varies(\.gil), byWork = varies(\.requestWork), byRate = varies(\.rate)
        let bySize = varies(\.messageSize)
        let byWorkers = Set(keys.filter { $0.mode == .processes }.map(\.processes)).count > 1
        return keys.map { key in
            var name = key.mode?.rawValue ?? "server"
            if byEngine, let engine = key.engineName { name += ", \(engine)" }
            if byGIL, let gil = key.gil { name += ", gil=\(gil.rawValue)" }
            if byWork { name += ", work \(key.requestWork.map(String.init) ?? "—")" }
            if byRate { name += key.rate.map { ", \(PlotScale.label($0))/s" } ?? ", closed loop" }
            if bySize, let size = key.messageSize { name += ", \(size) B" }
            if byWorkers, key.mode == .processes, let workers = key.processes { name += ", \(workers) workers" }
            let points = groups.filter { lineKey($0) == key }.compactMap { g -> LineChart.Point? in
                guard let connections = g.key.connections else { return nil }
                let values = g.values(column).filter { $0 > 0 }
                guard let median = Statistics.median(values) else { return nil }
                return LineChart.Point(x: Double(connections), y: median, min: values.min(), max: values.max())
            }
            return LineChart.Series(name: name, points: points)
        }
    }
}
