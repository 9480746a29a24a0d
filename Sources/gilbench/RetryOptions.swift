import ArgumentParser
import GilBench

/// `--max-attempts`, as `run`, `sweep`, `python` and `reproduce` take it: how many times a repetition
/// disturbed by steal, foreign CPU time or unequal CPU speeds is measured at most (`Session/maxAttempts`).
struct RetryOptions: ParsableArguments {
    @Option(help: "Measure a repetition disturbed by steal or other processes' CPU time again, up to this many attempts in all (1: never again).")
    var maxAttempts: Int = 3

    func validate() throws {
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1 (got \(maxAttempts))") }
    }

    /// Sets `session`'s limit, and has it probe the CPUs' speeds around each repetition.
    func apply(to session: Session) {
        session.maxAttempts = maxAttempts
        session.cpuSpeedProbe = .live
    }
}

/// Prints one warning line on stderr per warning of `session`'s measurements (an unreadable
/// `/proc/stat`, a failed convoy client, ...) and per configuration whose repetitions spread beyond
/// `Summary/spreadLimit`.
func printWarnings(of session: Session) {
    for warning in session.warnings { printError("gilbench: warning: \(warning)") }
    for warning in Summary(rows: session.rows).spreadWarnings { printError("gilbench: warning: \(warning)") }
}
