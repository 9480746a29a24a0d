import ArgumentParser
import GilBench

/// `--output` as `run` and `python` take it: an optional CSV file their session appends its rows to.
struct OutputOptions: ParsableArguments {
    @Option(help: "Append one CSV row per repetition to this file.")
    var output: String?

    /// A session that appends each row to `--output` as it is measured, if given.
    func session() throws(GilBenchError) -> Session {
        Session(writer: try output.map { path throws(GilBenchError) in try CSVWriter(path: path) })
    }

    /// Says how many rows `session` appended to `--output`, if given.
    func printAppended(_ session: Session) {
        if let output { print("\(session.rows.count) rows appended to \(output)") }
    }
}

/// Measures `configurations` in `session` with `counting`'s measurements, showing progress on stderr
/// when it is a terminal, then prints `header`, the summaries (``Session/summaries(of:syscallTable:)``)
/// and one warning line per warning of the run. On failure prints the table of what was measured
/// before rethrowing. Shared by `run` and `sweep`.
func measureAndSummarize(
    _ session: Session, _ configurations: [RunConfiguration], counting: SyscallCounting, syscallTable: Bool, quiet: Bool,
    header: String, label: (RunConfiguration) -> String
) throws(GilBenchError) {
    let showProgress = !quiet && FileHandleOutput.stderrIsTerminal
    do {
        try session.run(configurations, measure: counting.measure, progress: { done, total, configuration in
            if showProgress { FileHandleOutput.write("\r[\(done + 1)/\(total)] \(label(configuration))   ", to: 2) }
        })
    } catch {
        if showProgress { FileHandleOutput.write("\n", to: 2) }
        if !session.rows.isEmpty { print(Summary(rows: session.rows).render()) }
        throw error
    }
    if showProgress { FileHandleOutput.write("\r\u{1B}[K", to: 2) }
    print(header)
    print(session.summaries(of: configurations, syscallTable: syscallTable), terminator: "")
    printWarnings(of: session)
}
