import GilBenchSimulator
import CGilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// A child process gilbench started, with a pipe to its standard input and one from its standard output.
///
/// Started by ``spawn(executable:arguments:)`` (fork + execv in C, see `gb_spawn`) or by
/// ``fork(running:)`` (fork alone, as multiprocessing), reaped by
/// ``wait(blocking:)`` with wait4 so that its CPU time and context switches are known.
public final class ChildProcess {
    public let pid: pid_t
    /// Write end of the child's standard input; -1 once closed.
    public private(set) var input: Int32
    /// Read end of the child's standard output; -1 once closed.
    public private(set) var output: Int32
    /// How the child ended, once reaped.
    public private(set) var termination: Termination?
    /// The child's peak resident set in KiB (`ru_maxrss` from `wait4`), once reaped.
    package private(set) var peakResidentKiB: Int?

    /// How a child process ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exited with status \(code)"
            case .signaled(let signal): "was killed by signal \(signal) (\(ChildProcess.signalName(signal)))"
            }
        }
    }

    private init(pid: pid_t, input: Int32, output: Int32) {
        self.pid = pid
        self.input = input
        self.output = output
    }

    deinit {
        closeInput()
        closeOutput()
        if termination == nil {
            // Never leave a zombie or an orphan behind.
            kill(pid, SIGKILL)
            _ = try? wait(blocking: true)
        }
    }

    /// Starts `executable` with `arguments` (argv[0] included).
    ///
    /// The corresponding C function is `gb_spawn` (fork + execv).
    /// - Throws: `GilBenchError` `.system` when the pipes cannot be made, fork fails or exec fails.
    public static func spawn(executable: String, arguments: [String]) throws(GilBenchError) -> ChildProcess {
        try spawn(executable: executable, arguments: arguments, channels: try pipes())
    }

    /// Starts `executable` with `arguments` (argv[0] included), its standard input and output both
    /// one end of a Unix stream socket pair, as multiprocessing's `Pipe()` (duplex, the default)
    /// connects two processes: `Lib/multiprocessing/connection.py` `Pipe(duplex=True)` is
    /// `socket.socketpair()` in 2.7 and 3.x alike. A socket's buffers (`net.core.wmem_default`
    /// and the peer's receive buffer) hold more than a pipe's 64 KiB, so a 64 KiB message does
    /// not fill it as it fills a pipe. ``input`` and ``output`` are two descriptors of the
    /// parent's end.
    /// - Throws: `GilBenchError` `.system` when the socket pair cannot be made, fork fails or exec fails.
    public static func spawnOverSocketPair(executable: String, arguments: [String]) throws(GilBenchError) -> ChildProcess {
        try spawn(executable: executable, arguments: arguments, channels: try socketPair())
    }

    /// Starts `executable` with `arguments` (argv[0] included), its standard input `listener`, a
    /// listening socket it accepts connections on (as the workers of a pre-forked server share the
    /// socket their parent listened on), and its standard output one end of a Unix stream socket
    /// pair, duplex: the child writes its result there, and reads end of file there once the parent
    /// calls ``shutDownInput()``. ``input`` and ``output`` are two descriptors of the parent's end.
    /// - Throws: `GilBenchError` `.system` when the socket pair cannot be made or duplicated, fork fails or exec fails.
    package static func spawn(executable: String, arguments: [String], listeningOn listener: Int32) throws(GilBenchError) -> ChildProcess {
        var (toChild, fromChild) = try socketPair()
        close(toChild[0])
        toChild[0] = fcntl(listener, F_DUPFD_CLOEXEC, 0)
        guard toChild[0] >= 0 else {
            let error = errno
            for fd in [toChild[1], fromChild[0], fromChild[1]] { close(fd) }
            throw GilBenchError(.system, "cannot duplicate the listening socket for a worker", errno: error)
        }
        return try spawn(executable: executable, arguments: arguments, channels: (toChild, fromChild))
    }

    /// Shuts the parent's end of a duplex channel down for writing (``spawn(executable:arguments:listeningOn:)``):
    /// the child reading it sees end of file, and can still write its result.
    package func shutDownInput() {
        if input >= 0 { _ = shutdown(input, Int32(SHUT_WR)) }
    }

    private static func spawn(
        executable: String, arguments: [String], channels: (toChild: [Int32], fromChild: [Int32])
    ) throws(GilBenchError) -> ChildProcess {
        let (toChild, fromChild) = channels
        var pid: pid_t = 0
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { for a in cArguments { free(a) } }
        let status = executable.withCString { path in
            cArguments.withUnsafeBufferPointer { argv in
                gb_spawn(path, argv.baseAddress!, toChild[0], fromChild[1], &pid)
            }
        }
        return try adopt(pid: pid, status: status, toChild: toChild, fromChild: fromChild, failure: "cannot start worker \(executable)")
    }

    /// Forks a child that runs `body` with the pipes as its standard input and output, and exits
    /// with what `body` returns, without exec: as CPython's multiprocessing starts a worker on Linux
    /// (`Lib/multiprocessing/forking.py` in 2.7, `popen_fork.py` in 3.x: `os.fork()`, then the child
    /// runs `process_obj._bootstrap()` and `os._exit(code)`). The parent must have no other thread
    /// running, or one might hold a lock the child then waits for forever.
    ///
    /// The corresponding C function is `gb_fork_worker`.
    /// - Throws: `GilBenchError` `.system` when the pipes cannot be made or fork fails.
    public static func fork(running body: () -> Int32) throws(GilBenchError) -> ChildProcess {
        let (toChild, fromChild) = try pipes()
        var pid: pid_t = 0
        let status = gb_fork_worker(toChild[0], fromChild[1], &pid)
        if status == 1 { _exit(body()) }
        return try adopt(pid: pid, status: status, toChild: toChild, fromChild: fromChild, failure: "cannot fork a worker")
    }

    /// The parent's side once the child is started (`status` 0) or not (-errno): closes the child's
    /// ends of the pipes, and on failure its own too.
    private static func adopt(
        pid: pid_t, status: Int32, toChild: [Int32], fromChild: [Int32], failure: String
    ) throws(GilBenchError) -> ChildProcess {
        close(toChild[0])
        close(fromChild[1])
        guard status == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw GilBenchError(.system, failure, errno: -status)
        }
        return ChildProcess(pid: pid, input: toChild[1], output: fromChild[0])
    }

    /// A pipe to the child and one from it, both close-on-exec, SIGPIPE ignored (a dead child's
    /// pipe then fails a write with EPIPE instead of killing gilbench).
    private static func pipes() throws(GilBenchError) -> (toChild: [Int32], fromChild: [Int32]) {
        gb_ignore_sigpipe()
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
        var status = gb_pipe_cloexec(&toChild)
        guard status == 0 else { throw GilBenchError(.system, "cannot create a pipe to a worker", errno: -status) }
        status = gb_pipe_cloexec(&fromChild)
        guard status == 0 else {
            close(toChild[0]); close(toChild[1])
            throw GilBenchError(.system, "cannot create a pipe from a worker", errno: -status)
        }
        return (toChild, fromChild)
    }

    /// One Unix stream socket pair seen as ``pipes()`` are: `toChild` is (the child's standard
    /// input, the parent's writing end), `fromChild` (the parent's reading end, the child's standard
    /// output); each end is duplicated so that every descriptor is closed once. Close-on-exec, SIGPIPE ignored.
    private static func socketPair() throws(GilBenchError) -> (toChild: [Int32], fromChild: [Int32]) {
        gb_ignore_sigpipe()
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw GilBenchError(.system, "cannot create a socket pair to a worker", errno: errno)
        }
        let parentCopy = fcntl(fds[0], F_DUPFD_CLOEXEC, 0)
        let childCopy = parentCopy < 0 ? -1 : fcntl(fds[1], F_DUPFD_CLOEXEC, 0)
        guard parentCopy >= 0, childCopy >= 0 else {
            let error = errno
            for fd in [fds[0], fds[1], parentCopy] where fd >= 0 { close(fd) }
            throw GilBenchError(.system, "cannot duplicate a socket to a worker", errno: error)
        }
        return ([fds[1], fds[0]], [parentCopy, childCopy])
    }

    /// Closes the child's standard input: a worker reading it sees end of file and exits.
    public func closeInput() {
        if input >= 0 { close(input); input = -1 }
    }

    public func closeOutput() {
        if output >= 0 { close(output); output = -1 }
    }

    /// Sends `signal` to the child unless it has been reaped.
    public func signal(_ signal: Int32) {
        if termination == nil { kill(pid, signal) }
    }

    /// Reads the child's standard output until it ends, or until `deadline` (monotonic nanoseconds)
    /// passes; waits in `poll` a second at most at a time, so that a child that never writes still
    /// meets its deadline.
    /// - Parameters:
    ///   - name: what the child is, for the error's message (`python3`, `cc`).
    ///   - deadline: when to stop reading; nil: read until the end of the output.
    ///   - enough: when given, reading stops as soon as it returns true of the output so far (the
    ///     line a child prints once it is ready), the output's end not waited for.
    /// - Returns: everything it wrote, and whether the deadline passed before its output ended.
    /// - Throws: `GilBenchError` `.system` when `poll` or `read` fails (never taken for the end of the output).
    public func readOutput(
        of name: String, until deadline: UInt64? = nil, stoppingWhen enough: (([UInt8]) -> Bool)? = nil
    ) throws(GilBenchError) -> (output: [UInt8], timedOut: Bool) {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        do throws(Errno) {
            while true {
                if let deadline {
                    let now = MonotonicClock.nanoseconds()
                    if now >= deadline { return (output, true) }
                    var descriptors = [pollfd(fd: self.output, events: Int16(POLLIN), revents: 0)]
                    let waitMilliseconds = Int32(min(1000, (deadline - now) / 1_000_000 + 1))
                    if try SystemCall.poll(&descriptors, timeoutMilliseconds: waitMilliseconds) == 0 { continue }
                }
                let n = try SystemCall.read(self.output, into: &buffer)
                if n == 0 { return (output, false) }
                output.append(contentsOf: buffer[..<n])
                if let enough, enough(output) { return (output, false) }
            }
        } catch {
            throw GilBenchError(.system, "cannot read the output of \(name) (pid \(pid), descriptor \(self.output))", errno: error)
        }
    }

    /// Reaps the child (wait4, retried on EINTR).
    /// - Parameter blocking: false to return nil at once when the child still runs (WNOHANG).
    /// - Returns: how it ended and its resource usage, or nil when it still runs.
    @discardableResult
    public func wait(blocking: Bool) throws(GilBenchError) -> (Termination, ResourceUsage)? {
        precondition(termination == nil, "child \(pid) reaped twice")
        let reaped: (pid: pid_t, status: Int32, usage: rusage)
        do throws(Errno) {
            reaped = try SystemCall.wait4(pid, options: blocking ? 0 : WNOHANG)
        } catch {
            throw GilBenchError(.system, "wait4(\(pid)) failed", errno: error)
        }
        if reaped.pid == 0 { return nil }
        let status = reaped.status
        let ended: Termination = gb_exit_code(status) >= 0 ? .exited(gb_exit_code(status)) : .signaled(gb_term_signal(status))
        termination = ended
        peakResidentKiB = reaped.usage.ru_maxrss
        return (ended, ResourceUsage(reaped.usage))
    }

    /// SIGKILL's name for messages: "SIGKILL", "SIGSEGV", ...
    public static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGPIPE: "SIGPIPE"
        case SIGALRM: "SIGALRM"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}
