#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import GilBenchSimulator

/// The server's `processes` model (issue 24): pre-forked workers sharing the listening socket, each
/// a process with its own interpreter and GIL running the `events` model's loop
/// (``ServerWorkload/eventLoopSource(requestWork:)``) over the connections it accepts, beside its own
/// `cpuThreads` CPU-bound threads.
///
/// A pre-forked Python server listens, then `os.fork()`s K workers, each of which registers the
/// inherited listening socket with its event loop and accepts what comes (`SocketServer`'s
/// `ForkingMixIn` forks per connection instead; pre-forking is the model of Apache's prefork MPM
/// and gunicorn's sync workers). Here each worker is a `gilbench server-worker` process whose
/// standard input is the listening socket (inherited through `fork` + `execv`, `gb_spawn`) and
/// whose standard output is a duplex socket to gilbench: the worker writes its counters there, and
/// reads end of file there when gilbench says that the client has finished (no more connections
/// will come), after which it ends once its own connections have ended.
///
///     sock = socket.socket(); sock.bind(('127.0.0.1', 0)); sock.listen(backlog)
///     for _ in range(K):
///         if os.fork() == 0:                       # a worker: its own interpreter and GIL
///             sock.setblocking(0)
///             ep = select.epoll(); ep.register(sock.fileno(), select.EPOLLIN)
///             while accepting or handlers:          # the events model's loop (ServerWorkload)
///                 for fd, event in ep.poll():
///                     if fd == sock.fileno(): accept every waiting connection, register it
///                     else: handlers[fd].handle_read()
///             os._exit(0)
///
/// Departure: the accept runs natively inside the loop's `poll()` (`ServerConnections`), where the
/// Python worker runs `handle_accept` as interpreted code, once per connection.
package enum ServerWorkers {
    /// The hidden command a worker process runs.
    package static let command = "server-worker"
    /// The first word of a worker's result line.
    static let resultTag = "server-worker-result"

    /// What the workers measured, together.
    package struct Result {
        package var instructions: UInt64 = 0
        package var ticks: UInt64 = 0
        package var gil = GILCounters()
        package var usage = ResourceUsage()
        /// The workers' peak resident sets summed (`ru_maxrss` of each, from `wait4`), KiB.
        package var peakResidentKiB = 0
    }

    /// Starts `configuration.processes` workers on `listener`, from `executable` (a gilbench binary).
    /// - Throws: `GilBenchError` `.system` when one cannot be started (those started are killed and reaped).
    package static func start(
        _ configuration: RunConfiguration, listener: ServerListener, executable: String
    ) throws(GilBenchError) -> [ChildProcess] {
        let s = configuration.interpreterSettings
        let arguments = [
            "gilbench", command, String(configuration.connections), String(configuration.messageSize),
            String(configuration.requestWork), String(configuration.cpuThreads), s.gil.rawValue, s.lock.rawValue,
            String(s.checkInterval), String(s.switchIntervalMilliseconds), s.checkPoints.rawValue,
        ]
        var workers: [ChildProcess] = []
        for _ in 0..<max(configuration.processes, 1) {
            // A worker not returned is killed and reaped by ChildProcess's deinit.
            workers.append(try ChildProcess.spawn(executable: executable, arguments: arguments, listeningOn: listener.fd))
        }
        return workers
    }

    /// Tells every worker that no more connections come, reads each one's result line and reaps it.
    /// - Parameter deadline: monotonic nanoseconds by which every worker must have ended.
    /// - Throws: `GilBenchError` `.runFailed` naming the worker that failed, died or did not end in time
    ///   (every worker is then killed and reaped).
    package static func finish(_ workers: [ChildProcess], deadline: UInt64) throws(GilBenchError) -> Result {
        for worker in workers { worker.shutDownInput() }
        var total = Result()
        do throws(GilBenchError) {
            for (index, worker) in workers.enumerated() {
                let name = "the server's worker process \(index + 1) of \(workers.count) (gilbench \(command), pid \(worker.pid))"
                let (output, timedOut) = try worker.readOutput(of: name, until: deadline)
                if timedOut { throw GilBenchError(.runFailed, "\(name) did not end in time") }
                guard let (termination, usage) = try worker.wait(blocking: true) else {
                    throw GilBenchError(.runFailed, "\(name) could not be reaped")
                }
                let text = String(decoding: output, as: UTF8.self)
                guard termination == .exited(0), let line = text.split(separator: "\n").last(where: { $0.hasPrefix(resultTag) }),
                    let fields = Self.fields(line)
                else {
                    throw GilBenchError(.runFailed, "\(name) \(termination)\(text.isEmpty ? "" : ": " + text.prefix(200))")
                }
                total.instructions &+= UInt64(fields["instructions"] ?? 0)
                total.ticks &+= UInt64(fields["ticks"] ?? 0)
                total.gil.acquisitions += fields["acquisitions"] ?? 0
                total.gil.handoffs += fields["handoffs"] ?? 0
                total.gil.waitNanoseconds &+= UInt64(fields["wait_ns"] ?? 0)
                total.gil.failedAcquisitions = fields["failed"].map { (total.gil.failedAcquisitions ?? 0) + $0 } ?? nil
                total.usage = total.usage + usage
                total.peakResidentKiB += worker.peakResidentKiB ?? 0
            }
        } catch {
            terminate(workers)
            throw error
        }
        return total
    }

    /// Kills and reaps every worker not yet reaped.
    package static func terminate(_ workers: [ChildProcess]) {
        for worker in workers where worker.termination == nil {
            worker.signal(SIGKILL)
            _ = try? worker.wait(blocking: true)
        }
    }

    /// `name=value` integers of a result line (`-` for a count the design cannot see is left out).
    private static func fields(_ line: Substring) -> [Substring: Int]? {
        var fields: [Substring: Int] = [:]
        for word in line.split(separator: " ").dropFirst() {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            if let value = Int(word[word.index(after: equals)...]) { fields[word[..<equals]] = value }
        }
        return fields
    }

    // MARK: The worker's side

    /// `gilbench server-worker CONNECTIONS SIZE WORK CPU-THREADS GIL LOCK CHECK SWITCH CHECK-POINTS`,
    /// with the listening socket as standard input and the duplex channel to gilbench as standard
    /// output; nil when `arguments` is not that command.
    package static func serveDirectly(_ arguments: [String]) -> Int32? {
        let rest = Array(arguments.dropFirst())
        guard rest.first == command else { return nil }
        func fail(_ message: String, _ status: Int32) -> Int32 {
            _ = WorkerService.writeAll(2, Array("gilbench \(command): \(message)\n".utf8))
            return status
        }
        let a = Array(rest.dropFirst())
        guard a.count == 9, let connections = Int(a[0]), connections >= 1, let size = Int(a[1]), size >= 8,
            let work = Int(a[2]), work >= 0, let cpuThreads = Int(a[3]), cpuThreads >= 0,
            let gil = GILDesign(rawValue: a[4]), let lock = LockKind(rawValue: a[5]), let checkInterval = Int(a[6]),
            let switchInterval = Double(a[7]), let checkPoints = CheckPoints(rawValue: a[8])
        else { return fail("bad arguments: \(a.joined(separator: " "))", 64) }
        let settings = InterpreterSettings(
            gil: gil, lock: lock, checkInterval: checkInterval, switchIntervalMilliseconds: switchInterval, checkPoints: checkPoints)
        do throws(GilBenchError) {
            try settings.validate()
            let connectionsHere = try ServerConnections(listeningOn: 0, control: 1, capacity: connections, messageSize: size)
            // The sources are constants of ServerWorkload and IOLatencyWorkload; a failure here is a bug caught by the tests.
            let loop = try! Assembler.assemble(
                ServerWorkload.eventLoopSource(requestWork: work), name: "server-event-loop", natives: connectionsHere.natives)
            let cpu = try! Assembler.assemble(IOLatencyWorkload.cpuSource, name: "server-cpu")
            let plan = WorkloadPlan(
                tasks: [InterpretedTask(program: loop, arguments: [])]
                    + Array(repeating: InterpretedTask(program: cpu, arguments: [0]), count: cpuThreads),
                shared: SharedState(globals: cpu.globalNames.count, locks: 0))
            let (threads, counters) = try settings.withGIL(
                recordWaits: false, threadsInitialised: cpuThreads > 0, Served(plan: plan, checkPoints: checkPoints))
            connectionsHere.closeAll()
            let line = "\(resultTag) instructions=\(threads.reduce(0) { $0 &+ $1.instructions })"
                + " ticks=\(threads.reduce(0) { $0 &+ $1.ticks }) acquisitions=\(counters.acquisitions)"
                + " handoffs=\(counters.handoffs) failed=\(counters.failedAcquisitions.map(String.init) ?? "-")"
                + " wait_ns=\(counters.waitNanoseconds)\n"
            guard WorkerService.writeAll(1, Array(line.utf8)) else { return fail("cannot write its result", 70) }
            return 0
        } catch {
            return fail(error.description, error.exitStatus == .usage ? 64 : 70)
        }
    }

    /// Runs the worker's loop and CPU-bound threads under its GIL.
    struct Served: GILBody {
        let plan: WorkloadPlan
        let checkPoints: CheckPoints

        func run<G: GlobalInterpreterLock>(_ gil: G) throws(GilBenchError) -> ([InterpreterThread], GILCounters) {
            let threads = try Runner.runInThreads(plan, gil: gil, checkPoints: checkPoints)
            return (threads, gil.counters())
        }
    }
}
