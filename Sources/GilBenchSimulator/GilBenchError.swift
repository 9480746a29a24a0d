import SystemPackage

/// An error gilbench reports to its user: what went wrong, in one readable line, and the exit status
/// the command line ends with.
public struct GilBenchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure, which decides the exit status.
    public enum Code: Sendable, Equatable {
        /// Bad arguments or options.
        case usage
        /// An input file that is malformed, of another schema, or does not match (compare, plot).
        case badInput
        /// An input file that cannot be read.
        case unreadableInput
        /// An output file that cannot be written, or would be damaged.
        case unwritableOutput
        /// The system refused something (threads, affinity, a worker process died, ...).
        case system
        /// A measurement could not be completed.
        case runFailed
        /// A facility the command needs is missing: an interpreter without the symbols gilbench probes
        /// (a stripped build), uprobes refused or not built into the kernel.
        case unavailable
        /// The user interrupted the run (SIGINT); what was measured is kept.
        case interrupted
    }

    public var code: Code
    public var message: String
    /// The system's reason behind the failure, if any.
    public var errno: Errno?
    /// The setting whose value is wrong, for a usage error about one setting: ``message`` then
    /// follows its name ("must be 0 or more (got -1)").
    public var setting: RunSetting?

    public init(_ code: Code, _ message: String, errno: Errno? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// A usage error about `setting`'s value: `message` says what is wrong with it.
    public init(_ setting: RunSetting, _ message: String) {
        self.init(.usage, message)
        self.setting = setting
    }

    /// A failure with the C `errno` value behind it.
    public init(_ code: Code, _ message: String, errno: Int32) {
        self.init(code, message, errno: Errno(rawValue: errno))
    }

    public var description: String { description(naming: \.name) }

    /// The one-line message, with the setting (if any) named by `name`.
    public func description(naming name: (RunSetting) -> String) -> String {
        var text = setting.map { name($0) + " " + message } ?? message
        if let errno { text += ": " + errno.description }
        return text
    }

    /// The process exit status for this error (documented in README).
    public var exitStatus: ExitStatus {
        switch code {
        case .usage: .usage
        case .badInput: .badInput
        case .unreadableInput: .unreadableInput
        case .unwritableOutput: .unwritableOutput
        case .system, .runFailed: .runFailed
        case .unavailable: .unavailable
        case .interrupted: .interrupted
        }
    }
}

/// gilbench's exit statuses, stable and documented in README.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Success (for `compare`: no regression).
    case success = 0
    /// `compare` found a regression.
    case regression = 2
    /// Bad command line: unknown option or value out of range (sysexits EX_USAGE).
    case usage = 64
    /// An input file is malformed, of another schema, or has nothing to compare (EX_DATAERR).
    case badInput = 65
    /// An input file cannot be read (EX_NOINPUT).
    case unreadableInput = 66
    /// A facility is missing: a stripped interpreter, uprobes refused (EX_UNAVAILABLE).
    case unavailable = 69
    /// A run could not be completed: a worker died, the system refused a thread (EX_SOFTWARE).
    case runFailed = 70
    /// An output file cannot be written or has another header (EX_CANTCREAT).
    case unwritableOutput = 73
    /// Interrupted (SIGINT); rows measured so far are kept.
    case interrupted = 130
}
