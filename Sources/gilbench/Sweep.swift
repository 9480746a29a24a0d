import ArgumentParser
import GilBench

extension SweepParameter: ExpressibleByArgument {}

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Vary one parameter over a list of values and write one CSV.",
        discussion: """
            Runs every configuration the other options describe at each value of --parameter. Each row \
            names the parameter in sweep_parameter and holds the value in the parameter's own column \
            (check_interval, switch_interval_ms, threads, churn_n, cpu_threads, n, calls), so one command \
            makes one plot's data. Example: gilbench sweep --workload extension --parameter churn-n \
            --values 0,1000,10000,100000 --calls 20000 --output extension.csv
            """)

    @Option(help: "The parameter to vary: \(SweepParameter.allCases.map(\.rawValue).joined(separator: ", ")).")
    var parameter: SweepParameter

    @Option(commaSeparated: "values", help: "Its values, separated by commas or spaces (e.g. 10,100,1000,10000).")
    var values: [[String]]

    @OptionGroup var options: ConfigurationOptions
    @OptionGroup var syscalls: SyscallOptions
    @OptionGroup var retry: RetryOptions

    @Option(help: "Append one CSV row per repetition to this file.")
    var output: String

    @Flag(help: "No progress on stderr.")
    var quiet = false

    /// The configurations, one block per value.
    func configurations() throws -> [RunConfiguration] {
        do {
            return try parameter.configurations(options.configurations(), values: Array(values.joined()))
        } catch let error as GilBenchError {
            throw ValidationError(error.commandLineMessage)
        }
    }

    func validate() throws { _ = try configurations() }

    func run() throws {
        try reporting {
            let counting = try syscalls.counting()
            let configurations = counting.expand(try self.configurations())
            let writer = try CSVWriter(path: output)
            let session = Session(writer: writer)
            retry.apply(to: session)
            let machine = session.machine
            try measureAndSummarize(
                session, configurations, counting: counting, syscallTable: syscalls.syscallTable, quiet: quiet,
                header: "sweep \(session.runID) of \(parameter.rawValue) over \(values.joined().joined(separator: ",")) on \(machine.host): \(machine.cpuModel), \(machine.cores) cores",
                label: { c in "\(c.sweepParameter?.column.rawValue ?? "") \(c.mode.rawValue) \(c.gil.rawValue)" })
            print("\(session.rows.count) rows appended to \(output)")
        }
    }
}
