import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGilBench
import SystemPackage

/// The ptrace fallback counter's tracer: runs a copy of gilbench as a traced child, following every
/// thread and process it creates, and counts the system calls entered between the child's markers.
///
/// The child marks its measured region with `gb_syscall_marker` (a call number no kernel has,
/// with a magic first argument): code 1 at the start, 2 at the end. The marker calls are not counted.
/// At the end marker the tracer writes the region's counts to the reply pipe (one line per call name,
/// ``PtraceReply``) and lets the child go on; the child's probe reads them. Everything the child does
/// outside its regions (start-up, printing, CSV writing) is stopped at but not counted.
///
/// Every call costs the child two stops and the tracer several system calls, so call-heavy regions are
/// many times slower, and the slowed calls change the contention being measured: rows counted this
/// way say `ptrace` in `syscall_counter`, a configuration column, and are never summarised with
/// untraced rows.
public enum PtraceTracer {
    /// Calls of the harness's own counted in a region's total: none (the markers are not counted).
    public static let harnessCalls = 0

    /// Runs `arguments` (with `arguments[0]` shown as the program name) from `path` traced, until the
    /// child and everything it created have exited. Ignores SIGINT meanwhile (the child gets it and
    /// ends its run as it would untraced).
    /// - Parameters:
    ///   - path: the executable to run traced (gilbench itself by default).
    ///   - arguments: its command line, `arguments[0]` included.
    ///   - replyFlag: the hidden option that tells the child the descriptor it reads counts from;
    ///     the tracer appends it with the descriptor's number.
    ///   - system: the system calls used (``SyscallCounterSystem/live`` but in tests).
    /// - Returns: the child's exit status (128 + signal when a signal ended it).
    /// - Throws: `GilBenchError` when the child cannot be started traced (ptrace refused: EPERM, ...).
    public static func run(
        path: String = "/proc/self/exe", arguments: [String], replyFlag: String,
        system: SyscallCounterSystem = .live
    ) throws(GilBenchError) -> Int32 {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0, fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0 else {
            throw GilBenchError(.system, "cannot create the ptrace reply pipe", errno: errno)
        }
        let (replyRead, replyWrite) = (fds[0], fds[1])
        defer { Glibc.close(replyWrite) }
        let pid: Int32
        switch system.spawnTraced(path, arguments + [replyFlag, String(replyRead)], replyRead) {
        case .success(let child): pid = child
        case .failure(let error):
            Glibc.close(replyRead)
            throw spawnError(error)
        }
        Glibc.close(replyRead)
        let previous = signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, previous) }
        var tracer = Loop(leader: pid, reply: replyWrite)
        return try tracer.run()
    }

    /// Why the child could not be traced, in words a user can act on.
    static func spawnError(_ error: Errno) -> GilBenchError {
        let message = switch error {
        case .notPermitted, .permissionDenied: "ptrace refused (already traced, a seccomp or container policy, or kernel.yama.ptrace_scope)"
        case .noFunction: "this kernel has no ptrace"
        default: "cannot start a traced copy of gilbench"
        }
        return GilBenchError(.system, message, errno: error)
    }

    /// The wait-and-resume loop over every traced thread.
    struct Loop {
        let leader: Int32
        let reply: Int32
        var counting = false
        var calls: [Int: Int] = [:]
        var errors: [Int: Int] = [:]
        var total = 0
        var totalErrors = 0
        /// Threads stopped inside a counted call: the call's number, to count its failure at exit.
        var inCall: [Int32: Int] = [:]
        /// Threads seen so far (a new one's first stop is the SIGSTOP ptrace gives it, to be swallowed).
        var known: Set<Int32> = []
        var status: Int32 = 0

        init(leader: Int32, reply: Int32) {
            self.leader = leader
            self.reply = reply
        }

        /// Follows the child until everything traced has ended; returns the child's exit status.
        /// - Throws: `GilBenchError` `.system` when waiting for the traced processes fails (other
        ///   than for there being none left).
        mutating func run() throws(GilBenchError) -> Int32 {
            known.insert(leader)
            do throws(Errno) {
                let first = try SystemCall.waitpid(leader, options: __WALL).status
                if first & 0x7f != 0x7f {  // ended before its first stop
                    handle(leader, first)
                    return status
                }
                // The child stops with SIGTRAP after exec; from there on every call stops it.
                _ = gb_ptrace(Int32(GB_PTRACE_SETOPTIONS), leader, GB_PTRACE_TRACE_OPTIONS)
                resume(leader, signal: 0)
                while true {
                    let (pid, raw) = try SystemCall.waitpid(-1, options: __WALL)
                    handle(pid, raw)
                }
            } catch .noChildProcess {
                return status  // everything traced has ended
            } catch {
                throw GilBenchError(.system, "cannot wait for the traced copy of gilbench (pid \(leader))", errno: error)
            }
        }

        mutating func handle(_ pid: Int32, _ raw: Int32) {
            let low = raw & 0x7f
            if low == 0 {  // exited
                if pid == leader { status = (raw >> 8) & 0xff }
                known.remove(pid)
                inCall[pid] = nil
                return
            }
            if low != 0x7f {  // killed by a signal
                if pid == leader { status = 128 + low }
                known.remove(pid)
                inCall[pid] = nil
                return
            }
            let stopSignal = (raw >> 8) & 0xff
            let event = raw >> 16
            if stopSignal == SIGTRAP | 0x80 {
                syscallStop(pid)
                resume(pid, signal: 0)
            } else if event != 0 {
                resume(pid, signal: 0)  // clone, fork, vfork, exec: the new task reports on its own
            } else if stopSignal == SIGSTOP && !known.contains(pid) {
                known.insert(pid)
                resume(pid, signal: 0)  // a new thread or process's first stop
            } else {
                known.insert(pid)
                resume(pid, signal: stopSignal)  // a real signal: deliver it
            }
        }

        mutating func syscallStop(_ pid: Int32) {
            var stop = gb_syscall_stop()
            guard gb_ptrace_syscall_stop(pid, &stop) == 0 else { return }
            if stop.op == 1 {
                if stop.nr == Int64(GB_MARKER_SYSCALL) && stop.arg0 == UInt64(GB_MARKER_MAGIC) {
                    marker(Int(stop.arg1))
                } else if counting {
                    let nr = Int(stop.nr)
                    calls[nr, default: 0] += 1
                    total += 1
                    inCall[pid] = nr
                }
            } else if stop.op == 2, let nr = inCall.removeValue(forKey: pid), stop.is_error != 0 {
                errors[nr, default: 0] += 1
                totalErrors += 1
            }
        }

        mutating func marker(_ code: Int) {
            switch code {
            case 1:
                counting = true
                calls = [:]
                errors = [:]
                total = 0
                totalErrors = 0
                inCall = [:]
            case 2:
                counting = false
                var named: [String: (Int, Int)] = [:]
                for (nr, count) in calls {
                    let name = SyscallNames.name(nr)
                    let previous = named[name] ?? (0, 0)
                    named[name] = (previous.0 + count, previous.1 + errors[nr, default: 0])
                }
                PtraceReply.write(total: (total, totalErrors), calls: named, to: reply)
            default:
                break
            }
        }

        func resume(_ pid: Int32, signal: Int32) {
            _ = gb_ptrace(Int32(GB_PTRACE_SYSCALL), pid, UInt(signal))
        }
    }
}

/// The counts the tracer sends its child at the end of a region: lines `name calls errors`, the first
/// named `total`, the last `end`.
public enum PtraceReply {
    static func write(total: (Int, Int), calls: [String: (Int, Int)], to fd: Int32) {
        var text = "total \(total.0) \(total.1)\n"
        for (name, (count, failed)) in calls.sorted(by: { $0.key < $1.key }) { text += "\(name) \(count) \(failed)\n" }
        text += "end\n"
        // The parent reads until "end"; a failed write leaves it a malformed reply, which it reports.
        try? FileIO.write(Array(text.utf8), to: fd)
    }

    /// Parses a reply. Nil when it is malformed.
    public static func parse(_ text: String) -> SyscallCounts? {
        var counts = SyscallCounts(counter: .ptrace, total: 0, totalErrors: 0, calls: [:], isComplete: true)
        var sawTotal = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields == ["end"] { return sawTotal ? counts : nil }
            guard fields.count == 3, let calls = Int(fields[1]), let failed = Int(fields[2]) else { return nil }
            if fields[0] == "total" {
                counts.total = calls
                counts.totalErrors = failed
                sawTotal = true
            } else {
                counts.calls[String(fields[0])] = calls
                counts.errors[String(fields[0])] = failed
            }
        }
        return nil
    }
}

/// The traced child's probe: marks the region for the tracer and reads back what it counted.
public final class PtraceRegionProbe: MeasurementProbe {
    /// The descriptor the tracer's replies arrive on.
    public let replyFD: Int32
    /// The counts of the last region.
    public private(set) var last: SyscallCounts?

    public init(replyFD: Int32) { self.replyFD = replyFD }

    public func begin() throws(GilBenchError) {
        gb_syscall_marker(1)
    }

    public func end() throws(GilBenchError) -> SyscallCounts {
        try stop()
    }

    /// Ends the region and waits for the tracer's counts.
    public func stop() throws(GilBenchError) -> SyscallCounts {
        gb_syscall_marker(2)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !bytes.ends(with: Array("end\n".utf8)) {
            let n: Int
            do throws(Errno) {
                n = try SystemCall.read(replyFD, into: &buffer)
            } catch {
                throw GilBenchError(.system, "cannot read the ptrace tracer's system-call counts from descriptor \(replyFD)", errno: error)
            }
            guard n > 0 else {
                throw GilBenchError(.system, "the ptrace tracer sent no system-call counts (is this gilbench traced by it?)")
            }
            bytes.append(contentsOf: buffer[..<n])
        }
        guard let counts = PtraceReply.parse(String(decoding: bytes, as: UTF8.self)) else {
            throw GilBenchError(.system, "the ptrace tracer's reply is malformed")
        }
        last = counts
        return counts
    }
}

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
