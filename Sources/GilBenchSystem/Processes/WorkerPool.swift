import GilBenchSimulator
import CGilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// K worker processes and the parent's side of their pipes: requests go out to whichever worker is
/// free, results come back and are returned in request order (`apply_async` then `get`).
///
/// Every failure ends the run with a `GilBenchError` that names the worker (index and pid) and says
/// how it failed: killed by a signal, exited, sent bytes that are not a frame, reported an error,
/// or stayed silent for longer than the timeout. Before the error is thrown every worker is killed
/// and reaped, so none is left running or as a zombie.
public final class WorkerPool {
    /// The default worker: a fork of this process, as CPython's multiprocessing starts its workers
    /// on Linux (``ChildProcess/fork(running:)``). Any other executable (a gilbench binary, for
    /// callers such as the tests that are not gilbench themselves) is started with the hidden
    /// `worker` subcommand.
    ///
    /// Forking matters to the figures: exec'ing gilbench costs 10 to 20 ms of dynamic linking and
    /// Swift runtime start-up per worker, where a fork costs about a millisecond, as it does for
    /// `multiprocessing.Pool`.
    public static let executable = "/proc/self/exe"

    final class Worker {
        let index: Int
        let count: Int
        let process: ChildProcess
        var decoder = FrameDecoder()
        /// Requests sent and not yet answered, oldest first (a worker answers in order).
        var outstanding: [Int] = []
        /// The work (``DispatchWindow/work`` units) of `outstanding`.
        var outstandingWork = 0
        /// When the worker last sent a frame or was given work while idle (monotonic ns).
        var lastActivity: UInt64 = 0
        var usage = ResourceUsage()

        init(index: Int, count: Int, process: ChildProcess) {
            self.index = index
            self.count = count
            self.process = process
        }

        var name: String { "worker \(index + 1) of \(count) (pid \(process.pid))" }
    }

    private var workers: [Worker] = []
    private let timeoutNanoseconds: UInt64

    /// Starts `count` workers.
    /// - Parameters:
    ///   - count: how many workers.
    ///   - executable: the gilbench binary; ``executable`` by default.
    ///   - timeout: seconds a worker with work may stay silent before it is declared hung.
    ///   - fault: a failure worker 1 injects on purpose (tests).
    /// - Throws: `GilBenchError` when a worker cannot be started (those started are killed and reaped).
    public init(count: Int, executable: String = WorkerPool.executable, timeout: Double, fault: WorkerFault? = nil) throws(GilBenchError) {
        precondition(count >= 1)
        timeoutNanoseconds = UInt64(timeout * 1e9)
        for index in 0..<count {
            var arguments = ["gilbench", "worker"]
            if index == 0, let fault { arguments += ["--fault", fault.description] }
            do {
                let workerFault = index == 0 ? fault : nil
                let process = executable == WorkerPool.executable
                    ? try ChildProcess.fork { WorkerService.serve(fault: workerFault) }
                    : try ChildProcess.spawn(executable: executable, arguments: arguments)
                let flags = fcntl(process.input, F_GETFL)
                _ = fcntl(process.input, F_SETFL, flags | O_NONBLOCK)
                workers.append(Worker(index: index, count: count, process: process))
            } catch {
                abort()
                throw GilBenchError(error.code, "cannot start worker \(index + 1) of \(count): \(error.description)")
            }
        }
    }

    deinit { abort() }

    /// How much work the parent keeps queued at each worker.
    ///
    /// With one request at a time a worker idles for a round trip (a cross-CPU wake-up of the
    /// parent, then of the worker: tens of microseconds here) between tasks, which is as long as
    /// hashing a small file. A deeper window keeps the worker's pipe stocked; bounding the queued
    /// work keeps the end of the run balanced (no worker is left with a long queue while another idles).
    public struct DispatchWindow: Sendable, Equatable {
        /// Requests a worker may hold at once.
        public var requests: Int
        /// Work (in the unit of the costs given to ``WorkerPool/run(_:costs:window:)``, such as
        /// bytes) a worker may hold at once; a worker with nothing queued always gets one request.
        public var work: Int

        public init(requests: Int, work: Int = .max) {
            self.requests = max(requests, 1)
            self.work = work
        }

        /// The next request goes to a worker only once it has answered the last.
        public static let one = DispatchWindow(requests: 1)
    }

    /// Runs every request and returns the results in request order.
    /// - Parameters:
    ///   - requests: the requests, in order.
    ///   - costs: each request's work, for `window.work` (nil: every request costs 1).
    ///   - window: how much a worker may hold at once.
    /// - Throws: `GilBenchError` `.runFailed` naming the worker that failed; all workers are then dead.
    public func run(_ requests: [WorkerRequest], costs: [Int]? = nil, window: DispatchWindow = .one) throws(GilBenchError) -> [WorkerResult] {
        precondition(costs == nil || costs!.count == requests.count)
        do {
            return try dispatch(requests, costs: costs ?? Array(repeating: 1, count: requests.count), window: window)
        } catch {
            abort()
            throw error
        }
    }

    /// Closes every worker's input, waits for each to exit, and returns their CPU time and context
    /// switches (wait4).
    /// - Throws: `GilBenchError` when a worker does not exit cleanly within the timeout.
    public func finish() throws(GilBenchError) -> ResourceUsage {
        do throws(GilBenchError) {
            for worker in workers { worker.process.closeInput() }
            var total = ResourceUsage()
            for worker in workers {
                let ended = try reap(worker, within: timeoutNanoseconds)
                guard let ended else {
                    throw GilBenchError(.runFailed, "\(worker.name) did not exit after its last task; killed it")
                }
                if ended != .exited(0) { throw GilBenchError(.runFailed, "\(worker.name) \(ended) after its last task") }
                total = total + worker.usage
            }
            workers = []
            return total
        } catch {
            abort()
            throw error
        }
    }

    /// Kills every worker still running and reaps them all.
    public func abort() {
        for worker in workers where worker.process.termination == nil { worker.process.signal(SIGKILL) }
        for worker in workers where worker.process.termination == nil { _ = try? worker.process.wait(blocking: true) }
        workers = []
    }

    // MARK: Dispatch

    private func dispatch(_ requests: [WorkerRequest], costs: [Int], window: DispatchWindow) throws(GilBenchError) -> [WorkerResult] {
        var results = [WorkerResult?](repeating: nil, count: requests.count)
        var next = 0
        var done = 0
        /// Tops up a worker's queue to the window, in one write.
        func feed(_ worker: Worker) throws(GilBenchError) {
            var bytes: [UInt8] = []
            while next < requests.count && worker.outstanding.count < window.requests
                && (worker.outstanding.isEmpty || worker.outstandingWork + costs[next] <= window.work)
            {
                if worker.outstanding.isEmpty { worker.lastActivity = MonotonicClock.nanoseconds() }
                worker.outstanding.append(next)
                worker.outstandingWork += costs[next]
                bytes += requests[next].frame.bytes
                next += 1
            }
            if !bytes.isEmpty { try send(bytes, to: worker) }
        }
        for worker in workers { try feed(worker) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while done < requests.count {
            let busy = workers.filter { !$0.outstanding.isEmpty }
            let now = MonotonicClock.nanoseconds()
            let deadline = busy.map { $0.lastActivity &+ timeoutNanoseconds }.min() ?? now &+ timeoutNanoseconds
            if deadline <= now, let late = busy.first(where: { $0.lastActivity &+ timeoutNanoseconds <= now }) {
                throw hung(late)
            }
            var fds = workers.map { pollfd(fd: $0.process.output, events: Int16(POLLIN), revents: 0) }
            let waitMs = Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
            do throws(Errno) {
                _ = try SystemCall.poll(&fds, timeoutMilliseconds: waitMs)
            } catch {
                throw GilBenchError(.system, "poll on the workers' pipes failed", errno: error)
            }
            for (i, fd) in fds.enumerated() where fd.revents != 0 {
                let worker = workers[i]
                let n: Int
                do throws(Errno) {
                    n = try SystemCall.read(worker.process.output, into: &buffer)
                } catch .resourceTemporarilyUnavailable {
                    continue
                } catch {
                    throw GilBenchError(.runFailed, "cannot read from \(worker.name) (descriptor \(worker.process.output))", errno: error)
                }
                if n == 0 { throw try ended(worker) }
                worker.decoder.append(buffer[0..<n])
                while true {
                    let frame: WorkerFrame?
                    do { frame = try worker.decoder.next() } catch { throw malformed(worker, error) }
                    guard let frame else { break }
                    guard let request = worker.outstanding.first else {
                        throw GilBenchError(.runFailed, "\(worker.name) sent a \(frame.kind) frame it was not asked for")
                    }
                    switch frame.kind {
                    case .result:
                        do { results[request] = try WorkerResult(frame: frame) } catch { throw malformed(worker, error) }
                    case .failure:
                        throw GilBenchError(.runFailed, "\(worker.name) failed on task \(request + 1): \(String(decoding: frame.payload, as: UTF8.self))")
                    case .request:
                        throw GilBenchError(.runFailed, "\(worker.name) sent a request frame where a result was expected")
                    }
                    worker.outstandingWork -= costs[request]
                    worker.outstanding.removeFirst()
                    worker.lastActivity = MonotonicClock.nanoseconds()
                    done += 1
                }
                try feed(worker)
            }
        }
        return results.map { $0! }
    }

    /// Writes whole frames to a worker whose input is non-blocking, waiting at most the timeout.
    private func send(_ bytes: [UInt8], to worker: Worker) throws(GilBenchError) {
        var offset = 0
        let start = MonotonicClock.nanoseconds()
        while offset < bytes.count {
            do throws(Errno) {
                offset += try SystemCall.write(worker.process.input, bytes[offset...])
            } catch .resourceTemporarilyUnavailable {
                if MonotonicClock.nanoseconds() - start > timeoutNanoseconds { throw hung(worker) }
                var fds = [pollfd(fd: worker.process.input, events: Int16(POLLOUT), revents: 0)]
                _ = try? SystemCall.poll(&fds, timeoutMilliseconds: 100)
            } catch .brokenPipe {
                throw try ended(worker)
            } catch {
                throw GilBenchError(.runFailed, "cannot write to \(worker.name) (descriptor \(worker.process.input))", errno: error)
            }
        }
    }

    // MARK: Failures

    /// The error for a worker whose output ended while the run still needed it.
    private func ended(_ worker: Worker) throws(GilBenchError) -> GilBenchError {
        let task = worker.outstanding.first.map { " while running task \($0 + 1)" } ?? ""
        var truncated = ""
        do { try worker.decoder.finish() } catch { truncated = " after a truncated frame (\(error.message))" }
        guard let how = try reap(worker, within: 2_000_000_000) else {
            return GilBenchError(.runFailed, "\(worker.name) closed its output\(task)\(truncated) and did not exit; killed it")
        }
        return GilBenchError(.runFailed, "\(worker.name) \(how)\(task)\(truncated)")
    }

    private func malformed(_ worker: Worker, _ error: WireError) -> GilBenchError {
        GilBenchError(.runFailed, "\(worker.name) sent a malformed reply: \(error.message)")
    }

    private func hung(_ worker: Worker) -> GilBenchError {
        let task = worker.outstanding.first.map { "task \($0 + 1)" } ?? "its task"
        let seconds = Double(timeoutNanoseconds) / 1e9
        return GilBenchError(
            .runFailed,
            "\(worker.name) stopped answering: no reply to \(task) for \(DecimalText.compact(seconds)) s (--worker-timeout); killed it")
    }

    /// Waits up to `nanoseconds` for a worker to exit; kills it if it does not. Returns how it ended,
    /// or nil when it had to be killed.
    private func reap(_ worker: Worker, within nanoseconds: UInt64) throws(GilBenchError) -> ChildProcess.Termination? {
        let start = MonotonicClock.nanoseconds()
        while true {
            if let (ended, usage) = try worker.process.wait(blocking: false) {
                worker.usage = usage
                return ended
            }
            if MonotonicClock.nanoseconds() - start > nanoseconds {
                worker.process.signal(SIGKILL)
                if let (_, usage) = try worker.process.wait(blocking: true) { worker.usage = usage }
                return nil
            }
            usleep(200)
        }
    }
}
