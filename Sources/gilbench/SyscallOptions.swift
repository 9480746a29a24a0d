import ArgumentParser
import GilBench

extension SyscallCounterRequest: ExpressibleByArgument {}

/// `--syscalls` and `--syscall-table`: counting system calls around each measured region (issue 3).
/// Any command that runs a ``Session`` can include this group and call ``counting(names:)``.
struct SyscallOptions: ParsableArguments {
    @Option(
        commaSeparated: "syscalls",
        help: """
            Count system calls: perf (kernel tracepoints, cheap), ptrace (re-runs gilbench traced: \
            slow, timings not comparable), none, or auto (perf, else ptrace, else none). Give several \
            (perf,none) to run each configuration with each, alternating.
            """)
    var syscalls: [[SyscallCounterRequest]] = [[.auto]]

    @Flag(help: "Print an strace -c-like table of system calls per configuration.")
    var syscallTable = false

    /// Set only in the copy of gilbench that the ptrace tracer runs: where the tracer's counts arrive.
    @Option(name: .customLong("ptrace-reply-fd"), help: .hidden)
    var ptraceReplyFD: Int32?

    static let replyFlag = "--ptrace-reply-fd"

    func validate() throws {
        _ = try syscalls.values(of: "--syscalls")
    }

    /// The counting to measure with (``SyscallCounting/plan(_:names:countErrors:replyFD:arguments:replyFlag:notify:)``);
    /// when the command already ran traced in a child, throws `ExitCode` with the child's exit status.
    func counting(names: [String] = CountedSyscall.names) throws -> SyscallCounting {
        let plan = try SyscallCounting.plan(
            Array(syscalls.joined()), names: names, countErrors: syscallTable, replyFD: ptraceReplyFD, arguments: CommandLine.arguments,
            replyFlag: SyscallOptions.replyFlag, notify: { printError("gilbench: \($0)") })
        switch plan {
        case .run(let counting): return counting
        case .finished(let status): throw ExitCode(status)
        }
    }
}
