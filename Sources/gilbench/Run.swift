import ArgumentParser
import GilBench

extension Workload: ExpressibleByArgument {}
extension ExecutionMode: ExpressibleByArgument {}
extension LockKind: ExpressibleByArgument {}
extension GILDesign: ExpressibleByArgument {}
extension CPUSelection: ExpressibleByArgument {}
extension MessagePattern: ExpressibleByArgument {}
extension SequentialThread: ExpressibleByArgument {}
extension CheckPoints: ExpressibleByArgument {
    /// A schedule's name, or a CPython version whose schedule it is (`3.13`).
    public init?(argument: String) { self.init(parsing: argument) }
}

/// A configuration as the library makes it: the options' defaults are its fields, so that the command
/// line and the library agree on them.
let defaultConfiguration = RunConfiguration()

/// The options that define configurations, shared by `run` and `sweep`.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "Workload: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workload: Workload = .countdown

    /// Empty when not given: the workload's default modes (`Workload.defaultModes`).
    @Option(
        commaSeparated: "mode",
        help: "Execution mode(s): \(CommaSeparated.choices(ExecutionMode.self)); the server's default: \(Workload.server.defaultModes.map(\.rawValue).joined(separator: ", ")). (default: sequential, threads)")
    var mode: [[ExecutionMode]] = []

    @Option(
        commaSeparated: "sequential-thread",
        help: "sequential mode: where its tasks run, \(CommaSeparated.choices(SequentialThread.self)) (one started thread, as a threaded run's tasks run).")
    var sequentialThread: [[SequentialThread]] = [[.main]]

    @Option(help: "Tasks, each in its own thread in threads mode (sequential mode runs them one after another; processes and pool modes spread them over --processes workers).")
    var threads: Int = defaultConfiguration.tasks

    @Option(help: "Countdown start value (iterations per task; default 20000000); race: updates per thread (default 1000000); long-tick: range length (default 100000000).")
    var n: Int?

    @Option(help: "Ticks between GIL releases (Python 2's sys.setcheckinterval).")
    var checkInterval: Int = defaultConfiguration.checkInterval

    @Option(commaSeparated: "gil", help: "GIL design(s): \(CommaSeparated.choices(GILDesign.self)).")
    var gil: [[GILDesign]] = [[.ticks]]

    @Option(commaSeparated: "lock", help: "Lock(s) the ticks GIL is built on: \(CommaSeparated.choices(LockKind.self)).")
    var lock: [[LockKind]] = [[.semaphore]]

    @Option(help: """
        After which instructions the interpreter checks the GIL: \(CommaSeparated.choices(CheckPoints.self)), \
        or a CPython version whose eval loop to follow (2.7, 3.9, 3.13). Default: the design's own \
        (ticks, fair, none: \(GILDesign.ticks.checkPoints.rawValue); interval, priority: \(GILDesign.interval.checkPoints.rawValue)).
        """)
    var checkPoints: CheckPoints?

    @Option(
        commaSeparated: "cpus", help: "CPUs the run may use: all, or a count (pins with sched_setaffinity).",
        unknown: { "--cpus takes 'all' or a positive count, not '\($0)'" })
    var cpus: [[CPUSelection]] = [[.all]]

    @Option(help: "Exact CPUs to pin to, e.g. 0,1 (overrides --cpus).")
    var cpuList: String?

    @Option(name: .customLong("repeat"), help: "Measured repetitions per configuration.")
    var repetitions: Int = defaultConfiguration.repetitions

    @Option(help: "Unrecorded warm-up runs per configuration.")
    var warmup: Int = defaultConfiguration.warmup

    @OptionGroup var design: DesignOptions

    /// The configurations these options ask for, as the library combines them.
    func matrix() throws -> ConfigurationMatrix {
        var base = RunConfiguration()
        base.workload = workload
        base.tasks = threads
        base.n = n ?? workload.defaultN
        base.checkInterval = checkInterval
        base.repetitions = repetitions
        base.warmup = warmup
        base.checkPoints = checkPoints
        design.apply(to: &base)
        var matrix = ConfigurationMatrix(base: base)
        matrix.modes = mode.isEmpty ? workload.defaultModes : try mode.values(of: "--mode")
        matrix.designs = try gil.values(of: "--gil")
        matrix.locks = try lock.values(of: "--lock")
        matrix.sequentialThreads = try sequentialThread.values(of: "--sequential-thread")
        matrix.cpus = try cpus.values(of: "--cpus")
        if let cpuList {
            guard let selection = CPUSelection(list: cpuList) else {
                throw ValidationError("--cpu-list takes CPU numbers separated by commas, such as 0,1; not '\(cpuList)'")
            }
            matrix.cpus = [selection]
        }
        return matrix
    }

    /// Every configuration of ``matrix()``.
    func configurations() throws -> [RunConfiguration] {
        let matrix = try matrix()
        return try commandLine { () throws(GilBenchError) in try matrix.configurations() }
    }

    func validate() throws {
        let matrix = try matrix()
        try commandLine { () throws(GilBenchError) in try matrix.validated() }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a workload in one or more configurations and measure it.",
        discussion: """
            Repeat --mode, --lock, --gil or --cpus (or give them comma-separated) to run several \
            configurations; repetitions alternate between them. Prints a table of medians and \
            ratios; with --output, appends one CSV row per repetition as it is measured.
            """)

    @OptionGroup var options: ConfigurationOptions
    @OptionGroup var syscalls: SyscallOptions
    @OptionGroup var processOptions: ProcessOptions
    @OptionGroup var server: ServerOptions

    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var retry: RetryOptions

    @Flag(help: "No progress on stderr.")
    var quiet = false

    /// The configurations with the process and hashing options; `note` is told why the hashing
    /// falls back to swift-crypto, if it does.
    func matrix(note: (String) -> Void = { _ in }) throws -> ConfigurationMatrix {
        var matrix = try options.matrix()
        try processOptions.apply(to: &matrix, note: note)
        try server.apply(to: &matrix)
        return matrix
    }

    func validate() throws {
        let matrix = try matrix()
        try commandLine { () throws(GilBenchError) in try matrix.validated() }
    }

    func run() throws {
        try reporting {
            let counting = try syscalls.counting()
            var matrix = try matrix(note: { printError($0) })
            try matrix.resolveCorpus(note: { printError($0) })
            let configurations = counting.expand(try matrix.validated())
            let session = try outputOptions.session()
            retry.apply(to: session)
            let machine = session.machine
            try measureAndSummarize(
                session, configurations, counting: counting, syscallTable: syscalls.syscallTable, quiet: quiet,
                header: "run \(session.runID) on \(machine.host): \(machine.cpuModel), \(machine.cores) cores, \(machine.kernel)",
                label: { c in "\(c.mode.rawValue) \(c.gil.rawValue) cpus=\(c.cpus)" })
            outputOptions.printAppended(session)
        }
    }
}
