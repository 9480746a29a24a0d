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
            multiprocessing.Pipe, send() into a generator; 64 B and 64 KiB messages) and the server \
            (a thread per connection, asyncore or its handlers on selectors, generators on selectors, \
            asyncio, forked workers; loaded by gilbench's client process at each --connections) on each \
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

    @Flag(help: """
        Instead of the comparison: record the GIL's timeline of the real twins (countdown in threads, convoy) \
        with sampled uprobes and of the simulator's twins, alternating --repeat rounds, and compare their \
        hold and wait times per acquisition and hand-offs per second.
        """)
    var timeline = false

    @Option(help: "With --timeline: write the comparison as CSV to this file.")
    var timelineCsv: String?

    @Option(
        commaSeparated: "connections",
        help: "server: the connections each server twin serves, one configuration each.")
    var connections: [[Int]] = [PythonExperiment.serverConnections]

    @Option(
        commaSeparated: "cpu-threads",
        help: "server: CPU-bound threads beside each server twin, one configuration each.")
    var cpuThreads: [[Int]] = [[0]]

    @OptionGroup var outputOptions: OutputOptions

    @OptionGroup var syscalls: SyscallOptions
    @OptionGroup var retry: RetryOptions

    func validate() throws {
        try commandLine { () throws(GilBenchError) in try comparisonOptions(tree: nil).validate() }
        do { _ = try PythonSelection(arguments: python) } catch { throw ValidationError(error.message) }
    }

    /// The sizes and twins the options ask for.
    func comparisonOptions(tree hashTree: String?) -> InterpreterComparison.Options {
        var o = InterpreterComparison.Options()
        o.n = n
        o.raceN = raceN
        o.longTickN = longTickN
        o.tree = hashTree
        o.sweep = noSweep ? [] : nil
        o.twins = only
        o.repetitions = repetitions
        o.simulator = simulator
        o.countsGIL = countGil
        o.serverConnections = Array(connections.joined())
        o.serverCPUThreads = Array(cpuThreads.joined())
        return o
    }

    func run() throws {
        if timeline { return try runTimeline() }
        try reporting {
            let counting = try syscalls.counting()
            let session = try outputOptions.session()
            retry.apply(to: session)
            let hashTree = noHashing ? nil : (tree ?? Corpus().completeDefaultLocation())
            if !noHashing && hashTree == nil {
                printError("gilbench: no tree to hash (run `gilbench corpus` or give --tree); hashing experiments skipped")
            }
            let comparison = InterpreterComparison(comparisonOptions(tree: hashTree), counting: counting)
            let (_, comparisons) = comparison.measure(try PythonSelection(arguments: python), in: session, events: PythonCommand.report)
            if !session.rows.isEmpty { print(Summary(rows: session.rows).render(), terminator: "") }
            print(InterpreterComparison.fidelityTables(session.rows, countsGIL: countGil), terminator: "")
            print(InterpreterComparison.serverTable(session.rows), terminator: "")
            print(InterpreterComparison.allVersionsTable(session.rows), terminator: "")
            outputOptions.printAppended(session)
            printWarnings(of: session)
            if comparisons.isEmpty { printError("gilbench: no interpreter to measure (--python \(python.joined(separator: " ")))") }
            if !comparisons.isEmpty && comparisons.allSatisfy({ (try? $0.result.get()) == nil }) {
                throw GilBenchError(.runFailed, "no interpreter could be measured")
            }
        }
    }

    /// `--timeline`: the real twins' GIL timelines beside the simulator's, per interpreter.
    func runTimeline() throws {
        try reporting {
            let selection = try commandLine { () throws(GilBenchError) in try PythonSelection(arguments: python) }
            let all = try GILTimelineComparison.measure(
                selection, comparison: InterpreterComparison(comparisonOptions(tree: nil)), rounds: repetitions,
                decided: { PythonCommand.report(.decided($0)) }, progress: { printError("gilbench: " + $0) })
            print(all.table, terminator: "")
            if let timelineCsv {
                try GILTimelineComparison.write(all.csv, to: timelineCsv)
                print("\(timelineCsv): \(all.rows.count * 2) rows (run \(all.runID))")
            }
        }
    }

    /// One line on stderr per discovery decision, interpreter started, and interpreter that failed
    /// or whose GIL could not be counted.
    static func report(_ event: InterpreterComparison.Event) {
        switch event {
        case .decided(let decisions):
            for decision in decisions where decision.reason != "named by --python" { printError("gilbench: \(decision.line)") }
        case .started(let start):
            printError("gilbench: \(start.line)")
        case .finished(let compared):
            switch compared.result {
            case .success(let measured):
                if let problem = measured.gilCountingProblem { printError("gilbench: \(measured.engine)'s GIL not counted: \(problem)") }
            case .failure(let error):
                printError("gilbench: \(compared.python): " + error.commandLineMessage)
            }
        }
    }
}
