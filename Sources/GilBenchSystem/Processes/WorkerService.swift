import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The worker side: what `gilbench worker` runs in each worker process.
///
/// Reads request frames from standard input, runs each in this process's own interpreter under its
/// own GIL, and writes one result (or failure) frame per request to standard output, until standard
/// input ends. Any malformed input ends the worker with a message on standard error and status 65.
///
/// Replies are written in batches: while requests already received wait, replies are held back
/// (for at most ``flushInterval``) and then written together, so that the parent is woken once per
/// batch rather than once per small task. Before the worker waits for input it writes everything.
///
/// Hash requests that arrived together and share their settings run in one interpreter run over all
/// their files (``execute(batch:)``), as the tasks of a Python pool worker run in the one interpreter
/// that outlives them; each still gets its own reply, with its own files, digests and bytes.
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
            let n: Int
            do throws(Errno) {
                n = try SystemCall.read(input, into: &buffer)
            } catch {
                return fail("cannot read from the parent (descriptor \(input)): \(error)")
            }
            if n == 0 {
                do { try decoder.finish() } catch { return fail(error.message) }
                return 0
            }
            decoder.append(buffer[0..<n])
            var received: [WorkerRequest] = []
            while true {
                let frame: WorkerFrame?
                do { frame = try decoder.next() } catch { return fail(error.message) }
                guard let frame else { break }
                do { received.append(try WorkerRequest(frame: frame)) } catch { return fail(error.message) }
            }
            var next = 0
            while next < received.count {
                // With a fault to inject, one request at a time, so that it strikes at its task.
                var end = next + 1
                if fault == nil {
                    while end < received.count && received[next].runsTogether(with: received[end]) { end += 1 }
                }
                if let fault, fault.task == served {
                    _ = flush()
                    inject(fault, output: output)
                }
                let batch = received[next..<end]
                do {
                    for result in try execute(batch: batch) { pending += result.frame.bytes }
                } catch {
                    let failure = WorkerFrame(kind: .failure, payload: Array(error.description.utf8)).bytes
                    for _ in batch { pending += failure }
                }
                served += batch.count
                next = end
                if pending.count >= flushBytes || MonotonicClock.nanoseconds() &- lastFlush >= flushInterval {
                    guard flush() else { return fail("cannot write to the parent: \(String(cString: strerror(errno)))") }
                }
            }
        }
    }

    /// Runs `batch` in this process and returns one result per request, in order. Hash requests
    /// that share their settings (``WorkerRequest/runsTogether(with:)``) run as one job over all
    /// their files; the run's ticks, instructions and GIL counters are reported on the first result
    /// (the others have zero and no GIL counters), so that the parent's sums are right.
    public static func execute(batch: ArraySlice<WorkerRequest>) throws(GilBenchError) -> [WorkerResult] {
        guard batch.count > 1, case .hash(_, let chunkSize, let gilDuringHash, let core, let settings) = batch.first else {
            return try batch.map { request throws(GilBenchError) in try execute(request) }
        }
        let shares: [[String]] = batch.map { request in
            guard case .hash(let paths, _, _, _, _) = request else { preconditionFailure("a batch mixes request kinds") }
            return paths
        }
        let (all, bytesPerFile) = try hash(
            paths: shares.flatMap { $0 }, chunkSize: chunkSize, gilDuringHash: gilDuringHash, core: core, settings)
        var results: [WorkerResult] = []
        var start = 0
        for paths in shares {
            var result = WorkerResult()
            result.files = Array(all.files[start..<(start + paths.count)])
            result.bytes = bytesPerFile[start..<(start + paths.count)].reduce(0, +)
            // Nothing of its own to count, in the same shape as the first result's counters.
            result.gil = all.gil?.nothingCounted
            results.append(result)
            start += paths.count
        }
        results[0].ticks = all.ticks
        results[0].instructions = all.instructions
        results[0].gil = all.gil
        return results
    }

    /// Runs one request in this process.
    public static func execute(_ request: WorkerRequest) throws(GilBenchError) -> WorkerResult {
        switch request {
        case .countdown(let runs, let settings), .spin(let runs, let settings):
            let program = request.isSpin ? SpinWorkload.program : Programs.countdown
            let tasks = runs.map { InterpretedTask(program: program, arguments: [$0]) }
            let shared = SharedState(globals: program.globalNames.count, locks: program.lockCount)
            return settings.withGIL(recordWaits: true, threadsInitialised: false, InterpreterRun(
                tasks: tasks, shared: shared, checkPoints: settings.checkPoints, keepsValues: true))
        case .hash(let paths, let chunkSize, let gilDuringHash, let core, let settings):
            return try hash(paths: paths, chunkSize: chunkSize, gilDuringHash: gilDuringHash, core: core, settings).0
        }
    }

    /// Hashes `paths` in one interpreter thread; also returns the bytes hashed of each file.
    private static func hash(
        paths: [String], chunkSize: Int, gilDuringHash: GILDuringHash, core: SHA512Core, _ settings: InterpreterSettings
    ) throws(GilBenchError) -> (WorkerResult, [Int]) {
        try core.checkAvailable()
        let job = HashingJob(
            files: paths.map { HashInput(path: $0, size: 0) }, chunkSize: chunkSize, gilDuringHash: gilDuringHash,
            threads: 1, core: core)
        let program = job.program
        let shared = SharedState(globals: program.globalNames.count, locks: 0)
        var result = settings.withGIL(recordWaits: true, threadsInitialised: false, InterpreterRun(
            tasks: job.tasks(), shared: shared, checkPoints: settings.checkPoints, keepsValues: false))
        result.files = job.outcomes
        result.bytes = job.bytesHashed
        return (result, job.bytesPerFile)
    }

    /// Runs `tasks` one after another in one interpreter thread (``Runner/runSequentially``): the
    /// body the GIL factory runs in a worker. The worker's GIL is built as a threaded run's is (waits
    /// recorded), so its counters have the same shape.
    struct InterpreterRun: GILBody {
        let tasks: [InterpretedTask]
        let shared: SharedState
        /// Where the worker's interpreter checks its GIL (the parent's settings).
        let checkPoints: CheckPoints
        /// Whether the result carries each task's return value (countdown) or none (hashing).
        let keepsValues: Bool

        func run<G: GlobalInterpreterLock>(_ gil: G) -> WorkerResult {
            var result = WorkerResult()
            let thread = Runner.runSequentially(tasks, gil: gil, shared: shared, checkPoints: checkPoints) { value in
                if keepsValues { result.values.append(value) }
            }
            result.ticks = thread.ticks
            result.instructions = thread.instructions
            result.gil = gil.counters()
            return result
        }
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

    /// Writes every byte (retrying partial writes and interrupted writes). False on error.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        do {
            try FileIO.write(bytes, to: fd)
            return true
        } catch {
            return false
        }
    }
}
