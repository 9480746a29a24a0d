import ArgumentParser
import Foundation
import GilBench

/// The options of `gilbench reproduce`.
struct ReproduceOptions: ParsableArguments {
    @Flag(help: "Use the slides' sizes: count(100,000,000) per task (takes far longer).")
    var full = false

    @Option(commaSeparated: "only", help: "Run only the experiments of these slides (or experiment names), e.g. --only 80 96.")
    var only: [[String]] = []

    @Flag(help: "Print the catalogue of experiments and exit.")
    var list = false

    @Option(help: "Countdown start value per task (default: 4,000,000; --full: 100,000,000).")
    var n: Int?

    @Option(name: .customLong("repeat"), help: "Measured repetitions per configuration (medians need at least 3).")
    var repetitions: Int = ExperimentScale.quick.repetitions

    @Option(help: "Unrecorded warm-up runs per configuration.")
    var warmup: Int = ExperimentScale.quick.warmup

    @Option(help: "Folder for the CSV and REPORT.md.")
    var results: String = "results"

    @Option(help: "Folder for the SVG plots.")
    var plots: String = "plots"

    @Option(parsing: .upToNextOption, help: "Real interpreters to run the slides' countdown on beside the simulator: auto (CPython 2.7 and the newest 3), all, none, or names/paths.")
    var python: [String] = ["auto"]

    @Flag(help: "No progress on stderr (it is also off when stderr is not a terminal).")
    var quiet = false

    @Flag(help: "Also record each real interpreter's GIL hand-off by hand-off beside the simulator's (uprobes; about 40 s more per interpreter).")
    var timeline = false

    @Flag(help: "Also run the tutorial's queues, pipes and generators on each real interpreter beside the simulator: the message and coroutine claims decided on both, and the cost per message and per iteration judged against ±25% (about a minute more per interpreter).")
    var tutorial = false

    /// The sizes the options ask for.
    var scale: ExperimentScale {
        var s = full ? ExperimentScale.full : ExperimentScale.quick
        if let n { s.countdownN = n }
        s.repetitions = repetitions
        s.warmup = warmup
        return s
    }

    /// `--only` values (none: every experiment).
    var selectors: [String] {
        Array(only.joined())
    }

    func validate() throws {
        try commandLine { () throws(GilBenchError) in try scale.validate() }
        do { _ = try PythonSelection(arguments: python) } catch { throw ValidationError(error.message) }
        try commandLine { () throws(GilBenchError) in try Catalogue.select(selectors) }
    }
}

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce the measurements of Beazley's 2009 GIL talk, slide by slide.",
        discussion: """
            Runs the catalogue of experiments (see --list), writes every row to RESULTS/<run>.csv as it is \
            measured, the plots to PLOTS/*.svg and a report to RESULTS/REPORT.md that sets each 2009 figure \
            beside the one measured here, with a verdict and its criterion. The default sizes finish in about \
            a little over a minute on 2 cores, under three with the real interpreters. Ctrl-C stops after the current measurement and keeps what was measured \
            (exit status 130).
            """)

    @OptionGroup var options: ReproduceOptions
    @OptionGroup var retry: RetryOptions

    func run() throws {
        try reporting {
            if options.list {
                print(ReproduceListing.render(Catalogue.experiments, scale: options.scale), terminator: "")
                return
            }
            let selected = try Catalogue.select(options.selectors)
            let command = (["gilbench"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let reproduction = try Reproduction(.init(
                scale: options.scale, selected: selected, resultsDirectory: options.results, plotsDirectory: options.plots, command: command, python: try PythonSelection(arguments: options.python), timeline: options.timeline, tutorial: options.tutorial))
            retry.apply(to: reproduction.session)
            if let fallback = reproduction.sha512Fallback { printError(fallback) }
            Interruption.install()
            let showProgress = !options.quiet && FileHandleOutput.stderrIsTerminal
            let outcome = try reproduction.run(progress: { p in
                guard showProgress else { return }
                FileHandleOutput.write("\r\u{1B}[K" + p.line, to: 2)
            })
            if showProgress { FileHandleOutput.write("\r\u{1B}[K", to: 2) }
            print(ReproduceListing.verdicts(outcome.findings), terminator: "")
            print("\(outcome.rows) rows in \(outcome.csvPath); report: \(outcome.reportPath); \(outcome.plotPaths.count) plots in \(options.plots)")
            for warning in reproduction.session.warnings { printError("gilbench: warning: \(warning)") }
            if let stopped = outcome.stoppedError(selected: selected.count) { throw stopped }
        }
    }
}
