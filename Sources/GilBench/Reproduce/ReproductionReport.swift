import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// `results/REPORT.md`: what a `gilbench reproduce` run found, slide by slide, beside the 2009 figures,
/// written for a reader who never saw the slides.
public struct ReproductionReport {
    public var options: Reproduction.Options
    public var machine: MachineInfo
    public var runID: String
    public var csvFileName: String
    public var rows: [ResultRow]
    public var findings: [Finding]
    public var plots: [NamedPlot]
    public var completed: [String]
    public var stopped: GilBenchError?
    public var elapsedSeconds: Double
    /// The real interpreters beside the simulator (`--python`); empty when none was asked for or found.
    public var realInterpreters: [RealInterpreterComparison]
    /// What `--python auto` or `all` found, took and skipped, and why.
    public var interpreterDecisions: [InterpreterDiscovery.Decision]
    /// The extra rounds measured for inconclusive claims, by experiment id.
    public var extraRounds: [Experiment.ID: Int]
    /// Why hashing fell back to swift-crypto (``Reproduction/sha512Fallback``); nil when it did not.
    public var sha512Fallback: String?
    /// The real interpreters' GIL timelines beside the simulator's (`--timeline`); nil when not asked for.
    public var gilTimeline: Result<GILTimelineComparison, GilBenchError>?

    public init(
        options: Reproduction.Options, machine: MachineInfo, runID: String, csvFileName: String, rows: [ResultRow],
        findings: [Finding], plots: [NamedPlot], completed: [String], stopped: GilBenchError?, elapsedSeconds: Double,
        realInterpreters: [RealInterpreterComparison] = [], interpreterDecisions: [InterpreterDiscovery.Decision] = [],
        extraRounds: [Experiment.ID: Int] = [:], sha512Fallback: String? = nil,
        gilTimeline: Result<GILTimelineComparison, GilBenchError>? = nil
    ) {
        self.gilTimeline = gilTimeline
        self.sha512Fallback = sha512Fallback
        self.realInterpreters = realInterpreters
        self.interpreterDecisions = interpreterDecisions
        self.extraRounds = extraRounds
        self.options = options
        self.machine = machine
        self.runID = runID
        self.csvFileName = csvFileName
        self.rows = rows
        self.findings = findings
        self.plots = plots
        self.completed = completed
        self.stopped = stopped
        self.elapsedSeconds = elapsedSeconds
    }

    /// The Markdown text.
    public func render() -> String {
        var md = """
            # Reproducing "Inside the Python GIL" (David Beazley, 2009)

            In 2009 David Beazley showed that Python threads running CPU-bound code on a multicore machine \
            get *slower*, not faster, and traced it to how the global interpreter lock (GIL) is passed between \
            threads. gilbench rebuilds that setting: a small bytecode interpreter whose threads share a \
            simulated Python 2 GIL, measured with the same experiments. This report sets each of his figures \
            beside what gilbench measured on this machine, and says for each claim whether it held here, by a \
            criterion stated next to it.

            Run `\(runID)`: \(rows.count) rows, all in [\(csvFileName)](\(csvFileName)) (one row per repetition, \
            the same columns as `gilbench run --output`). Took \(String(format: "%.0f", elapsedSeconds)) s.

            """
        if let stopped {
            let verb = stopped.code == .interrupted ? "was interrupted" : "stopped on an error (\(stopped))"
            md += "\n> **This run \(verb)** after \(completed.count) of \(options.selected.count) experiments "
            md += "(\(completed.isEmpty ? "none finished" : "finished: " + completed.joined(separator: ", "))). "
            md += "The rows it measured are kept; claims it did not reach say so.\n"
        }
        md += """

            ## Machine and command

            | | |
            |---|---|
            | command | `\(options.command)` |
            | host | \(machine.host) |
            | CPU | \(machine.cpuModel.isEmpty ? "unknown" : machine.cpuModel), \(machine.cores) cores |
            | kernel | \(machine.kernel) |
            | Swift | \(machine.swiftVersion) |
            | gilbench | \(machine.gilbenchVersion)\(machine.gitCommit.isEmpty ? "" : " (commit \(machine.gitCommit))") |
            | sizes | count(\(grouped(Double(options.scale.countdownN)))) per task\(options.scale.isFull ? " (the slides' size)" : "; the slides used 100,000,000 (`--full`)"), \
            \(options.scale.repetitions) repetitions after \(options.scale.warmup) warm-up, medians |
            | ceiling | \(ceilingCell) |
            | CPU speeds | \(cpuSpeedCell) |

            The 2009 figures come from a 2 GHz dual-core MacBook running OS X 10.5.6 and Python 2.6. Absolute times \
            do not carry across machines, so each claim is judged on a ratio measured here, against a threshold \
            written in its row.

            ## Slide by slide

            | slide | claim | 2009 | here | ratio (2009 → here) | verdict |
            |---|---|---|---|---|---|

            """
        for f in findings { md += row(f) + "\n" }
        md += "\n" + verdictCounts() + "\n"
        if !realInterpreters.isEmpty || !interpreterDecisions.isEmpty { md += "\n" + realInterpretersSection() }
        for experiment in Catalogue.experiments {
            md += "\n" + section(experiment)
        }
        md += """

            ## How to read the verdicts

            Ratios of two configurations are taken pair by pair: the k-th repetition of one over the k-th of \
            the other, measured next to each other, so that drift of the machine cancels. Each is shown as \
            `median [low, high]`: the median of the pairs' ratios and its percentile-bootstrap 95% interval \
            (\(grouped(Double(Statistics.bootstrapResamples))) resamples, fixed seed).

            - **reproduced**: the whole interval (a figure without one: its value) meets the criterion in its row.
            - **not reproduced**: the whole interval fails it. The figure is kept; nothing is tuned away.
            - **inconclusive**: the interval straddles the threshold; `reproduce` measured the claim's \
            configurations again, within its budget, and still could not decide.
            - **reported**: measured, with no threshold to meet.
            - **not measured**: the experiment did not run in this invocation, or a figure it needs is missing.

            Claims about parallel gain also show their ratio over the machine's ceiling (the table above): 1 \
            is as good as two CPUs of this machine allow.

            Thresholds follow the project's acceptance criteria (threads/sequential at least 1.3 on two CPUs, \
            between 0.85 and 1.3 on one, processes and pools at most 0.6, futex calls at least 10,000 times the \
            sequential count, ...). Regenerate the plots from the CSV with `gilbench plot \(csvFileName)`.

            """
        return md
    }

    /// The machine table's ceiling: the `machine` experiment's processes/sequential of spin with its
    /// interval, or why there is none.
    var ceilingCell: String {
        guard let ceiling = Catalogue.ceiling(rows) else { return "— (experiment `machine` did not run)" }
        return "\(ceiling.estimate.text()) (spin: processes/sequential, paired; 0.5 on two idle cores)"
    }

    /// The spread of the CPUs' speeds over the rows that probed them (`cpu_speed_spread`): its median
    /// and largest, against `CPUSpeedCheck.margin`, and how many rows were kept beyond it.
    var cpuSpeedCell: String {
        let spreads = rows.compactMap(\.measurements.cpuSpeedSpread).sorted()
        guard let largest = spreads.last else { return "— (not probed)" }
        func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
        let beyond = spreads.filter { $0 > CPUSpeedCheck.margin }.count
        return "spread median \(percent(spreads[spreads.count / 2])), largest \(percent(largest)) over \(spreads.count) repetitions "
            + "(`1 − slowest/fastest`, each CPU probed before and after each repetition; beyond \(percent(CPUSpeedCheck.margin)) "
            + "a repetition is disturbed and measured again): \(beyond == 0 ? "none" : "\(beyond)") kept beyond it"
    }

    /// The real interpreters' section: what discovery found, took and skipped, then each interpreter's
    /// comparison.
    func realInterpretersSection() -> String {
        var md = "## The real interpreter beside the simulator\n\n"
        if !interpreterDecisions.isEmpty {
            md += "Interpreters found on PATH and in pyenv's versions folder (`--python \(options.python.spelled)`):\n\n"
            for d in interpreterDecisions {
                md += d.path.isEmpty ? "- \(d.reason)\n" : "- \(d.taken ? "taken" : "skipped") \(d.engine ?? "?") (`\(d.path)`): \(d.reason)\n"
            }
            md += "\n"
        }
        if realInterpreters.isEmpty { md += "No interpreter was measured.\n\n" }
        if let plot = plots.first(where: { $0.fileName == Reproduction.fidelityPlotName }) {
            md += "![\(plot.caption)](\(relativePlotPath(plot.fileName)))\n\n"
        }
        for real in realInterpreters { md += section(real) }
        return md + allVersionsSection() + freeThreadingSection() + gilTimelineSection()
    }

    /// The GIL hand-off by hand-off on each real interpreter and its simulator twin (`--timeline`):
    /// ``GILTimelineComparison``'s table, or why it could not be recorded; empty when not asked for.
    func gilTimelineSection() -> String {
        guard let gilTimeline else { return "" }
        var md = "### The GIL, hand-off by hand-off\n\n"
        switch gilTimeline {
        case .failure(let error):
            md += "Not recorded: \(error.message)\n\n"
        case .success(let comparison):
            md += "Each interpreter with a GIL, run under gilbench's uprobes on the functions that take and drop it, "
            md += "beside its simulator twin with its event recorder, one round each (countdown n = \(grouped(Double(Reproduction.gilTimelineN))) "
            md += "in 2 threads on 2 CPUs and on 1, and the convoy), then once more with the release probe alone to count hand-offs. "
            md += "Targets: each median within 25% and each p99 within 2x of the real interpreter's. "
            md += "Why the uncontended waits and CPython 2.7's hand-offs cannot meet them is in the DocC article *Real GIL timelines*. "
            md += "The figures are in `\(runID)-gil-timeline.csv`.\n\n"
            md += "```\n" + comparison.table + "```\n\n"
        }
        return md
    }

    /// The single-thread cost of a free-threaded build over the same minor version with its GIL
    /// (``FreeThreadingCost``); empty unless both were measured.
    func freeThreadingSection() -> String {
        let cost = FreeThreadingCost(rows: realInterpreters.flatMap { (try? $0.result.get())?.rows ?? [] })
        guard !cost.entries.isEmpty else { return "" }
        return "### Free threading's cost to one thread\n\nReported, no target: "
            + "the sequential countdown's median wall time on the free-threaded build over the build with a GIL, with its 95% interval.\n\n"
            + cost.render().split(separator: "\n").map { "- \($0)\n" }.joined() + "\n"
    }

    /// Every measured interpreter's errors and race side by side, in version order, with the plot of
    /// the countdown's ratios against the version; empty unless more than one was measured.
    func allVersionsSection() -> String {
        let table = FidelityAcrossVersions(realInterpreters).markdown()
        guard !table.isEmpty else { return "" }
        var md = "### All versions\n\n"
        md += "Each interpreter beside its simulator twins, which take its version's GIL design and check points, in version order: "
        md += "the simulator's error on each ratio with its 95% interval and verdict, as in the sections above, "
        md += "and the race's outcome (slide 43: the share of runs that lost updates) on the interpreter and on its twins.\n\n"
        md += table + "\n"
        if let plot = plots.first(where: { $0.fileName == PlotSet.versionFidelityPlotName }) {
            md += "![\(plot.caption)](\(relativePlotPath(plot.fileName)))\n\n"
        }
        return md
    }

    /// One real interpreter's comparison: per ratio the 2009 figure, the real interpreter, the simulator
    /// and its error; or one line saying why the interpreter could not be measured.
    func section(_ real: RealInterpreterComparison) -> String {
        var md = ""
        switch real.result {
        case .success(let measured):
            md += "`\(real.python)` is \(measured.engine). The slides' countdown ran on it, measured from outside "
            md += "(wall time of the region its script times around the experiment, CPU time of its whole process tree), and on the simulator's "
            md += "`\(measured.design?.rawValue ?? "-")` design, the GIL it has, with the same sizes"
            if let checkPoints = measured.rows.first(where: { $0.key.engine != .simulator })?.key.checkPoints ?? measured.design?.checkPoints {
                md += " and where \(checkPoints.versions) checks it (`\(checkPoints.rawValue)` check points)"
            }
            md += ". The simulator's error is "
            md += "(simulator − real) / real on each ratio of wall times, taken pair by pair (the median of the ratios of repetitions measured next to each other). "
            md += "Its 95% interval resamples the real interpreter's pairs and the simulator's each on their own; the error is **within** the ±10% target "
            md += "when the whole interval is inside it, **beyond** when the whole interval is outside, and **inconclusive** when it straddles ±10%: "
            md += "those and the errors beyond were measured again, up to \(Reproduction.fidelityExtraRounds) rounds within their budget, before this report "
            md += "(a miss is printed only when it holds on the extra rounds' pairs too).\n\n"
            md += measured.fidelity.entries.isEmpty
                ? "No ratio could be compared (gilbench has no model of this interpreter's GIL).\n"
                : measured.fidelity.markdown(figure2009: SlideReference.ratio)
            for line in InterpreterComparison.jitWarmUps(measured.rows) { md += "\n*\(line).*\n" }
            if measured.extraRounds > 0 {
                let rounds = measured.extraRounds
                md += "\n*Measured again: \(rounds) extra round\(rounds == 1 ? "" : "s") of the configurations of its errors not within the target and of their simulator twins.*\n"
            }
            if let stopped = measured.extraRoundsStopped {
                md += "\n*Its extra rounds stopped: \(stopped).*\n"
            }
            if !measured.claims.entries.isEmpty {
                md += "\nThe slides' claims decided on its rows and on the simulator's twins, by the same criteria as above:\n\n"
                md += measured.claims.markdown()
            }
            let costs = CostFidelity(rows: measured.rows)
            if !costs.entries.isEmpty {
                md += "\nThe tutorial's costs on its rows and on the simulator's twins (`--tutorial`): the time per message of each pipeline "
                md += "and per iteration of the coroutine countdown, the simulator's error with its 95% interval against ±\(Int(CostFidelity.target * 100))%, "
                md += "and how often a thread or process went to sleep per message (voluntary context switches) on each side:\n\n"
                md += costs.markdown()
            }
            md += "\nSizes: countdown n = \(grouped(Double(options.scale.countdownN))) per task, race n = \(grouped(Double(Workload.race.defaultN))) per thread, long tick n = \(grouped(Double(PythonExperiment.longTickN))), \(Reproduction.pythonRepetitions(options.scale)) repetitions "
            md += "after \(options.scale.warmup) warm-up, the simulator's runs alternating with the interpreter's. "
            md += "Its GIL calls are not counted here: a uprobe traps at every call and would slow the runs timed above "
                + "(CPython 2.7 takes its lock every 100 ticks); `gilbench python --count-gil` counts them in runs of their own.\n"
        case .failure(let error):
            md += "`\(real.python)` could not be measured: \(error)\n"
        }
        return md + "\n"
    }

    func row(_ f: Finding) -> String {
        let here = f.observation?.figure ?? "—"
        var ratio = f.claim.criterion.ratio
        let measured = f.verdict.estimate.map { f.claim.criterion.shown($0) } ?? "—"
        ratio += ": " + (f.claim.ratio2009.map { "\($0) → " } ?? "") + measured
        return "| \(f.claim.slide) | \(cell(f.claim.claim)) | \(cell(f.claim.figure2009)) | \(cell(here)) | \(cell(ratio)) | \(cell(verdictText(f))) |"
    }

    /// The verdict with its criterion, and for a claim about parallel gain its ratio over the ceiling.
    func verdictText(_ f: Finding) -> String {
        let text = f.verdict.text(f.claim.criterion)
        guard let over = f.overCeiling else { return text }
        return text + "; \(over.text()) × the machine's ceiling"
    }

    func verdictCounts() -> String {
        var counts: [String: Int] = [:]
        for f in findings { counts[f.verdict.status, default: 0] += 1 }
        let order = ["reproduced", "not reproduced", "inconclusive", "reported", "not measured"]
        return "In all: " + order.compactMap { k in counts[k].map { "\($0) \(k)" } }.joined(separator: ", ") + "."
    }

    /// One experiment's section: the paragraph, its plots, its configurations' table and verdicts.
    func section(_ experiment: Experiment) -> String {
        let slides = experiment.slides.isEmpty ? "beyond the 2009 slides" : (experiment.slides.count == 1 ? "slide " : "slides ") + experiment.slides.map(String.init).joined(separator: "-")
        var md = "## \(experiment.title) (\(slides))\n\n\(experiment.paragraph)\n\n"
        let rows = self.rows.filter { $0.key.experiment == experiment.id }
        guard !rows.isEmpty else {
            let selected = options.selected.contains { $0.id == experiment.id }
            guard selected else { return md + "*Not run: not selected with `--only`.*\n" }
            for f in findings where f.experiment.id == experiment.id {
                if case .notMeasured(let why) = f.verdict { return md + "*Not measured: \(why).*\n" }
            }
            return md + "*Not measured: the run stopped before this experiment.*\n"
        }
        let prefix = PlotSet.slug(experiment.id) + "-"
        for plot in plots where plot.fileName.hasPrefix(prefix) || (experiment.recordsTimeline && plot.fileName == "timeline.svg") {
            md += "![\(plot.caption)](\(relativePlotPath(plot.fileName)))\n\n"
        }
        md += configurationTable(Summary(rows: rows)) + "\n"
        if let core = sha512CoreLine(rows) { md += core + "\n\n" }
        if let rounds = extraRounds[experiment.id] {
            md += "*Measured again: \(rounds) extra round\(rounds == 1 ? "" : "s") of the configurations of its inconclusive claims.*\n\n"
        }
        for f in findings where f.experiment.id == experiment.id {
            md += "- \(f.claim.claim): \(verdictText(f)).\n"
        }
        if experiment.id == Catalogue.events.id { md += serverFidelitySection() }
        return md
    }

    /// Issue 24's check of the simulated server against its real twins measured in the same run
    /// (``ServerFidelity``), for the events experiment's section; empty when no real interpreter was
    /// measured, and a line saying why when interpreters were measured without server twins.
    func serverFidelitySection() -> String {
        let measured = realInterpreters.compactMap { try? $0.result.get() }
        guard !measured.isEmpty else { return "" }
        var md = "\n### Performance and fidelity: the simulated server against its real twins\n\n"
        let fidelity = ServerFidelity(rows: measured.flatMap(\.rows))
        guard !fidelity.entries.isEmpty else {
            return md + "*Not measured: the server's real twins run on CPython \(Reproduction.serverTwinVersion) only "
                + "(`--python all`, or its path), and none was in this run.*\n"
        }
        md += "The simulator's requests per second in each server model against the real twin of that model, "
        md += "measured in the same run by the same client process over the same connections, the simulator under the GIL design "
        md += "and check points the interpreter has (\(Reproduction.pythonRepetitions(options.scale)) repetitions each at least, alternating). "
        md += "The target: within \(Int(ServerFidelity.factor))× either way (the whole 95% interval inside [0.5, 2]), and the models "
        md += "in the same order of requests per second. Where an entry is beyond the factor or an order differs, the cause "
        md += "column names the cost per request (user CPU, system CPU, voluntary context switches, counted over the run on both sides) "
        md += "that differs most between the interpreter and the simulator in the direction of the miss.\n\n"
        return md + fidelity.markdown()
    }

    /// Which SHA-512 core hashed `rows` (their `sha512_core`), and why it is not openssl, hashlib's,
    /// when the run fell back; nil for rows that hash nothing.
    func sha512CoreLine(_ rows: [ResultRow]) -> String? {
        let cores = rows.compactMap(\.key.sha512Core).reduce(into: [SHA512Core]()) { if !$0.contains($1) { $0.append($1) } }
        guard !cores.isEmpty else { return nil }
        let named = cores.map { core in
            switch core {
            case .openssl: "`openssl` (the system's libcrypto, which python3's hashlib calls)"
            case .swiftCrypto: "`swift-crypto` (the BoringSSL it vendors)"
            }
        }
        var line = "*SHA-512 core: " + named.joined(separator: " and ")
        if cores.contains(.swiftCrypto), let sha512Fallback {
            line += ": " + sha512Fallback.replacingOccurrences(of: "gilbench: hashing with swift-crypto: ", with: "", options: .anchored)
        }
        return line + ".*"
    }

    /// Median, min and max wall time per configuration, with the GIL's counters.
    func configurationTable(_ summary: Summary) -> String {
        let labels = PlotSet.shortLabels(summary.groups)
        // The server's measurements, when its rows have them: medians of each run's figure.
        let server: [(String, Column, (Double) -> String)] = [
            ("requests/s", .requestsPerSecond, grouped), ("p99 µs", .latencyP99Us, { $0 >= 100 ? grouped($0) : String(format: "%.1f", $0) }),
            ("RSS KiB", .rssKiB, grouped),
        ].filter { _, column, _ in summary.groups.contains { !$0.values(column).isEmpty } }
        var md = "| configuration | runs | wall median | min | max | hand-offs/s | failed/s |" + server.map { " \($0.0) |" }.joined() + "\n"
        md += "|---|---|---|---|---|---|---|" + String(repeating: "---|", count: server.count) + "\n"
        for (g, label) in zip(summary.groups, labels) {
            let w = g.values(.wallSeconds)
            md += "| \(cell(g.keptDisturbed ? label + Summary.disturbedMark : label)) | \(g.rows.count) | \(g.seconds()) | \(w.min().map(Summary.Group.seconds) ?? "—") | \(w.max().map(Summary.Group.seconds) ?? "—") "
            md += "| \(Summary.perSecond(g, .gilHandoffs).nonEmpty ?? "—") | \(Summary.perSecond(g, .gilFailedAcquisitions).nonEmpty ?? "—") |"
            md += server.map { _, column, format in " \(g.median(column).map(format) ?? "—") |" }.joined() + "\n"
        }
        if let footnote = summary.disturbedFootnote { md += "\n\\" + footnote + "\n" }
        for warning in summary.spreadWarnings { md += "\n> Warning: \(warning).\n" }
        return md
    }

    /// The path of a plot as seen from the report's folder.
    func relativePlotPath(_ fileName: String) -> String {
        let from = URL(fileURLWithPath: options.resultsDirectory).standardizedFileURL.pathComponents
        let to = URL(fileURLWithPath: options.plotsDirectory).standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count) && from[common] == to[common] { common += 1 }
        let up = Array(repeating: "..", count: from.count - common)
        return (up + to[common...] + [fileName]).joined(separator: "/")
    }

    /// A Markdown table cell: pipes escaped, line breaks removed.
    func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
