import ArgumentParser
import GilBench

struct PythonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "python",
        abstract: "Run the slides' Python programs on a real interpreter, measured like the simulator.",
        discussion: """
            Runs countdown sequential, 2 threads, 2 threads on one CPU, 2 processes (multiprocessing), \
            the race, the hashing pool (on --tree, else gilbench's corpus if it was generated) and the \
            switch/check-interval sweep on each --python, measuring each run from outside: wall and CPU \
            time, context switches and system calls of the interpreter's whole process tree. Rows carry \
            engine=<interpreter>-<version>. With --simulator the simulator's matching GIL design runs \
            the same countdown and the simulator's error against each interpreter is printed per ratio. \
            An interpreter that is missing, crashes, is too old or prints garbage gets one line and the \
            run goes on with the others.
            """)

    @Option(parsing: .upToNextOption, help: "Interpreters to measure (a name on PATH or a path).")
    var python: [String] = ["python3"]

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

    @Option(name: .customLong("repeat"), help: "Repetitions per experiment.")
    var repetitions: Int = 3

    @Flag(help: "Also run the simulator's matching GIL design on the countdown and print its error per ratio.")
    var simulator = false

    @OptionGroup var outputOptions: OutputOptions

    @OptionGroup var syscalls: SyscallOptions
    @OptionGroup var retry: RetryOptions

    func validate() throws {
        guard n >= 0 else { throw ValidationError("--n must be 0 or more (got \(n))") }
        guard raceN >= 0 else { throw ValidationError("--race-n must be 0 or more (got \(raceN))") }
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1 (got \(repetitions))") }
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
            var designs: Set<GILDesign> = []
            var measured = 0
            for name in python {
                do {
                    let bench = try PythonBench(python: name)
                    var experiments = PythonExperiment.catalogue(
                        for: bench.interpreter, n: n, raceN: raceN, tree: hashTree, repetitions: repetitions,
                        sweep: noSweep ? [] : nil)
                    for i in experiments.indices { experiments[i].configuration.syscallCounter = counting.counters.first ?? .none }
                    printError("gilbench: \(name) is \(bench.interpreter.engine): \(experiments.count) experiments, \(repetitions) repetitions each")
                    let byConfiguration = Dictionary(experiments.map { ($0.configuration, $0) }, uniquingKeysWith: { a, _ in a })
                    try session.run(experiments.map(\.configuration), measure: { c throws(GilBenchError) in
                        try bench.measure(byConfiguration[c]!, probes: try counting.makeProbe().map { [$0] } ?? [])
                    })
                    if let design = bench.interpreter.gilDesign { designs.insert(design) }
                    measured += 1
                } catch {
                    printError("gilbench: \(name): " + ((error as? GilBenchError)?.commandLineMessage ?? "\(error)"))
                }
            }
            if simulator {
                var simulated: [RunConfiguration] = []
                for design in GILDesign.allCases where designs.contains(design) {
                    for (mode, cpus) in [(ExecutionMode.sequential, CPUSelection.all), (.threads, .all), (.threads, .count(1)), (.processes, .all)] {
                        var c = RunConfiguration()
                        c.gil = design
                        c.mode = mode
                        c.cpus = cpus
                        c.n = n
                        c.tasks = 2
                        c.processes = 2
                        c.repetitions = repetitions
                        c.warmup = 0
                        simulated.append(c)
                    }
                }
                try session.run(counting.expand(simulated), measure: counting.measure)
            }
            if !session.rows.isEmpty { print(Summary(rows: session.rows).render(), terminator: "") }
            let fidelity = Fidelity(rows: session.rows)
            if !fidelity.entries.isEmpty {
                print("\nsimulator against the real interpreter (error = (simulator - real) / real):")
                print(fidelity.render(), terminator: "")
            }
            outputOptions.printAppended(session)
            printSpreadWarnings(session.rows)
            if measured == 0 { throw GilBenchError(.runFailed, "no interpreter could be measured") }
        }
    }
}
