import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// One `gilbench reproduce`: runs the selected experiments of the catalogue, writes every row to
/// `results/<run>.csv` as it is measured, then the plots and `results/REPORT.md`.
///
/// An interruption (see ``Interruption``) or a failed measurement stops the run between measurements;
/// the rows measured so far stay in the CSV, and the report and plots are still written from them,
/// saying how far the run got.
public final class Reproduction {
    /// Where things go and how big the runs are.
    public struct Options: Sendable {
        public var scale: ExperimentScale
        /// The experiments to run (others are reported as not selected).
        public var selected: [Experiment]
        public var resultsDirectory: String
        public var plotsDirectory: String
        /// The command line as typed, for the report.
        public var command: String
        /// A real interpreter to measure beside the simulator (`--python`), nil for none.
        public var python: String? = nil

        public init(
            scale: ExperimentScale, selected: [Experiment], resultsDirectory: String = "results", plotsDirectory: String = "plots",
            command: String, python: String? = nil
        ) {
            self.python = python
            self.scale = scale
            self.selected = selected
            self.resultsDirectory = resultsDirectory
            self.plotsDirectory = plotsDirectory
            self.command = command
        }
    }

    /// Where the run is, for a progress line.
    public struct Progress: Sendable {
        /// 0-based index of the experiment among those that run, and how many run.
        public var experimentIndex: Int
        public var experimentCount: Int
        public var experiment: String
        /// Measurements done in this experiment, and how many it has (warm-ups included).
        public var done: Int
        public var total: Int
        public var elapsedSeconds: Double
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public var csvPath: String
        public var reportPath: String
        public var plotPaths: [String]
        public var findings: [Finding]
        public var rows: Int
        /// Experiments that ran to their end.
        public var completed: [String]
        /// Why the run stopped early, nil when it finished.
        public var stopped: GilBenchError?
    }

    public let options: Options
    public let session: Session
    public let csvPath: String

    /// Creates the folders and the CSV file.
    /// - Throws: ``GilBenchError`` `.unwritableOutput` when a folder or the CSV cannot be created.
    public init(_ options: Options, machine: MachineInfo = .current()) throws(GilBenchError) {
        self.options = options
        for directory in [options.resultsDirectory, options.plotsDirectory] {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw GilBenchError(.unwritableOutput, "cannot create the folder \(directory)")
            }
        }
        let runID = Session.makeRunID()
        csvPath = (options.resultsDirectory as NSString).appendingPathComponent("\(runID).csv")
        session = Session(writer: try CSVWriter(path: csvPath), machine: machine, runID: runID)
    }

    /// Runs the selected experiments, then writes the plots and the report.
    /// - Parameters:
    ///   - measure: measures one configuration (the runner by default; tests inject a fake).
    ///   - interrupted: polled before each measurement; true stops the run there.
    ///   - progress: called before each measurement.
    /// - Throws: ``GilBenchError`` only when the report or a plot cannot be written; a stopped run is
    ///   reported in ``Outcome/stopped``.
    public func run(
        measure: @escaping (RunConfiguration, GILEventRecorder?) throws(GilBenchError) -> RunMeasurement = { c, e throws(GilBenchError) in try Runner.measure(c, events: e) },
        interrupted: @escaping () -> Bool = { Interruption.requested },
        progress: (Progress) -> Void = { _ in }
    ) throws(GilBenchError) -> Outcome {
        let start = MonotonicClock.nanoseconds()
        let runnable = options.selected.filter(\.isAvailable)
        var completed: [String] = []
        var stopped: GilBenchError?
        var timeline: [GILEventRecorder.Event]?
        var skipped: [String: String] = [:]
        let interruption = GilBenchError(.interrupted, "interrupted")
        for (index, experiment) in runnable.enumerated() {
            var configurations = experiment.configurations(options.scale)
            // System calls are counted with perf only: ptrace would re-run the whole command traced,
            // and its timings are not comparable. Without perf the experiment is skipped, with why.
            var counting: SyscallCounting?
            if experiment.countsSystemCalls {
                var why: [String] = []
                if case .count(let c)? = try? SyscallCounting.prepare([.perf], notify: { why.append($0) }), c.counters == [.perf] {
                    counting = c
                    configurations = c.expand(configurations)
                } else {
                    skipped[experiment.id] = why.first ?? "the perf system-call counter cannot be used here"
                    continue
                }
            }
            do throws(GilBenchError) {
                // Hashing without a tree hashes gilbench's own corpus, written once and reused.
                if configurations.contains(where: { $0.workload == .hashing && $0.tree.isEmpty }) {
                    let corpus = Corpus()
                    let root = corpus.defaultLocation()
                    _ = try corpus.ensure(at: root)
                    for i in configurations.indices where configurations[i].workload == .hashing && configurations[i].tree.isEmpty {
                        configurations[i].tree = root
                    }
                }
                try session.run(
                    configurations,
                    measure: { c throws(GilBenchError) in
                        if interrupted() { throw interruption }
                        if let counting { return try counting.measure(c) }
                        return try measure(c, nil)
                    },
                    progress: { done, total, _ in
                        progress(Progress(
                            experimentIndex: index, experimentCount: runnable.count, experiment: experiment.id, done: done, total: total,
                            elapsedSeconds: Double(MonotonicClock.nanoseconds() &- start) / 1e9))
                    })
                if experiment.recordsTimeline, let configuration = configurations.first(where: { $0.mode == .threads }) {
                    if interrupted() { throw interruption }
                    timeline = try recordTimeline(configuration, measure: measure)
                }
                completed.append(experiment.id)
            } catch {
                stopped = error
                break
            }
        }
        var realInterpreter: String?
        if let python = options.python, stopped == nil {
            realInterpreter = measureRealInterpreter(python)
        }
        let findings = Catalogue.experiments.flatMap { experiment -> [Finding] in
            let selected = options.selected.contains { $0.id == experiment.id }
            var findings = experiment.findings(session.rows, ran: selected)
            if let why = skipped[experiment.id] {
                for i in findings.indices { findings[i].verdict = .notMeasured(reason: why) }
            }
            if selected, experiment.isAvailable, !completed.contains(experiment.id), let stopped {
                for i in findings.indices where session.rows.allSatisfy({ $0.key.experiment != experiment.id }) {
                    findings[i].verdict = .notMeasured(reason: stopped.code == .interrupted ? "interrupted before it ran" : "the run failed before it: \(stopped)")
                }
            }
            return findings
        }
        let plots = PlotSet.plots(
            rows: session.rows, timeline: timeline,
            timelineSubtitle: "countdown, 2 threads, 2 CPUs, condition-variable lock, n = \(grouped(Double(Reproduction.timelineN)))")
        let plotPaths = try PlotSet.write(plots, to: options.plotsDirectory)
        if let timeline {
            try Reproduction.write(GILTimelineFile.render(timeline), to: (options.resultsDirectory as NSString).appendingPathComponent("\(session.runID)-timeline.csv"))
        }
        let report = ReproductionReport(
            options: options, machine: session.machine, runID: session.runID, csvFileName: (csvPath as NSString).lastPathComponent,
            rows: session.rows, findings: findings, plots: plots, completed: completed, stopped: stopped,
            elapsedSeconds: Double(MonotonicClock.nanoseconds() &- start) / 1e9, realInterpreter: realInterpreter)
        let reportPath = (options.resultsDirectory as NSString).appendingPathComponent("REPORT.md")
        try Reproduction.write(report.render(), to: reportPath)
        return Outcome(
            csvPath: csvPath, reportPath: reportPath, plotPaths: plotPaths, findings: findings, rows: session.rows.count,
            completed: completed, stopped: stopped)
    }

    /// The experiment label of the real interpreter's rows and of the simulator's rows beside them.
    public static let pythonExperiment = "python"
    public static let pythonSimulatorExperiment = "python-sim"

    /// Runs the slides' countdown on a real interpreter (sequential, 2 threads, 2 threads on one CPU, 2
    /// processes) and the simulator's matching GIL design on the same sizes, and returns the report's
    /// section: per ratio the 2009 figure, the real interpreter, the simulator and its error. An
    /// interpreter that cannot be measured gives the section one line saying why; the run goes on.
    func measureRealInterpreter(_ python: String) -> String {
        var md = "## The real interpreter beside the simulator\n\n"
        do throws(GilBenchError) {
            let bench = try PythonBench(python: python)
            let scale = options.scale
            var experiments = PythonExperiment.catalogue(
                for: bench.interpreter, n: scale.countdownN, raceN: 0, tree: nil, repetitions: scale.repetitions, sweep: [])
            experiments = experiments.filter { $0.configuration.workload == .countdown }
            for i in experiments.indices {
                experiments[i].configuration.experiment = Reproduction.pythonExperiment
                experiments[i].configuration.warmup = scale.warmup
            }
            let byConfiguration = Dictionary(experiments.map { ($0.configuration, $0) }, uniquingKeysWith: { a, _ in a })
            try session.run(experiments.map(\.configuration), measure: { c throws(GilBenchError) in try bench.measure(byConfiguration[c]!) })
            let design = bench.interpreter.gilDesign
            if let design {
                let simulated = experiments.map { e in
                    var c = e.configuration
                    c.engine = .simulator
                    c.experiment = Reproduction.pythonSimulatorExperiment
                    c.gil = design
                    return c
                }
                try session.run(simulated)
            }
            let rows = session.rows.filter {
                $0.key.experiment == Reproduction.pythonExperiment || $0.key.experiment == Reproduction.pythonSimulatorExperiment
            }
            let fidelity = Fidelity(rows: rows)
            md += "`\(python)` is \(bench.interpreter.engine). The slides' countdown ran on it, measured from outside "
            md += "(wall time from start to exit, CPU time of its whole process tree), and on the simulator's "
            md += "`\(design?.rawValue ?? "-")` design, the GIL it has, with the same sizes. The simulator's error is "
            md += "(simulator − real) / real on each ratio of median wall times.\n\n"
            md += fidelity.entries.isEmpty ? "No ratio could be compared (gilbench has no model of this interpreter's GIL).\n" : fidelity.markdown(slides: Reproduction.slideRatios)
        } catch {
            md += "`\(python)` could not be measured: \(error)\n"
        }
        return md + "\n"
    }

    /// The slides' ratios that the real interpreter's section compares: slide 80 and 133.
    static let slideRatios: [String: Double] = {
        func value(_ slide: Int, _ prefix: String) -> Double? {
            SlideReference.rows.first { $0.slide == slide && $0.figure.hasPrefix(prefix) }.flatMap { Double($0.value) }
        }
        guard let sequential = value(80, "sequential"), let threads = value(80, "two threads each"),
              let oneCPU = value(80, "two threads with one CPU"), let processes = value(133, "two processes")
        else { return [:] }
        return ["threads/sequential": threads / sequential, "1 cpu/2 cpus": oneCPU / threads, "processes/sequential": processes / sequential]
    }()

    /// Countdown size of the timeline run: short, so the recording is small and the plot legible.
    public static let timelineN = 200_000

    /// A short extra run of `configuration` with the GIL's event recorder on (not written to the CSV:
    /// recording perturbs the timings).
    func recordTimeline(
        _ configuration: RunConfiguration, measure: (RunConfiguration, GILEventRecorder?) throws(GilBenchError) -> RunMeasurement
    ) throws(GilBenchError) -> [GILEventRecorder.Event] {
        var short = configuration
        short.n = min(configuration.n, Reproduction.timelineN)
        let recorder = GILEventRecorder()
        _ = try measure(short, recorder)
        return recorder.events()
    }

    static func write(_ text: String, to path: String) throws(GilBenchError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot write \(path)")
        }
    }
}
