import ArgumentParser
import GilBench

extension SyscallCounterRequest: ExpressibleByArgument {}

/// `--syscalls` and `--syscall-table`: counting system calls around each measured region (issue 3).
/// Any command that runs a ``Session`` can include this group and call ``counting()`` (or ``prepare()``).
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

    /// What the command does about system calls.
    enum Plan {
        /// Run in this process, counting with `counting`.
        case run(SyscallCounting)
        /// The command already ran, traced, in a child: end with its exit status.
        case finished(status: Int32)
    }

    /// Resolves `--syscalls`; for ptrace, runs this very command again as a traced child and returns
    /// `.finished`. Notices (a counter unavailable, tracefs mounted) go to stderr, one line each.
    func prepare(names: [String] = CountedSyscall.names) throws(GilBenchError) -> Plan {
        if let ptraceReplyFD {
            printError("gilbench: counting system calls with ptrace: timings are slowed by tracing and marked syscall_counter=ptrace")
            return .run(.tracedChild(replyFD: ptraceReplyFD))
        }
        switch try SyscallCounting.prepare(Array(syscalls.joined()), names: names, countErrors: syscallTable, notify: { printError("gilbench: \($0)") }) {
        case .count(let counting):
            return .run(counting)
        case .traceChild:
            do {
                return .finished(status: try PtraceTracer.run(arguments: CommandLine.arguments, replyFlag: SyscallOptions.replyFlag))
            } catch {
                printError("gilbench: ptrace system-call counter unavailable: \(error); system-call columns left empty")
                return .run(.none())
            }
        }
    }

    /// ``prepare()`` for a command about to measure: the counting to measure with; when the command
    /// already ran traced in a child, throws `ExitCode` with the child's exit status.
    func counting(names: [String] = CountedSyscall.names) throws -> SyscallCounting {
        switch try prepare(names: names) {
        case .run(let counting): return counting
        case .finished(let status): throw ExitCode(status)
        }
    }
}
