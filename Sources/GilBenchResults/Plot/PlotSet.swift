import GilBenchSimulator
import GilBenchSystem
import Foundation

/// One plot gilbench draws, with the file name it is saved under.
public struct NamedPlot: Sendable {
    /// File name without folder, such as `countdown-wall.svg`.
    public var fileName: String
    /// What it shows, for the report's alt text.
    public var caption: String
    public var svg: SVGDocument

    public init(fileName: String, caption: String, svg: SVGDocument) {
        self.fileName = fileName
        self.caption = caption
        self.svg = svg
    }
}

/// Draws every plot that a set of CSV rows supports: `gilbench plot` and `gilbench reproduce` both use
/// it, so a plot redrawn from a CSV is the plot the run drew.
///
/// Rows are taken experiment by experiment (the `experiment` column; rows without one form the
/// experiment `run`), and within one, configurations are grouped as ``Summary`` groups them (equal
/// configuration columns = repetitions of one configuration).
public enum PlotSet {
    /// Every plot the rows support, plus a timeline when events are given, and the countdown's
    /// ratios against the interpreter's version when the rows hold several real interpreters with
    /// simulator twins (``versionFidelityPlot(_:)``).
    public static func plots(rows: [ResultRow], timeline: [GILEventRecorder.Event]? = nil, timelineSubtitle: String? = nil) -> [NamedPlot] {
        var out: [NamedPlot] = []
        let experiments = rows.map { $0.key.experiment ?? "" }.uniqued()
        for experiment in experiments {
            let experimentRows = rows.filter { ($0.key.experiment ?? "") == experiment }
            out += plots(experiment: experiment.isEmpty ? "run" : experiment, rows: experimentRows)
        }
        if let p = versionFidelityPlot(rows) { out.append(p) }
        if let timeline, !timeline.isEmpty {
            out.append(timelinePlot(timeline, subtitle: timelineSubtitle))
        }
        return out
    }

    /// The plots of one experiment's rows.
    public static func plots(experiment: String, rows: [ResultRow]) -> [NamedPlot] {
        let summary = Summary(rows: rows)
        var out: [NamedPlot] = []
        let workloads = Set(rows.compactMap { $0.key.workload })
        if workloads.contains(.extension), let p = speedupPlot(experiment, summary) { out.append(p) }
        if workloads.contains(.ioLatency), let p = latencyPlot(experiment, summary) { out.append(p) }
        if workloads.contains(.pipeline), let p = messagesPlot(experiment, summary) { out.append(p) }
        if workloads.contains(.server) { out += serverPlots(experiment, summary) }
        if let p = checkIntervalPlot(experiment, summary) { out.append(p) }
        if out.isEmpty, let p = wallPlot(experiment, summary) { out.append(p) }
        if let p = syscallPlot(experiment, summary) { out.append(p) }
        if let p = failedWakeupPlot(experiment, rows) { out.append(p) }
        return out
    }

    // MARK: The plots

    /// Median wall time per configuration, whiskers from the fastest to the slowest repetition.
    public static func wallPlot(_ experiment: String, _ summary: Summary) -> NamedPlot? {
        barPlot(
            experiment, "wall", caption: "median wall time per configuration with min-max whiskers",
            ChartTitles(
                "\(experiment): wall time per configuration",
                subtitle: "median of \(repetitions(summary)) repetitions; whiskers: fastest to slowest",
                x: "configuration", y: "wall time (s)"),
            bars: medianBars(labelled(summary.groups), [(.wallSeconds, "")]),
            format: { String(format: $0 >= 10 ? "%.1f s" : "%.2f s", $0) })
    }

    /// Pipeline: messages per second per model and message size, on a log scale (models differ by
    /// orders of magnitude).
    public static func messagesPlot(_ experiment: String, _ summary: Summary) -> NamedPlot? {
        let pipeline = summary.groups.filter { $0.key.workload == .pipeline }
        guard !pipeline.isEmpty else { return nil }
        return barPlot(
            experiment, "messages", caption: "messages per second per model and message size, log scale",
            ChartTitles(
                "\(experiment): messages per second", subtitle: "median of \(repetitions(summary)) repetitions; whiskers: slowest to fastest",
                x: "model and message size", y: "messages per second"),
            bars: medianBars(labelled(pipeline), [(.messagesPerSecond, "")], everyRow: true),
            logarithmic: true, format: { PlotScale.label($0.rounded()) })
    }

    /// System calls per configuration on a log scale: all calls and futex calls (slides 96-97).
    public static func syscallPlot(_ experiment: String, _ summary: Summary) -> NamedPlot? {
        let columns: [(Column, String)] = [(.syscallsTotal, "all system calls"), (.syscallsFutex, "futex calls")]
        return barPlot(
            experiment, "syscalls", caption: "system calls per configuration, log scale",
            ChartTitles(
                "\(experiment): system calls per run", subtitle: "counted by the kernel; median of the repetitions",
                x: "configuration", y: "system calls per run"),
            // A configuration is drawn only when every repetition was counted.
            bars: medianBars(labelled(summary.groups), columns, everyRow: true),
            logarithmic: true, format: { PlotScale.label($0.rounded()) })
    }

    /// Failed wake-ups before each contended acquisition succeeded, all rows together (slide 98).
    public static func failedWakeupPlot(_ experiment: String, _ rows: [ResultRow]) -> NamedPlot? {
        var merged = FailedWakeupHistogram()
        var any = false
        for row in rows {
            if let h = row.failedWakeups { merged.merge(h); any = true }
        }
        guard any, merged.total > 0 else { return nil }
        let chart = HistogramChart(
            title: "\(experiment): failed wake-ups before the GIL was won",
            subtitle: "\(merged.total) contended acquisitions, all repetitions (condition-variable lock)",
            bucketTitle: "failed wake-ups before the acquisition succeeded",
            countTitle: "acquisitions", buckets: merged.buckets)
        return NamedPlot(fileName: "\(slug(experiment))-failed-wakeups.svg", caption: "\(experiment): histogram of failed wake-ups per successful acquisition", svg: chart.render())
    }

    /// Two threads over sequential speed-up against the native call's length n, with 1.0 and 2.0 lines (slide 104).
    public static func speedupPlot(_ experiment: String, _ summary: Summary) -> NamedPlot? {
        let points = speedups(summary)
        guard !points.isEmpty else { return nil }
        var series: [LineChart.Series] = []
        for name in points.map(\.series).uniqued() {
            series.append(.init(name: name, points: points.filter { $0.series == name }.map { LineChart.Point(x: $0.n, y: $0.speedup) }))
        }
        var chart = LineChart(
            title: "\(experiment): two threads against sequential", subtitle: "speed-up = sequential / threaded median wall time",
            xTitle: "churn n (native spin iterations per call)", yTitle: "speed-up (×)", series: series)
        chart.logarithmicX = points.contains { $0.n > 0 } && (points.map(\.n).max() ?? 0) > 100
        chart.references = [(1.0, "1.0: no gain"), (2.0, "2.0: both cores busy")]
        return NamedPlot(fileName: "\(slug(experiment))-speedup.svg", caption: "\(experiment): speed-up of two threads over sequential against n", svg: chart.render())
    }

    /// (series, n, sequential/threaded) for every threaded group with a sequential twin
    /// (``Summary/sequentialTwin(of:)``), by `churn_n`.
    public static func speedups(_ summary: Summary) -> [(series: String, n: Double, speedup: Double)] {
        var out: [(String, Double, Double)] = []
        for g in summary.groups where g.key.mode == .threads {
            guard let n = g.key.churnN, let threaded = g.median(.wallSeconds) else { continue }
            guard let sequential = summary.sequentialTwin(of: g)?.median(.wallSeconds), threaded > 0 else { continue }
            var name = g.key.gil?.rawValue ?? ""
            if let lock = g.key.lock { name += "/" + lock.rawValue }
            out.append((name, Double(n), sequential / threaded))
        }
        return out
    }

    /// Response time of the I/O thread per GIL design and CPU-bound threads (the convoy effect).
    public static func latencyPlot(_ experiment: String, _ summary: Summary) -> NamedPlot? {
        let groups = summary.groups.map { g in
            var label = g.key.gil?.rawValue ?? ""
            if let t = g.key.cpuThreads { label += " + \(t) CPU-bound" }
            return (g, label)
        }
        return barPlot(
            experiment, "latency", caption: "I/O response time per GIL design, log scale",
            ChartTitles(
                "\(experiment): I/O response time per GIL design", subtitle: "median over repetitions of each run's percentile",
                x: "GIL design + CPU-bound threads", y: "response time (µs)"),
            bars: medianBars(groups, [(.latencyP50Us, "p50"), (.latencyP99Us, "p99")]),
            logarithmic: true, format: { $0 >= 100 ? grouped($0) : String(format: "%.1f", $0) })
    }

    /// Median wall time against the check interval, one line per mode and CPU count (log x).
    public static func checkIntervalPlot(_ experiment: String, _ summary: Summary) -> NamedPlot? {
        let intervals = Set(summary.groups.compactMap { $0.key.checkInterval })
        guard intervals.count >= 3 else { return nil }
        var byName: [String: [LineChart.Point]] = [:]
        var order: [String] = []
        for g in summary.groups {
            guard let ci = g.key.checkInterval, let median = g.median(.wallSeconds) else { continue }
            let name = [g.key.mode?.rawValue ?? "", g.key.cpus.map { "\($0) CPU" } ?? ""].joined(separator: ", ")
            if byName[name] == nil { order.append(name) }
            let values = g.values(.wallSeconds)
            byName[name, default: []].append(.init(x: Double(ci), y: median, min: values.min(), max: values.max()))
        }
        var chart = LineChart(
            title: "\(experiment): wall time against the check interval", subtitle: "median of the repetitions; bars: min to max",
            xTitle: "check interval (ticks)", yTitle: "wall time (s)", series: order.map { .init(name: $0, points: byName[$0]!) })
        chart.logarithmicX = true
        return NamedPlot(fileName: "\(slug(experiment))-check-interval.svg", caption: "\(experiment): wall time against the check interval", svg: chart.render())
    }

    /// The file name of the countdown's ratios against the interpreter's version.
    public static let versionFidelityPlotName = "fidelity-versions.svg"

    /// The countdown's ratios against the interpreter's version, real and simulated
    /// (``VersionFidelityChart``), from the simulator's error on each ratio (``Fidelity/init(rows:)``);
    /// nil unless at least two real interpreters have a countdown ratio with a simulator twin.
    public static func versionFidelityPlot(_ rows: [ResultRow]) -> NamedPlot? {
        // Only rows of real interpreters with a GIL design can have twins: skip the work otherwise.
        let engines = Set(rows.compactMap { $0.key.engine }.filter { $0 != .simulator })
        guard engines.count > 1, rows.contains(where: { $0.key.engine == .simulator }) else { return nil }
        let chart = VersionFidelityChart(
            entries: Fidelity(rows: rows).entries,
            subtitle: "countdown, paired ratios of wall times; bars: the simulator's error's 95% interval")
        guard chart.versions.count > 1 else { return nil }
        return NamedPlot(
            fileName: versionFidelityPlotName,
            caption: "The countdown's ratios against the CPython version, on the real interpreters and on their simulator twins",
            svg: chart.render())
    }

    /// Who held the GIL when, who waited and whose wake-up failed, in a window around one hand-off.
    public static func timelinePlot(_ events: [GILEventRecorder.Event], subtitle: String? = nil) -> NamedPlot {
        let window = TimelineChart.window(events)
        let chart = TimelineChart(title: "GIL timeline: two threads, one hand-off", subtitle: subtitle, events: events, window: window)
        return NamedPlot(fileName: "timeline.svg", caption: "GIL timeline of a short threaded run", svg: chart.render())
    }

    // MARK: Helpers

    /// A bar chart of `bars` saved as `<experiment>-<name>.svg`; nil when there are no bars.
    static func barPlot(
        _ experiment: String, _ name: String, caption: String, _ titles: ChartTitles, bars: [BarChart.Bar],
        logarithmic: Bool = false, format: @escaping @Sendable (Double) -> String
    ) -> NamedPlot? {
        guard !bars.isEmpty else { return nil }
        var chart = BarChart(titles, bars: bars)
        chart.logarithmic = logarithmic
        chart.format = format
        return NamedPlot(fileName: "\(slug(experiment))-\(name).svg", caption: "\(experiment): \(caption)", svg: chart.render())
    }

    /// For each (group, category label) and each (column, series name): a bar of the median of the
    /// group's values of the column, with a whisker from their min to their max. A group without values
    /// of a column gets no bar for it; with `everyRow`, neither does one where some row lacks the value.
    static func medianBars(
        _ groups: [(Summary.Group, String)], _ columns: [(Column, String)], everyRow: Bool = false
    ) -> [BarChart.Bar] {
        var bars: [BarChart.Bar] = []
        for (g, label) in groups {
            for (column, name) in columns {
                let values = g.values(column)
                guard !everyRow || values.count == g.rows.count, let median = Statistics.median(values) else { continue }
                bars.append(BarChart.Bar(category: label, series: name, value: median, min: values.min(), max: values.max()))
            }
        }
        return bars
    }

    /// The groups with their ``shortLabels(_:)``.
    static func labelled(_ groups: [Summary.Group]) -> [(Summary.Group, String)] {
        Array(zip(groups, shortLabels(groups)))
    }

    /// Labels naming only what differs between the groups ("threads, 1 CPU").
    public static func shortLabels(_ groups: [Summary.Group]) -> [String] {
        let columns: [(Column, (String) -> String)] = [
            (.workload, { $0 }), (.mode, { $0 }), (.connections, { "\($0) conn" }), (.gil, { "gil=\($0)" }), (.lock, { $0 }), (.threads, { "\($0) thr" }),
            (.processes, { "\($0) proc" }), (.cpus, { $0 == "1" ? "1 CPU" : "\($0) CPUs" }), (.checkInterval, { "ci=\($0)" }),
            (.switchIntervalMs, { "\($0) ms" }), (.churnN, { "n=\($0)" }), (.cpuThreads, { "\($0) CPU-bound" }),
            (.gilDuringHash, { $0 == GILDuringHash.hold.rawValue ? "GIL held" : "GIL released" }), (.chunkSize, { "\($0) B" }),
            (.n, { "n=\($0)" }), (.tasks, { "\($0) tasks" }), (.pattern, { $0 }), (.messageSize, { "\($0) B msg" }),
            (.yieldEvery, { "yield every \($0)" }), (.requestWork, { "work \($0)" }), (.rate, { "\($0)/s" }),
        ]
        // Whether a column says something of a group: sequential runs have one thread by construction
        // ("1 thr" adds nothing); the server's threads and tasks follow from its connections and
        // CPU-bound threads, its processes matter in processes mode only, and its generators yield
        // where their sockets wait, not every so many iterations.
        func applies(_ c: Column, _ g: Summary.Group) -> Bool {
            switch c {
            case .threads: g.key.mode != .sequential && g.key.workload != .server
            case .tasks, .yieldEvery: g.key.workload != .server
            case .processes: g.key.workload != .server || g.key.mode == .processes
            default: true
            }
        }
        let varying = columns.filter { c, _ in
            Set(groups.filter { applies(c, $0) }.map { $0.key[cell: c] ?? "" }).count > 1
        }
        return groups.map { g in
            let parts = varying.compactMap { c, f -> String? in
                guard let v = g.key[cell: c], applies(c, g) else { return nil }
                return f(v)
            }
            return parts.isEmpty ? g.label : parts.joined(separator: " ")
        }
    }

    static func repetitions(_ summary: Summary) -> String {
        let counts = Set(summary.groups.map(\.rows.count))
        return counts.count == 1 ? String(counts.first!) : "\(counts.min()!)-\(counts.max()!)"
    }

    /// A file-name-safe form of an experiment name.
    public static func slug(_ s: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        let lowered = s.lowercased().map { allowed.contains($0) ? $0 : "-" }
        return String(lowered).split(separator: "-").joined(separator: "-")
    }
}

extension PlotSet {
    /// Writes `plots` into `directory` (created if needed) and returns their paths.
    /// - Throws: `GilBenchError` `.unwritableOutput` when the folder or a file cannot be written.
    public static func write(_ plots: [NamedPlot], to directory: String) throws(GilBenchError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot create the folder \(directory)")
        }
        var paths: [String] = []
        for plot in plots {
            let path = (directory as NSString).appendingPathComponent(plot.fileName)
            do {
                try plot.svg.render().write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw GilBenchError(.unwritableOutput, "cannot write \(path)")
            }
            paths.append(path)
        }
        return paths
    }
}
