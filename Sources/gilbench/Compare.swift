import ArgumentParser
import GilBench

extension Comparison.Format: ExpressibleByArgument {}
extension Column: ExpressibleByArgument {}

/// A metric on the command line is its name: `wall_s`, `threads/sequential`, `1cpu/2cpus`.
extension ComparedMetric: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}

/// `gilbench compare BASELINE.csv CURRENT.csv`: a thin layer over ``Comparison``.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two gilbench CSV files and exit 2 on a regression.",
        discussion: """
            Rows are matched by configuration; each metric's median over repetitions is compared. \
            A change is a regression when it goes the wrong way by more than its threshold and the \
            Mann-Whitney U test finds the repetitions different at --alpha (with too few repetitions \
            for the test, the threshold alone decides, and the output says so). Ratios of wall times \
            (threads/sequential, 1cpu/2cpus, ...) are metrics too. Default thresholds: wall_s, user_s, \
            sys_s, requests_per_s and ratios 10%; GIL counts and system calls 25%; context switches, \
            GIL waits 50%. Exit statuses: 0 no regression, 2 regression, 64 bad command line, \
            65 malformed or mismatched input, 66 unreadable input.
            """)

    @Argument(help: "The reference CSV written by gilbench run --output.")
    var baseline: String

    @Argument(help: "The CSV to check against it.")
    var current: String

    @Option(help: "Output format: text, markdown, csv, json.")
    var format: Comparison.Format = .text

    @Option(name: .customLong("threshold"), help: ArgumentHelp(
        "A metric's relative threshold, as METRIC=10% (repeatable), e.g. wall_s=10%, syscalls_futex=25%, threads/sequential=15%.",
        valueName: "metric=percent"))
    var thresholds: [String] = []

    @Option(help: "Significance level of the Mann-Whitney U test.")
    var alpha: Double = 0.05

    @Option(
        commaSeparated: "metrics", help: "Metrics to compare (comma-separated or repeated); default: all on both sides.",
        unknown: { "--metrics names unknown metric '\($0)'; use measurement columns such as wall_s or ratios such as threads/sequential" })
    var metrics: [[ComparedMetric]] = []

    @Option(
        commaSeparated: "ignore",
        help: ArgumentHelp(
            "Configuration columns to leave out of the matching (comma-separated or repeated), e.g. check_interval to compare a run with another check interval against the baseline.",
            valueName: "column"),
        accepting: { Column.configuration.contains($0) },
        unknown: { "--ignore takes configuration columns (\(Column.configuration.map(\.rawValue).joined(separator: ", "))); not '\($0)'" })
    var ignore: [[Column]] = []

    /// `--threshold` values as fractions by metric.
    func parsedThresholds() throws -> [ComparedMetric: Double] {
        try commandLine { () throws(GilBenchError) in try ComparedMetric.thresholds(parsing: thresholds) }
    }

    func validate() throws {
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1 (got \(alpha))") }
        _ = try parsedThresholds()
    }

    func run() throws {
        let status = try reporting {
            let comparison = try Comparison(
                baseline: ResultFile(path: baseline), current: ResultFile(path: current),
                options: Comparison.Options(
                    metrics: Array(metrics.joined()), thresholds: try parsedThresholds(), alpha: alpha, ignoredColumns: Set(ignore.joined())))
            print(comparison.render(format), terminator: "")
            for warning in comparison.repetitionWarnings(baseline: baseline, current: current) {
                printError("gilbench: warning: \(warning)")
            }
            return comparison.exitStatus
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}
