import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// One `gilbench reproduce`, in three steps a reader can follow in ``run(measure:interrupted:progress:)``:
/// 1. **plan** (``Plan``): the configurations each selected experiment runs, and which cannot run here;
/// 2. **measure** (`measure(_:measure:interrupted:progress:)`): experiment by experiment, repetitions
///    alternating between configurations, every row written to `results/<run>.csv` as it is measured;
///    then extra rounds for the claims whose interval straddles their threshold, within a budget
///    (`measureInconclusive(_:_:measure:interrupted:progress:)`); then the real interpreter
///    (`--python`, ``RealInterpreterComparison``), and extra rounds for the simulator's errors whose
///    interval straddles ±10%, within a budget of their own
///    (`measureUndecidedFidelity(_:interrupted:)`);
/// 3. **report** (`report(_:_:start:)`): the findings, the plots and `results/REPORT.md`.
///
/// An interruption (see `Interruption`) or a failed measurement stops the run between measurements;
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
        /// The real interpreters to measure beside the simulator (`--python`; the CLI's default is `auto`).
        public var python: PythonSelection = .none
        /// Whether the real interpreters' part also compares their GIL, hand-off by hand-off, with the
        /// simulator's (`--timeline`, ``GILTimelineComparison``); off by default, as it adds about
        /// 10 s per interpreter for the countdown and 30 s for the convoy, beyond `reproduce`'s budget.
        public var timeline = false
        /// Whether each real interpreter also runs the tutorial's twins (``tutorialTwins``: the
        /// coroutine countdown and the pipelines), so that the message and coroutine claims are decided
        /// on it beside the simulator and their costs judged (`--tutorial`, ``CostFidelity``); off by
        /// default, as it adds about a minute per interpreter, beyond `reproduce`'s budget.
        public var tutorial = false

        public init(
            scale: ExperimentScale, selected: [Experiment], resultsDirectory: String = "results", plotsDirectory: String = "plots",
            command: String, python: PythonSelection = .none, timeline: Bool = false, tutorial: Bool = false
        ) {
            self.timeline = timeline
            self.tutorial = tutorial
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

        /// `[2/9] countdown: measurement 3 of 20, 7 experiments left, 12 s elapsed`.
        public var line: String {
            "[\(experimentIndex + 1)/\(experimentCount)] \(experiment): measurement \(done + 1) of \(total), "
                + "\(experimentCount - experimentIndex - 1) experiments left, \(Int(elapsedSeconds)) s elapsed"
        }
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

        /// The error a stopped run ends with, saying how far it got of the `selected` experiments
        /// and where its rows are; nil when it finished.
        public func stoppedError(selected: Int) -> GilBenchError? {
            guard let stopped else { return nil }
            let what = stopped.code == .interrupted ? "interrupted" : "stopped: \(stopped)"
            return GilBenchError(
                stopped.code, "\(what) after \(completed.count) of \(selected) experiments; the \(rows) rows measured are in \(csvPath)")
        }
    }

    public let options: Options
    public let session: Session
    public let csvPath: String

    /// Why the hashing experiment hashes with swift-crypto rather than openssl, the core python3's
    /// hashlib calls (`SHA512Core.machineDefault`): one line, for the command line to print before
    /// the run and for the report; nil when it hashes with openssl or is not selected.
    public var sha512Fallback: String? {
        guard options.selected.contains(where: { $0.id == Catalogue.hashing.id }) else { return nil }
        return SHA512Core.machineDefault().fallback
    }

    /// Creates the folders and the CSV file.
    /// - Throws: `GilBenchError` `.unwritableOutput` when a folder or the CSV cannot be created.
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
    /// - Throws: `GilBenchError` only when the report or a plot cannot be written; a stopped run is
    ///   reported in ``Outcome/stopped``.
    public func run(
        measure: @escaping (RunConfiguration, GILEventRecorder?) throws(GilBenchError) -> RunMeasurement = { c, e throws(GilBenchError) in try Runner.measure(c, events: e) },
        interrupted: @escaping () -> Bool = { Interruption.requested },
        progress: (Progress) -> Void = { _ in }
    ) throws(GilBenchError) -> Outcome {
        let start = MonotonicClock.nanoseconds()
        let plan = Plan(options)
        let announce: (Plan.Step, Int, Int) -> Void = { step, done, total in
            progress(Progress(
                experimentIndex: step.position, experimentCount: plan.runnableCount, experiment: step.experiment.id, done: done, total: total,
                elapsedSeconds: Double(MonotonicClock.nanoseconds() &- start) / 1e9))
        }
        var measured = self.measure(plan, measure: measure, interrupted: interrupted, progress: announce)
        if measured.stopped == nil {
            measureInconclusive(plan, &measured, measure: measure, interrupted: interrupted, progress: announce)
        }
        if measured.stopped == nil {
            (measured.interpreterDecisions, measured.realInterpreters) = interpreterComparison.measure(options.python, in: session)
            measureUndecidedFidelity(&measured, interrupted: interrupted)
            if options.timeline && !interrupted() { measured.gilTimeline = measureGILTimelines(measured.realInterpreters) }
        }
        return try report(plan, measured, start: start)
    }

    // MARK: 1. Plan

    /// What a run will measure: for each selected experiment that can run here, its configurations.
    public struct Plan {
        /// One experiment's part of the run.
        public struct Step {
            public var experiment: Experiment
            /// Its place among the selected experiments available in this build (for progress).
            public var position: Int
            /// The configurations at the run's scale (each once per system-call counter, when it counts them).
            public var configurations: [RunConfiguration]
            /// The counter its system calls are counted with; nil when it counts none.
            public var counting: SyscallCounting?

            /// The configurations ready to run: hashing without a tree hashes gilbench's own corpus,
            /// written once and reused.
            /// - Throws: `GilBenchError` when the corpus cannot be written.
            public func prepared() throws(GilBenchError) -> [RunConfiguration] {
                try Step.prepared(configurations)
            }

            /// `configurations` ready to run (see ``prepared()``).
            static func prepared(_ configurations: [RunConfiguration]) throws(GilBenchError) -> [RunConfiguration] {
                var configurations = configurations
                guard configurations.contains(where: { $0.workload == .hashing && $0.tree.isEmpty }) else { return configurations }
                let corpus = Corpus()
                let root = corpus.defaultLocation()
                _ = try corpus.ensure(at: root)
                for i in configurations.indices where configurations[i].workload == .hashing && configurations[i].tree.isEmpty {
                    configurations[i].tree = root
                }
                return configurations
            }
        }

        public var steps: [Step]
        /// How many selected experiments this build has (skipped ones included).
        public var runnableCount: Int
        /// Experiments that cannot run on this machine, with why, by id.
        public var skipped: [Experiment.ID: String]

        /// Plans the selected experiments at the options' scale. System calls are counted with perf
        /// only: ptrace would re-run the whole command traced, and its timings are not comparable.
        /// Without perf an experiment that counts them is skipped, with why.
        public init(_ options: Options) {
            let runnable = options.selected
            runnableCount = runnable.count
            steps = []
            skipped = [:]
            for (position, experiment) in runnable.enumerated() {
                var configurations = experiment.configurations(options.scale)
                var counting: SyscallCounting?
                if experiment.countsSystemCalls {
                    var why: [String] = []
                    do {
                        if case .count(let c) = try SyscallCounting.prepare([.perf], notify: { why.append($0) }), c.counters == [.perf] {
                            counting = c
                            configurations = c.expand(configurations)
                        }
                    } catch {
                        why.insert(error.description, at: 0)
                    }
                    if counting == nil {
                        skipped[experiment.id] = why.first ?? "the perf system-call counter cannot be used here"
                        continue
                    }
                }
                steps.append(Step(experiment: experiment, position: position, configurations: configurations, counting: counting))
            }
        }
    }

    // MARK: 2. Measure

    /// What the measuring step did; its rows are in ``session``.
    public struct Measured {
        /// Experiments that ran to their end.
        public var completed: [String] = []
        /// Why the run stopped early, nil when it finished.
        public var stopped: GilBenchError?
        /// The GIL timeline of the experiment that records one.
        public var timeline: [GILEventRecorder.Event]?
        /// The real interpreters beside the simulator (`--python`); empty when none was asked for or found, or the run stopped.
        public var realInterpreters: [RealInterpreterComparison] = []
        /// What `--python auto` or `all` found, took and skipped, and why.
        public var interpreterDecisions: [InterpreterDiscovery.Decision] = []
        /// The extra rounds measured for inconclusive claims, by experiment id.
        public var extraRounds: [Experiment.ID: Int] = [:]
        /// The real interpreters' GIL timelines beside the simulator's (`--timeline`); nil when not asked for.
        public var gilTimeline: Result<GILTimelineComparison, GilBenchError>?
    }

    /// Measures the plan's steps in order, each row written as measured. An interruption or a failed
    /// measurement stops it between measurements; the rows measured so far stay.
    func measure(
        _ plan: Plan, measure: @escaping (RunConfiguration, GILEventRecorder?) throws(GilBenchError) -> RunMeasurement,
        interrupted: @escaping () -> Bool, progress: (Plan.Step, Int, Int) -> Void
    ) -> Measured {
        var measured = Measured()
        let interruption = GilBenchError(.interrupted, "interrupted")
        for step in plan.steps {
            do throws(GilBenchError) {
                let configurations = try step.prepared()
                try session.run(
                    configurations, measure: Reproduction.measurer(step, measure: measure, interrupted: interrupted),
                    progress: { done, total, _ in progress(step, done, total) })
                if step.experiment.recordsTimeline, let configuration = configurations.first(where: { $0.mode == .threads }) {
                    if interrupted() { throw interruption }
                    measured.timeline = try recordTimeline(configuration, measure: measure)
                }
                measured.completed.append(step.experiment.id)
            } catch {
                measured.stopped = error
                break
            }
        }
        return measured
    }

    /// One measurement of `step`'s configurations: with its system-call counter when it counts them;
    /// throws `.interrupted` when `interrupted` says so.
    static func measurer(
        _ step: Plan.Step, measure: @escaping (RunConfiguration, GILEventRecorder?) throws(GilBenchError) -> RunMeasurement,
        interrupted: @escaping () -> Bool
    ) -> (RunConfiguration) throws(GilBenchError) -> RunMeasurement {
        { c throws(GilBenchError) in
            if interrupted() { throw GilBenchError(.interrupted, "interrupted") }
            if let counting = step.counting { return try counting.measure(c) }
            return try measure(c, nil)
        }
    }

    /// At most this many extra rounds for the configurations of inconclusive claims.
    public static let extraRounds = 3
    /// The extra rounds may take at most this share of the time the experiments took to measure
    /// (the summed wall time of the repetitions measured so far): the default `reproduce` stays at
    /// about a minute, and a claim near its threshold gets the pairs it needs to be decided (with 3
    /// pairs the interval spans them all, so one disturbed pair is enough to leave it undecided).
    public static let extraTimeShare = 1.0 / 3

    /// Measures again the configurations of the claims whose interval straddles their threshold
    /// (``Verdict/inconclusive(_:)``): one round at a time (each configuration once, next to each
    /// other, numbered on so that pairs stay pairs), re-judging after each, up to ``extraRounds`` and
    /// while the rounds fit in ``extraTimeShare`` of the time measured so far (a round's cost is
    /// guessed from its configurations' median wall times). Only experiments that ran to their end
    /// get rounds. An interruption or a failure stops the extra rounds and is kept in
    /// ``Measured/stopped``; the rows measured so far stay.
    func measureInconclusive(
        _ plan: Plan, _ measured: inout Measured,
        measure: @escaping (RunConfiguration, GILEventRecorder?) throws(GilBenchError) -> RunMeasurement,
        interrupted: @escaping () -> Bool, progress: (Plan.Step, Int, Int) -> Void
    ) {
        let measuredSeconds = session.rows.compactMap(\.wallSeconds).reduce(0, +)
        let budget = measuredSeconds * Reproduction.extraTimeShare
        var spent = 0.0
        for _ in 0..<Reproduction.extraRounds {
            var measuredAny = false
            for step in plan.steps where measured.completed.contains(step.experiment.id) {
                let summary = Summary(rows: session.rows.filter { $0.key.experiment == step.experiment.id })
                var keys: [ConfigurationKey] = []
                for finding in step.experiment.findings(session.rows) {
                    guard case .inconclusive = finding.verdict else { continue }
                    for key in finding.observation?.configurations ?? [] where !keys.contains(key) { keys.append(key) }
                }
                let configurations = session.extraRound(of: keys)
                let cost = summary.medianWallSeconds(of: keys)
                guard !configurations.isEmpty, spent + cost <= budget else { continue }
                let before = session.rows.count
                do throws(GilBenchError) {
                    try session.run(
                        configurations, measure: Reproduction.measurer(step, measure: measure, interrupted: interrupted),
                        progress: { done, total, _ in progress(step, done, total) })
                } catch {
                    measured.stopped = error
                    return
                }
                spent += session.rows[before...].compactMap(\.wallSeconds).reduce(0, +)
                measured.extraRounds[step.experiment.id, default: 0] += 1
                measuredAny = true
            }
            if !measuredAny { return }
        }
    }

    /// At most this many extra rounds for the configurations of fidelity errors not yet within: with
    /// the 5 pairs of ``pythonRepetitions(_:)`` each side's 95% interval spans its smallest pair to
    /// its largest, so an error's interval is about as wide as both sides' spreads together; 3 more
    /// rounds make 8 pairs, whose interval leaves out the extreme pair on each side. (5 rounds, which
    /// double the pairs, took the default `reproduce` with three interpreters to 182-194 s, past its
    /// 180 s.)
    public static let fidelityExtraRounds = 3
    /// The fidelity's extra rounds may take at most this share of the time the real interpreters'
    /// part measured (the summed wall time of its rows, the interpreters' and the simulator's twins'):
    /// with CPython 2.7, 3.13 and the free-threaded 3.13 that `--python auto` finds here, the rows of
    /// that part sum to about 80 s at the quick size, so the extra rounds add at most about 40 s and
    /// `reproduce` with them stays within 3 minutes on two cores (at 1, a full share, it took 188-195 s).
    public static let fidelityExtraTimeShare = 0.5

    /// Measures again the configurations of the simulator's errors whose 95% interval straddles ±10%
    /// (``Fidelity/Verdict/inconclusive``) or lies beyond it (``Fidelity/Verdict/beyond``, so that a
    /// miss is printed only when it holds on more than one round of pairs;
    /// ``Fidelity/configurationsToMeasureAgain``), interpreter by interpreter: one round at a time (each of
    /// their configurations and its twin once, alternating, numbered on so that pairs stay pairs;
    /// `InterpreterComparison.measureAgain`), re-judging after each, up to ``fidelityExtraRounds``
    /// and while the rounds fit in ``fidelityExtraTimeShare`` of the time the real interpreters'
    /// part measured (a round's cost is guessed from its configurations' median wall times). A round
    /// that fails stops that interpreter's rounds (kept in its `extraRoundsStopped`); an interruption
    /// stops them all and is kept in ``Measured/stopped``.
    func measureUndecidedFidelity(_ measured: inout Measured, interrupted: () -> Bool) {
        let comparison = interpreterComparison
        let measuredSeconds = measured.realInterpreters.flatMap { (try? $0.result.get())?.rows ?? [] }.compactMap(\.wallSeconds).reduce(0, +)
        let budget = measuredSeconds * Reproduction.fidelityExtraTimeShare
        var spent = 0.0
        for _ in 0..<Reproduction.fidelityExtraRounds {
            var measuredAny = false
            for i in measured.realInterpreters.indices {
                guard case .success(let real) = measured.realInterpreters[i].result, real.extraRoundsStopped == nil else { continue }
                let keys = real.fidelity.configurationsToMeasureAgain
                let summary = Summary(rows: real.rows)
                let cost = summary.medianWallSeconds(of: keys)
                guard !keys.isEmpty, spent + cost <= budget else { continue }
                if interrupted() {
                    measured.stopped = GilBenchError(.interrupted, "interrupted")
                    return
                }
                let before = session.rows.count
                do throws(GilBenchError) {
                    measured.realInterpreters[i] = try comparison.measureAgain(keys, of: measured.realInterpreters[i], in: session)
                    measuredAny = true
                } catch {
                    var stopped = real
                    stopped.extraRoundsStopped = error
                    measured.realInterpreters[i].result = .success(stopped)
                }
                spent += session.rows[before...].compactMap(\.wallSeconds).reduce(0, +)
            }
            if !measuredAny { return }
        }
    }

    /// The file name of the plot of the simulator's ratios against the real interpreters'.
    public static let fidelityPlotName = "fidelity.svg"

    /// The experiment label of the real interpreter's rows and of the simulator's rows beside them.
    public static let pythonExperiment = "python"
    public static let pythonSimulatorExperiment = "python-sim"

    /// The twins `reproduce` runs on each real interpreter: `python --only` names. The extension, the
    /// interval sweep and hashing are left to `gilbench python`, to keep `reproduce` within its budget.
    public static let pythonTwins = ["countdown", "race", "long-tick"]

    /// The tutorial's twins `reproduce --tutorial` adds on each real interpreter: the countdown as two
    /// generators under slide 160's scheduler, and the pipeline in threads, processes and coroutines.
    public static let tutorialTwins = ["coroutines", "pipeline"]

    /// The minor version whose interpreter also runs the server's twins when the `events` experiment
    /// is selected (issue 24's check: the simulated server within 2x of CPython 3.11's, the models in
    /// the same order; ``ServerFidelity``). `--python auto` does not take it, so that the default
    /// `reproduce` stays within its time: name it (`--python ~/.pyenv/versions/3.11.7/bin/python`)
    /// or take `all`.
    public static let serverTwinVersion = "3.11"

    /// The connections of the server's twins in issue 24's check.
    public static let serverTwinConnections = [1, 100, 1_000]

    /// The server twins' name among `PythonExperiment.twinNames`, when this build has them.
    static var serverTwin: [String] { PythonExperiment.twinNames.contains("server") ? ["server"] : [] }

    /// Repetitions of each real interpreter's twins and of the simulator's beside them: the scale's,
    /// but at least `gilbench run`'s default (5). The fidelity tables compare ratios of medians of
    /// pairs, and at the quick scale each run lasts about 0.2 s: with 3 pairs one disturbed pair moves
    /// a ratio by 10 points or more.
    public static func pythonRepetitions(_ scale: ExperimentScale) -> Int {
        max(scale.repetitions, RunConfiguration().repetitions)
    }

    /// The real interpreters' part of the run: the slides' countdown (sequential, 2 threads, 2 threads
    /// on one CPU, 2 processes), the race (n = 1,000,000 per thread, as the reproduction's) and the
    /// long tick (`PythonExperiment.longTickN`) on each, beside the simulator's matching GIL design on
    /// the same sizes (``InterpreterComparison``); and when the `events` experiment runs, the server's
    /// twins on CPython 3.11 alone (``serverTwinVersion``).
    var interpreterComparison: InterpreterComparison { Reproduction.interpreterComparison(options) }

    /// ``interpreterComparison`` for `options`.
    static func interpreterComparison(_ options: Options) -> InterpreterComparison {
        var o = InterpreterComparison.Options()
        o.n = options.scale.countdownN
        o.tree = nil
        o.sweep = []
        o.twins = Reproduction.pythonTwins + (options.tutorial ? Reproduction.tutorialTwins : [])
        if options.selected.contains(where: { $0.id == Catalogue.events.id }), !Reproduction.serverTwin.isEmpty {
            // Issue 24's check: every model at 1, 100 and 1,000 connections, alone and beside one
            // CPU-bound thread, in the events experiment's window.
            o.versionTwins = [Reproduction.serverTwinVersion: Reproduction.serverTwin]
            o.serverConnections = Reproduction.serverTwinConnections
            o.serverCPUThreads = [0, 1]
            o.serverWindow = Catalogue.serverWindow(options.scale)
        }
        o.repetitions = Reproduction.pythonRepetitions(options.scale)
        o.warmup = options.scale.warmup
        o.experimentLabels = (Reproduction.pythonExperiment, Reproduction.pythonSimulatorExperiment)
        return InterpreterComparison(o)
    }

    /// The countdown size of the GIL timeline comparison (`--timeline`): long enough for CPython 3's two
    /// threads to hand the GIL over about 20 times at its 5 ms interval.
    public static let gilTimelineN = 2_000_000

    /// `--timeline`: each real interpreter measured with a GIL (the free-threaded ones have none to
    /// probe) recorded hand-off by hand-off beside its simulator twin (``GILTimelineComparison``), one
    /// round of the countdown in threads (2 CPUs and 1) and of the convoy; the first that cannot be
    /// recorded (no uprobes, a stripped build) ends it with its error.
    func measureGILTimelines(_ real: [RealInterpreterComparison]) -> Result<GILTimelineComparison, GilBenchError> {
        var o = InterpreterComparison.Options()
        o.n = Reproduction.gilTimelineN
        o.twins = ["countdown", "convoy"]
        o.tree = nil
        o.sweep = []
        let comparison = InterpreterComparison(o)
        var all = GILTimelineComparison(runID: session.runID)
        for interpreter in real {
            guard case .success(let measured) = interpreter.result, let design = measured.design, design != .none else { continue }
            do {
                all.rows += try GILTimelineComparison.measure(interpreter.python, comparison: comparison, rounds: 1, runID: session.runID).rows
            } catch {
                return .failure(error)
            }
        }
        return .success(all)
    }

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

    // MARK: 3. Report

    /// Draws the findings from the rows, writes the plots, the timeline and `REPORT.md`.
    /// - Throws: ``GilBenchError`` `.unwritableOutput` when a file cannot be written.
    func report(_ plan: Plan, _ measured: Measured, start: UInt64) throws(GilBenchError) -> Outcome {
        let findings = Reproduction.findings(selected: options.selected, rows: session.rows, skipped: plan.skipped, measured: measured)
        var plots = PlotSet.plots(
            rows: session.rows, timeline: measured.timeline,
            timelineSubtitle: "countdown, 2 threads, 2 CPUs, condition-variable lock, n = \(grouped(Double(Reproduction.timelineN)))")
        let fidelity = measured.realInterpreters.flatMap { real in (try? real.result.get())?.fidelity.entries ?? [] }
        if !fidelity.isEmpty {
            plots.append(NamedPlot(
                fileName: Reproduction.fidelityPlotName, caption: "The simulator's ratios against the real interpreters', around y = x and its ±10% band, each with its error's 95% interval",
                svg: FidelityChart(
                    entries: fidelity,
                    subtitle: "countdown, n = \(grouped(Double(options.scale.countdownN))) per task; one point per ratio, its bar the error's 95% interval"
                ).render()))
        }
        let plotPaths = try PlotSet.write(plots, to: options.plotsDirectory)
        if let timeline = measured.timeline {
            try Reproduction.write(GILTimelineFile.render(timeline), to: (options.resultsDirectory as NSString).appendingPathComponent("\(session.runID)-timeline.csv"))
        }
        if case .success(let comparison)? = measured.gilTimeline {
            try Reproduction.write(comparison.csv, to: (options.resultsDirectory as NSString).appendingPathComponent("\(session.runID)-gil-timeline.csv"))
        }
        let report = ReproductionReport(
            options: options, machine: session.machine, runID: session.runID, csvFileName: (csvPath as NSString).lastPathComponent,
            rows: session.rows, findings: findings, plots: plots, completed: measured.completed, stopped: measured.stopped,
            elapsedSeconds: Double(MonotonicClock.nanoseconds() &- start) / 1e9, realInterpreters: measured.realInterpreters,
            interpreterDecisions: measured.interpreterDecisions, extraRounds: measured.extraRounds, sha512Fallback: sha512Fallback,
            gilTimeline: measured.gilTimeline)
        let reportPath = (options.resultsDirectory as NSString).appendingPathComponent("REPORT.md")
        try Reproduction.write(report.render(), to: reportPath)
        return Outcome(
            csvPath: csvPath, reportPath: reportPath, plotPaths: plotPaths, findings: findings, rows: session.rows.count,
            completed: measured.completed, stopped: measured.stopped)
    }

    /// The verdict on every claim of the catalogue: from the rows for the experiments that ran; not
    /// selected, skipped (with why) or not reached (interrupted or failed before it) for the others.
    static func findings(selected: [Experiment], rows: [ResultRow], skipped: [Experiment.ID: String], measured: Measured) -> [Finding] {
        let ceiling = Catalogue.ceiling(rows)
        return Catalogue.experiments.flatMap { experiment -> [Finding] in
            let isSelected = selected.contains { $0.id == experiment.id }
            var findings = experiment.findings(rows, ran: isSelected, ceiling: ceiling)
            if let why = skipped[experiment.id] {
                for i in findings.indices { findings[i].verdict = .notMeasured(reason: why) }
            }
            if isSelected, !measured.completed.contains(experiment.id), let stopped = measured.stopped {
                for i in findings.indices where rows.allSatisfy({ $0.key.experiment != experiment.id }) {
                    findings[i].verdict = .notMeasured(reason: stopped.code == .interrupted ? "interrupted before it ran" : "the run failed before it: \(stopped)")
                }
            }
            return findings
        }
    }

    static func write(_ text: String, to path: String) throws(GilBenchError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot write \(path)")
        }
    }
}
