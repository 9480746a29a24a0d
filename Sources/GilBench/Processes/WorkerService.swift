#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The worker side: what `gilbench worker` runs in each worker process.
///
/// Reads request frames from standard input, runs each in this process's own interpreter under its
/// own GIL, and writes one result (or failure) frame per request to standard output, until standard
/// input ends. Any malformed input ends the worker with a message on standard error and status 65.
///
/// Replies are written in batches: while requests already received wait, replies are held back
/// (for at most ``flushInterval``) and then written together, so that the parent is woken once per
/// batch rather than once per small task. Before the worker waits for input it writes everything.
public enum WorkerService {
    /// The longest a reply is held back while the worker has other requests queued.
    public static let flushInterval: UInt64 = 2_000_000  // ns
    /// Reply bytes that are written at once even before ``flushInterval``.
    static let flushBytes = 1 << 15

    /// Serves requests until end of input.
    /// - Returns: the exit status for the worker process.
    public static func serve(input: Int32 = 0, output: Int32 = 1, fault: WorkerFault? = nil) -> Int32 {
        var decoder = FrameDecoder()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var served = 0
        var pending: [UInt8] = []
        var lastFlush = MonotonicClock.nanoseconds()
        func flush() -> Bool {
            lastFlush = MonotonicClock.nanoseconds()
            guard !pending.isEmpty else { return true }
            defer { pending.removeAll(keepingCapacity: true) }
            return writeAll(output, pending)
        }
        while true {
            guard flush() else { return fail("cannot write to the parent: \(String(cString: strerror(errno)))") }
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return fail("cannot read from the parent: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                do { try decoder.finish() } catch { return fail(error.message) }
                return 0
            }
            decoder.append(buffer[0..<n])
            while true {
                let frame: WorkerFrame?
                do { frame = try decoder.next() } catch { return fail(error.message) }
                guard let frame else { break }
                let request: WorkerRequest
                do { request = try WorkerRequest(frame: frame) } catch { return fail(error.message) }
                if let fault, fault.task == served {
                    _ = flush()
                    inject(fault, output: output)
                }
                let reply: WorkerFrame
                do {
                    reply = try execute(request).frame
                } catch {
                    reply = WorkerFrame(kind: .failure, payload: Array(error.description.utf8))
                }
                pending += reply.bytes
                served += 1
                if pending.count >= flushBytes || MonotonicClock.nanoseconds() &- lastFlush >= flushInterval {
                    guard flush() else { return fail("cannot write to the parent: \(String(cString: strerror(errno)))") }
                }
            }
        }
    }

    /// Runs one request in this process.
    public static func execute(_ request: WorkerRequest) throws(GilBenchError) -> WorkerResult {
        switch request {
        case .countdown(let runs, let settings):
            let program = Programs.countdown
            let tasks = runs.map { InterpretedTask(program: program, arguments: [$0]) }
            let shared = SharedState(globals: program.globalNames.count, locks: program.lockCount)
            var values: [Int] = []
            var result = run(tasks, shared: shared, settings) { values.append($0) }
            result.values = values
            return result
        case .hash(let paths, let chunkSize, let gilDuringHash, let core, let settings):
            try core.checkAvailable()
            let job = HashingJob(
                files: paths.map { HashInput(path: $0, size: 0) }, chunkSize: chunkSize, gilDuringHash: gilDuringHash,
                threads: 1, core: core)
            let program = job.program
            var result = run(job.tasks(), shared: SharedState(globals: program.globalNames.count, locks: 0), settings) { _ in }
            result.files = job.outcomes
            result.bytes = job.bytesHashed
            return result
        }
    }

    /// Runs `tasks` one after another under a GIL built from `settings`.
    static func run(
        _ tasks: [InterpretedTask], shared: SharedState, _ settings: InterpreterSettings, value: (Int) -> Void
    ) -> WorkerResult {
        switch (settings.gil, settings.lock) {
        case (.ticks, .semaphore):
            return run(tasks, shared: shared, gil: TickGIL(lock: SemaphoreLock(), checkInterval: settings.checkInterval), value: value)
        case (.ticks, .condvar):
            return run(tasks, shared: shared, gil: TickGIL(lock: ConditionVariableLock(), checkInterval: settings.checkInterval), value: value)
        case (.interval, _):
            return run(tasks, shared: shared, gil: IntervalGIL(switchIntervalMilliseconds: settings.switchIntervalMilliseconds), value: value)
        case (.fair, _):
            return run(tasks, shared: shared, gil: FairGIL(checkInterval: settings.checkInterval), value: value)
        case (.priority, _):
            return run(tasks, shared: shared, gil: PriorityGIL(switchIntervalMilliseconds: settings.switchIntervalMilliseconds), value: value)
        case (.none, _):
            return run(tasks, shared: shared, gil: NoGIL(), value: value)
        }
    }

    static func run<G: GlobalInterpreterLock>(
        _ tasks: [InterpretedTask], shared: SharedState, gil: G, value: (Int) -> Void
    ) -> WorkerResult {
        var thread = InterpreterThread(id: 0)
        gil.acquire(&thread)
        for task in tasks {
            value(VirtualMachine.run(task.program, arguments: task.arguments, gil: gil, thread: &thread, shared: shared))
        }
        gil.release(&thread)
        var result = WorkerResult()
        result.ticks = thread.ticks
        result.instructions = thread.instructions
        result.gil = G.self == NoGIL.self ? nil : gil.counters()
        return result
    }

    private static func inject(_ fault: WorkerFault, output: Int32) {
        switch fault.kind {
        case .crash:
            // A real bad-pointer store, so the worker dies as a crashing one does (after Swift's
            // backtracer, if enabled, has printed its report).
            crashTarget.pointee = 1
        case .kill:
            _ = raise(SIGKILL)
        case .exit:
            exit(3)
        case .hang:
            while true { _ = pause() }
        case .garbage:
            _ = writeAll(output, Array("this is not a frame\n".utf8))
            while true { _ = pause() }  // the parent must notice the garbage, not the exit
        case .short:
            let frame = WorkerResult().frame.bytes
            _ = writeAll(output, Array(frame.prefix(frame.count / 2)))
            exit(0)
        case .failure:
            _ = writeAll(output, WorkerFrame(kind: .failure, payload: Array("injected failure".utf8)).bytes)
            while true { _ = pause() }
        }
    }

    /// An address no process maps (page 0).
    // nonisolated(unsafe): never written; a `var` so that the optimizer cannot prove the store traps
    // and fold it away; read only by the one thread of a worker that was told to crash.
    nonisolated(unsafe) private static var crashTarget = UnsafeMutablePointer<Int>(bitPattern: 8)!

    private static func fail(_ message: String) -> Int32 {
        let line = "gilbench worker: \(message)\n"
        _ = writeAll(2, Array(line.utf8))
        return 65
    }

    /// Writes every byte (retrying partial writes and EINTR). False on error.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        return bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}
