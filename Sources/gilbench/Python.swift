import ArgumentParser
import GilBench

struct PythonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "python",
        abstract: "Run the slides' Python programs on a real interpreter, measured like the simulator.",
        discussion: """
            Runs countdown sequential (on the main thread, and on one started thread as a control), \
            2 threads, 2 threads on one CPU, 2 processes (multiprocessing), \
            the race, the long tick, the convoy, the extension, the hashing pool (on --tree, else \
            gilbench's corpus if it was generated), the switch/check-interval sweep, the countdown as \
            two generators under slide 160's scheduler and the pipeline (Queue threads, \
            multiprocessing.Pipe, send() into a generator; 64 B and 64 KiB messages) on each \
            --python, measuring each run from \
            outside: wall and CPU time, context switches and system calls of the interpreter's whole \
            process tree, and with --count-gil its GIL's acquisitions and releases with uprobes (gil_probe \
            names the function counted). --python auto (the default) takes CPython 2.7 and the newest CPython 3 \
            found on PATH and in pyenv's versions folder; all takes every one found; none, none. Rows \
            carry engine=<interpreter>-<version>. With --simulator the simulator's matching GIL design \
            runs the same experiments, alternating with the interpreter's, and the simulator's error \
            against each interpreter is printed per ratio, then the futex calls and GIL acquisitions \
            per countdown iteration in two threads beside the interpreter's. An interpreter that is missing, crashes, is \
            too old or prints garbage gets one line and the run goes on with the others.
            """)

    @Option(parsing: .upToNextOption, help: "Interpreters to measure: auto, all, none, or names on PATH or paths.")
    var python: [String] = ["auto"]

    @Option(parsing: .upToNextOption, help: "Run only these experiments: \(PythonExperiment.twinNames.joined(separator: ", ")).")
    var only: [String] = []

    @Option(help: "Size of the long tick: -1 in xrange(n) on 2.x, sum(range(n)) on 3.x.")
    var longTickN: Int = PythonExperiment.longTickN

    @Option(help: "Countdown start value per task.")
    var n: Int = Workload.countdown.defaultN

    @Option(help: "Increments and decrements per thread for the race.")
    var raceN: Int = Workload.race.defaultN

    @Option(help: "Tree the hashing experiments hash (default: gilbench's corpus, if generated).")
    var tree: String?

    @Flag(help: "Skip the hashing experiments.")
    var noHashing = false

    @Flag(help: "Skip the switch/check-interval sweep.")
    var noSweep = false

    @Option(name: .customLong("repeat"), help: "Repetitions per experiment (run's default: a ratio of 3 pairs moves by 10 points with one disturbed pair).")
    var repetitions: Int = defaultConfiguration.repetitions

    @Flag(help: "Also run the simulator's matching GIL design on the same experiments and print its error per ratio.")
    var simulator = false

    @Flag(help: """
        Count the interpreter's GIL calls with uprobes (gil_acquisitions, gil_releases, gil_probe). A uprobe \
        traps at every call: CPython 2.7's threaded countdown runs many times slower counted, so use \
        these runs for counts, and runs without this flag for times and ratios.
        """)
    var countGil = false

    @OptionGroup var outputOptions: OutputOptions

    @OptionGroup var syscalls: SyscallOptions
    @OptionGroup var retry: RetryOptions

    func validate() throws {
        guard n >= 0 else { throw ValidationError("--n must be 0 or more (got \(n))") }
        guard raceN >= 0 else { throw ValidationError("--race-n must be 0 or more (got \(raceN))") }
        guard longTickN >= 0 else { throw ValidationError("--long-tick-n must be 0 or more (got \(longTickN))") }
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1 (got \(repetitions))") }
        do { _ = try PythonSelection(arguments: python) } catch { throw ValidationError(error.message) }
        if let unknown = only.first(where: { !PythonExperiment.twinNames.contains($0) }) {
            throw ValidationError("unknown --only '\(unknown)' (one of \(PythonExperiment.twinNames.joined(separator: ", ")))")
        }
    }

    func run() throws {
        try reporting {
            let counting = try syscalls.counting()
            let session = try outputOptions.session()
            retry.apply(to: session)
            let hashTree: String? = noHashing ? nil : (tree ?? {
                let corpus = Corpus()
                let path = corpus.defaultLocation()
                return corpus.isComplete(at: path) ? path : nil
            }())
            if !noHashing && hashTree == nil {
                printError("gilbench: no tree to hash (run `gilbench corpus` or give --tree); hashing experiments skipped")
            }
            let (names, decisions) = InterpreterDiscovery.resolve(try PythonSelection(arguments: python))
            for decision in decisions where decision.reason != "named by --python" { printError("gilbench: \(decision.line)") }
            var measured = 0
            for name in names {
                do {
                    let bench = try PythonBench(python: name)
                    bench.countsGIL = countGil
                    var experiments = PythonExperiment.catalogue(
                        for: bench.interpreter, n: n, raceN: raceN, longTickN: longTickN, tree: hashTree, repetitions: repetitions,
                        sweep: noSweep ? [] : nil)
                    experiments = experiments.filter { only.isEmpty || only.contains($0.twin) }
                    for i in experiments.indices { experiments[i].configuration.syscallCounter = counting.counters.first ?? .none }
                    let twins = simulator ? experiments.compactMap { $0.simulatorTwin(design: bench.interpreter.gilDesign) } : []
                    printError("gilbench: \(name) is \(bench.interpreter.engine): \(experiments.count) experiments, \(twins.count) simulator twins, \(repetitions) repetitions each")
                    let byConfiguration = Dictionary(experiments.map { ($0.configuration, $0) }, uniquingKeysWith: { a, _ in a })
                    try session.run(experiments.map(\.configuration) + counting.expand(twins), measure: { c throws(GilBenchError) in
                        guard let experiment = byConfiguration[c] else { return try counting.measure(c) }
                        return try bench.measure(experiment, probes: try counting.makeProbe().map { [$0] } ?? [])
                    })
                    if let problem = bench.gilCountingProblem { printError("gilbench: \(bench.interpreter.engine)'s GIL not counted: \(problem)") }
                    measured += 1
                } catch {
                    printError("gilbench: \(name): " + ((error as? GilBenchError)?.commandLineMessage ?? "\(error)"))
                }
            }
            if !session.rows.isEmpty { print(Summary(rows: session.rows).render(), terminator: "") }
            let fidelity = Fidelity(rows: session.rows)
            if !fidelity.entries.isEmpty {
                print("\nsimulator against the real interpreter (error = (simulator - real) / real):")
                if countGil {
                    print("(--count-gil: the real interpreters' wall times include a uprobe trap at every GIL call; take times and ratios from a run without it)")
                }
                print(fidelity.render(), terminator: "")
            }
            let traffic = GILTraffic(rows: session.rows)
            if !traffic.entries.isEmpty {
                print("\nthe GIL's traffic per countdown iteration, threads, against the real interpreter:")
                print(traffic.render(), terminator: "")
            }
            let claims = ClaimFidelity(rows: session.rows)
            if !claims.entries.isEmpty {
                print("\nthe slides' claims on the real interpreter and on the simulator (error on each claim's ratio):")
                print(claims.render(), terminator: "")
            }
            outputOptions.printAppended(session)
            printSpreadWarnings(session.rows)
            if measured == 0 && !names.isEmpty { throw GilBenchError(.runFailed, "no interpreter could be measured") }
            if names.isEmpty { printError("gilbench: no interpreter to measure (--python \(python.joined(separator: " ")))") }
        }
    }
}
