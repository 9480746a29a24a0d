import GilBenchResults
import GilBenchSimulator
import GilBenchSystem

/// Runs the slides' Python programs on real interpreters and, beside each, the simulator's twins under
/// the GIL design the interpreter has, alternating repetition by repetition, so that drift on a noisy
/// machine falls on both alike. `gilbench python`, `gilbench reproduce --python` and the tests all
/// measure real interpreters through it.
public struct InterpreterComparison {
    /// What to run on each interpreter and how often.
    public struct Options: Sendable {
        /// Countdown start value per task.
        public var n = Workload.countdown.defaultN
        /// The race's updates per thread.
        public var raceN = Workload.race.defaultN
        /// The long tick's range.
        public var longTickN = PythonExperiment.longTickN
        /// The tree the hashing programs hash; nil: no hashing programs.
        public var tree: String?
        /// The interval sweep's values (seconds on CPython 3, ticks on 2); nil: the catalogue's
        /// default; empty: no sweep.
        public var sweep: [Double]?
        /// The twins to run (`PythonExperiment/twinNames`); empty: all of them.
        public var twins: [String] = []
        /// Further twins run only on the interpreters of one minor version, by version
        /// (`["3.11": ["server"]]`: the server's twins on CPython 3.11 alone, as issue 24's check asks).
        public var versionTwins: [String: [String]] = [:]
        public var repetitions = RunConfiguration().repetitions
        /// Unrecorded warm-ups per configuration; nil: the catalogue's (none).
        public var warmup: Int?
        /// Whether the simulator's twins run beside the interpreter's programs.
        public var simulator = true
        /// Whether the interpreter's GIL calls are counted with uprobes (`PythonBench.countsGIL`).
        public var countsGIL = false
        /// The experiment label of the interpreter's rows and of the simulator's; nil: the catalogue's.
        public var experimentLabels: (real: String, simulator: String)?
        /// The server's twins: the connections each model serves, and the CPU-bound threads beside it.
        public var serverConnections = PythonExperiment.serverConnections
        public var serverCPUThreads = [0]
        /// The server twins' warm-up and measured window, in seconds (their simulator twins copy it);
        /// `reproduce` shortens it to the events experiment's.
        public var serverWindow = PythonExperiment.serverWindow

        public init() {}

        /// Checks the sizes, the repetitions and the twins' names.
        /// - Throws: `GilBenchError` (`.usage`) naming the first that is wrong.
        public func validate() throws(GilBenchError) {
            guard n >= 0 else { throw GilBenchError(.n, "must be 0 or more (got \(n))") }
            guard raceN >= 0 else { throw GilBenchError(.raceN, "must be 0 or more (got \(raceN))") }
            guard longTickN >= 0 else { throw GilBenchError(.longTickN, "must be 0 or more (got \(longTickN))") }
            guard repetitions >= 1 else { throw GilBenchError(.repetitions, "must be at least 1 (got \(repetitions))") }
            if let bad = serverConnections.first(where: { !(1...RunConfiguration.maxConnections).contains($0) }) {
                throw GilBenchError(.connections, "must be between 1 and \(RunConfiguration.maxConnections) (got \(bad))")
            }
            guard serverWindow.warmup >= 0 && serverWindow.duration > 0 && serverWindow.duration <= 3600 else {
                throw GilBenchError(.duration, "must be above 0 and at most 3600 seconds, after a warm-up of 0 s or more (got \(serverWindow))")
            }
            if let bad = serverCPUThreads.first(where: { !(0...1023).contains($0) }) {
                throw GilBenchError(.cpuThreads, "must be between 0 and 1023 (got \(bad))")
            }
            if let unknown = (twins + versionTwins.values.joined()).first(where: { !PythonExperiment.twinNames.contains($0) }) {
                throw GilBenchError(.usage, "unknown --only '\(unknown)' (one of \(PythonExperiment.twinNames.joined(separator: ", ")))")
            }
        }
    }

    /// What is about to run on one interpreter, for a progress line.
    public struct Start: Sendable {
        /// The interpreter as named (`python3`, a path).
        public var python: String
        /// Its engine (`cpython-3.11.7`).
        public var engine: String
        public var experiments: Int
        public var simulatorTwins: Int
        public var repetitions: Int
        /// The twins it cannot run, with why (``PythonExperiment/leftOut(for:)``).
        public var leftOut: String? = nil

        /// `python3 is cpython-3.11.7: 12 experiments, 9 simulator twins, 5 repetitions each`, then
        /// what was left out: `; jython-2.7.3 has no multiprocessing (processes and pools left out)`.
        public var line: String {
            "\(python) is \(engine): \(experiments) experiments, \(simulatorTwins) simulator twins, \(repetitions) repetitions each"
                + (leftOut.map { "; \($0)" } ?? "")
        }
    }

    /// What a run tells as it goes, for the command line to print at once.
    public enum Event: Sendable {
        /// What `--python auto` or `all` found, took and skipped, and why.
        case decided([InterpreterDiscovery.Decision])
        /// An interpreter's programs are about to run.
        case started(Start)
        /// An interpreter was measured, or could not be.
        case finished(RealInterpreterComparison)
    }

    public var options: Options
    /// The system-call counting of every run (the first counter for the interpreter's; each of them
    /// for the simulator's twins).
    public var counting: SyscallCounting

    public init(_ options: Options, counting: SyscallCounting = .none()) {
        self.options = options
        self.counting = counting
    }

    /// Resolves `selection` (`InterpreterDiscovery.resolve`) and measures each
    /// interpreter it takes, in `session`, one after another. An interpreter that cannot be measured
    /// gives its reason in its ``RealInterpreterComparison``; the others still run.
    /// - Returns: what discovery decided, and one comparison per interpreter taken.
    public func measure(
        _ selection: PythonSelection, in session: Session, events: (Event) -> Void = { _ in }
    ) -> (decisions: [InterpreterDiscovery.Decision], comparisons: [RealInterpreterComparison]) {
        let (names, decisions) = InterpreterDiscovery.resolve(selection)
        events(.decided(decisions))
        let comparisons = names.map { name in
            let comparison = measure(name, in: session, started: { events(.started($0)) })
            events(.finished(comparison))
            return comparison
        }
        return (decisions, comparisons)
    }

    /// Measures one interpreter's programs and, with ``Options/simulator``, the simulator's twins
    /// beside them, every row recorded in `session`.
    /// - Returns: the interpreter's rows and its twins' with the simulator's error on each ratio and
    ///   the slides' claims on both; or why it could not be measured.
    public func measure(_ python: String, in session: Session, started: (Start) -> Void = { _ in }) -> RealInterpreterComparison {
        do throws(GilBenchError) {
            let bench = try PythonBench(python: python)
            bench.countsGIL = options.countsGIL
            let experiments = self.experiments(for: bench.interpreter)
            let design = bench.interpreter.gilDesign
            // Twins of several programs (the server's asyncio and generators) are one configuration, run once.
            let twins = options.simulator
                ? counting.expand(experiments.compactMap { twin(of: $0, design: design) }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
                : []
            started(Start(
                python: python, engine: bench.interpreter.engine, experiments: experiments.count, simulatorTwins: twins.count,
                repetitions: options.repetitions, leftOut: PythonExperiment.leftOut(for: bench.interpreter)))
            let before = session.rows.count
            try run(experiments, twins: twins, on: bench, in: session)
            let rows = Array(session.rows[before...])
            return RealInterpreterComparison(
                python: python,
                result: .success(.init(
                    engine: bench.interpreter.engine, design: design, rows: rows, fidelity: Fidelity(rows: rows),
                    gilCountingProblem: bench.gilCountingProblem)))
        } catch {
            return RealInterpreterComparison(python: python, result: .failure(error))
        }
    }

    /// Measures `experiments` on `bench` and the simulator's `twins`, their repetitions alternating,
    /// every row recorded in `session`.
    private func run(_ experiments: [PythonExperiment], twins: [RunConfiguration], on bench: PythonBench, in session: Session) throws(GilBenchError) {
        let byConfiguration = Dictionary(experiments.map { ($0.configuration, $0) }, uniquingKeysWith: { a, _ in a })
        // The interpreter's runs and the simulator's twins alternate, repetition by repetition.
        try session.run(experiments.map(\.configuration) + twins, measure: { c throws(GilBenchError) in
            guard let experiment = byConfiguration[c] else { return try counting.measure(c) }
            return try bench.measure(experiment, probes: try counting.makeProbe().map { [$0] } ?? [])
        })
    }

    /// One extra round of `keys`, configurations `comparison` measured in `session` (the
    /// interpreter's and the simulator's twins'; ``Fidelity/configurationsToMeasureAgain``): each once,
    /// without warm-up, alternating, numbered on from their last repetition so that the new pairs
    /// are pairs too. Keys `session` did not measure are left out.
    /// - Returns: the comparison with the new rows, its fidelity and claims judged on all of its rows,
    ///   and its ``RealInterpreterComparison/Measured/extraRounds`` counted; `comparison` itself when
    ///   it failed or no key is left.
    /// - Throws: `GilBenchError` when the interpreter cannot be identified again or a run fails; the
    ///   rows measured before stay in `session`.
    public func measureAgain(
        _ keys: [ConfigurationKey], of comparison: RealInterpreterComparison, in session: Session
    ) throws(GilBenchError) -> RealInterpreterComparison {
        guard case .success(var measured) = comparison.result else { return comparison }
        let once = session.extraRound(of: keys)
        guard !once.isEmpty else { return comparison }
        let bench = try PythonBench(python: comparison.python)
        bench.countsGIL = options.countsGIL
        // The interpreter's configurations are its experiments' (their program and interval); the
        // others are the simulator's twins.
        let programs = experiments(for: bench.interpreter)
        var experiments: [PythonExperiment] = []
        var twins: [RunConfiguration] = []
        for c in once {
            if var experiment = programs.first(where: { ConfigurationKey($0.configuration) == ConfigurationKey(c) }) {
                experiment.configuration = c
                experiments.append(experiment)
            } else if c.engine == .simulator {
                twins.append(c)
            }
        }
        let before = session.rows.count
        try run(experiments, twins: twins, on: bench, in: session)
        let rows = measured.rows + session.rows[before...]
        measured.rows = rows
        measured.fidelity = Fidelity(rows: rows)
        measured.claims = ClaimFidelity(rows: rows)
        measured.extraRounds += 1
        return RealInterpreterComparison(python: comparison.python, result: .success(measured))
    }

    /// The programs to run on `interpreter`: the catalogue at the options' sizes, the chosen twins only.
    public func experiments(for interpreter: PythonInterpreter) -> [PythonExperiment] {
        var experiments = PythonExperiment.catalogue(
            for: interpreter, n: options.n, raceN: options.raceN, longTickN: options.longTickN, tree: options.tree,
            repetitions: options.repetitions, sweep: options.sweep, serverConnections: options.serverConnections,
            serverCPUThreads: options.serverCPUThreads, serverWindow: options.serverWindow)
        let minor = interpreter.versionNumbers.prefix(2).map(String.init).joined(separator: ".")
        let versionTwins = options.versionTwins[minor] ?? []
        experiments = experiments.filter { options.twins.isEmpty || options.twins.contains($0.twin) || versionTwins.contains($0.twin) }
        for i in experiments.indices {
            experiments[i].configuration.syscallCounter = counting.counters.first ?? .none
            if let label = options.experimentLabels?.real {
                // The asyncio twin keeps its own label beside the run's, apart from the generators' twin.
                let asyncio = experiments[i].configuration.experiment == PythonExperiment.asyncioLabel
                experiments[i].configuration.experiment = asyncio ? "\(label)-\(PythonExperiment.asyncioLabel)" : label
            }
            if let warmup = options.warmup { experiments[i].configuration.warmup = warmup }
        }
        return experiments
    }

    /// The simulator's configuration of `experiment` under `design`, labelled as the options say.
    func twin(of experiment: PythonExperiment, design: GILDesign?) -> RunConfiguration? {
        guard var c = experiment.simulatorTwin(design: design) else { return nil }
        if let label = options.experimentLabels?.simulator { c.experiment = label }
        return c
    }
}

/// What one real interpreter measured: its programs and the simulator's twins beside them, ratio by
/// ratio; or why it could not be measured. `gilbench python` prints it, ``ReproductionReport``
/// renders it.
public struct RealInterpreterComparison: Sendable {
    /// The interpreter as the command line named it (`python3`).
    public var python: String
    public var result: Result<Measured, GilBenchError>

    public struct Measured: Sendable {
        /// The interpreter's engine name (`cpython-3.11.7`).
        public var engine: String
        /// The simulator's design compared with it: the GIL it has; nil when gilbench has no model of it.
        public var design: GILDesign?
        /// Its rows and the simulator's beside them.
        public var rows: [ResultRow]
        /// The simulator's error on each ratio.
        public var fidelity: Fidelity
        /// The slides' claims decided on its rows and on the simulator's twins.
        public var claims: ClaimFidelity
        /// Why its GIL calls were not counted when they were asked for; nil when they were, or not asked for.
        public var gilCountingProblem: String?
        /// The extra rounds measured for its inconclusive fidelity errors (`InterpreterComparison.measureAgain`).
        public var extraRounds = 0
        /// Why its extra rounds stopped early: a run that failed; nil when they did not.
        public var extraRoundsStopped: GilBenchError?

        public init(
            engine: String, design: GILDesign?, rows: [ResultRow], fidelity: Fidelity, claims: ClaimFidelity? = nil,
            gilCountingProblem: String? = nil
        ) {
            self.engine = engine
            self.design = design
            self.rows = rows
            self.fidelity = fidelity
            self.claims = claims ?? ClaimFidelity(rows: rows)
            self.gilCountingProblem = gilCountingProblem
        }
    }

    public init(python: String, result: Result<Measured, GilBenchError>) {
        self.python = python
        self.result = result
    }
}

extension InterpreterComparison {
    /// The server's real twins (``ServerTwins``), with the simulator's beside them when it ran: a
    /// title and the table; empty when `rows` hold no server twin.
    public static func serverTable(_ rows: [ResultRow]) -> String {
        let server = ServerTwins(rows: rows)
        guard !server.entries.isEmpty else { return "" }
        let simulated = server.entries.contains { $0.simulatedRequestsPerSecond != nil }
        return "\nthe server's real twins" + (simulated ? " and the simulator's (medians; error = (simulator - real) / real)" : " (medians)")
            + ":\n" + server.render()
    }

    /// One line per JIT interpreter in `rows` (Jython, PyPy): how many runs of its experiments in
    /// their own process it took before the measured one (`jit_warmups`) until two in a row agreed
    /// within 5%.
    public static func jitWarmUps(_ rows: [ResultRow]) -> [String] {
        let engines = rows.filter { $0.measurements.jitWarmups != nil }.compactMap(\.key.engineName)
            .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return engines.map { engine in
            let counts = rows.filter { $0.key.engineName == engine }.compactMap(\.measurements.jitWarmups).sorted()
            let median = counts[counts.count / 2]
            return "\(engine): its JIT was warmed in each run's own process first, running the experiment until two runs in a row "
                + "agreed within 5% (at most 5): \(median) runs in the median repetition, \(counts.first!) to \(counts.last!) over \(counts.count)"
        }
    }

    /// The tables `gilbench python` prints after the table of medians, from every row of its run: the
    /// simulator's error per ratio against each interpreter, the GIL's traffic per countdown iteration,
    /// the slides' claims on both, the tutorial's costs, a JIT's warm-ups and free threading's cost to one thread; each only when the rows hold it. Empty without simulator twins.
    /// - Parameters:
    ///   - rows: every row of the run, the interpreters' and the simulator's.
    ///   - countsGIL: whether the interpreters' GIL calls were counted (their wall times then carry a
    ///     uprobe trap per call, which the fidelity table says).
    public static func fidelityTables(_ rows: [ResultRow], countsGIL: Bool) -> String {
        var text = ""
        /// A table of real interpreters' times under its title, with `probed` said first when their GIL was counted.
        func timed(_ title: String, probed: String, _ table: String) {
            text += "\n\(title):\n" + (countsGIL ? "(--count-gil: \(probed))\n" : "") + table
        }
        let fidelity = Fidelity(rows: rows)
        if !fidelity.entries.isEmpty {
            timed("simulator against the real interpreter (error = (simulator - real) / real)",
                  probed: "the real interpreters' wall times include a uprobe trap at every GIL call; take times and ratios from a run without it",
                  fidelity.render())
        }
        let costs = CostFidelity(rows: rows)
        if !costs.entries.isEmpty {
            timed("the tutorial's costs, simulator against the real interpreter (per message, per iteration; target ±\(Int(CostFidelity.target * 100))%)",
                  probed: "the real interpreters' times include a uprobe trap at every GIL call", costs.render())
        }
        let traffic = GILTraffic(rows: rows)
        if !traffic.entries.isEmpty {
            text += "\nthe GIL's traffic per countdown iteration, threads, against the real interpreter:\n" + traffic.render()
        }
        let claims = ClaimFidelity(rows: rows)
        if !claims.entries.isEmpty {
            text += "\nthe slides' claims on the real interpreter and on the simulator (error on each claim's ratio):\n" + claims.render()
        }
        let server = ServerFidelity(rows: rows)
        if !server.entries.isEmpty {
            timed("the server, simulator against the real twins (requests/s; target: within \(Int(ServerFidelity.factor))x either way, the same order of models)",
                  probed: "the real interpreters' rates include a uprobe trap at every GIL call", server.render())
        }
        let warmUps = jitWarmUps(rows)
        if !warmUps.isEmpty { text += "\n" + warmUps.map { $0 + "\n" }.joined() }
        let freeThreading = FreeThreadingCost(rows: rows)
        if !freeThreading.entries.isEmpty {
            text += "\nfree threading's cost to one thread (PEP 703), no target:\n" + freeThreading.render()
        }
        return text
    }
}
