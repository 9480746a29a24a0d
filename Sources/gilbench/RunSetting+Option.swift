import ArgumentParser
import GilBench

extension RunSetting {
    /// The command-line option that sets it, as error messages name it: the setting's name in
    /// kebab case (`checkInterval`: `--check-interval`), but for the options the slides' words name.
    var option: String {
        switch self {
        case .tasks: return "--threads"
        case .repetitions: return "--repeat"
        case .cpuCount: return "--cpus"
        case .sweepValues: return "--values"
        default:
            let name = String(describing: self)
            return "--" + name.reduce(into: "") { out, c in out += c.isUppercase ? "-" + c.lowercased() : String(c) }
        }
    }
}

extension GilBenchError {
    /// The one line the command line prints: the wrong setting named as its option.
    var commandLineMessage: String { description(naming: \.option) }
}

/// Runs `body`, a library call about the command line's values, turning its error into a usage error
/// that names the option (exit status 64, with the usage).
@discardableResult
func commandLine<T>(_ body: () throws(GilBenchError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw ValidationError(error.commandLineMessage)
    }
}
