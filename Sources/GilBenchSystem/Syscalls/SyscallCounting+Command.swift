import GilBenchSimulator

extension SyscallCounting {
    /// What a command that measures does about system calls.
    public enum CommandPlan {
        /// Run in this process, counting with this.
        case run(SyscallCounting)
        /// The command already ran, traced, in a child (``PtraceTracer``): end with its exit status.
        case finished(status: Int32)
    }

    /// Resolves `--syscalls` for a command about to measure (``prepare(_:names:countErrors:system:notify:)``);
    /// when counting needs ptrace, runs the very command again as a traced child and returns
    /// ``CommandPlan/finished(status:)``; in that child (`replyFD` given), counts with the tracer's
    /// markers. Notices (a counter unavailable, tracefs mounted) go to `notify`, one line each; a
    /// child that cannot be traced leaves the system-call columns empty, and says so.
    /// - Parameters:
    ///   - replyFD: the descriptor the tracer's counts arrive on, in the traced child only.
    ///   - arguments: the command line to run again traced, and `replyFlag` the option that passes
    ///     it `replyFD`.
    /// - Throws: `GilBenchError` (`.usage`) when ptrace is combined with other counters.
    public static func plan(
        _ requests: [SyscallCounterRequest], names: [String] = CountedSyscall.names, countErrors: Bool, replyFD: Int32?,
        arguments: [String], replyFlag: String, notify: (String) -> Void
    ) throws(GilBenchError) -> CommandPlan {
        if let replyFD {
            notify("counting system calls with ptrace: timings are slowed by tracing and marked syscall_counter=ptrace")
            return .run(.tracedChild(replyFD: replyFD))
        }
        switch try prepare(requests, names: names, countErrors: countErrors, notify: notify) {
        case .count(let counting):
            return .run(counting)
        case .traceChild:
            do {
                return .finished(status: try PtraceTracer.run(arguments: arguments, replyFlag: replyFlag))
            } catch {
                notify("ptrace system-call counter unavailable: \(error); system-call columns left empty")
                return .run(.none())
            }
        }
    }
}
