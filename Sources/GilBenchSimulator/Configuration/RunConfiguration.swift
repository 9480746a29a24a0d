/// What executes a workload: gilbench's simulator, or a real interpreter measured from outside.
public enum Engine: Sendable, Hashable {
    case simulator
    /// A real interpreter: its `engine` column (`cpython-3.11.7`) and the GIL design it has in
    /// gilbench's names (`interval`, `ticks`, or empty when gilbench has no model of it).
    case interpreter(name: String, gil: GILDesign?)

    /// The `engine` column.
    public var name: String {
        switch self {
        case .simulator: "gilbench-sim"
        case .interpreter(let name, _): name
        }
    }
}

/// The workloads gilbench runs.
public enum Workload: String, Sendable, CaseIterable, Codable {
    /// Slide 80: `while n > 0: n -= 1`, once per task.
    case countdown
    /// Slides 99-104: a loop calling native `churn(churnN)` `calls` times, the GIL released around it.
    case `extension`
    /// One thread answers requests on a loopback TCP connection (recv and sendall release the GIL) beside `cpuThreads`
    /// CPU-bound threads; a client outside the interpreter measures response times (convoy effect).
    case ioLatency = "io-latency"
    /// Slide 43: two threads run `x = x + 1` and `x = x - 1` on a global `n` times each.
    case race
    /// ``race`` with a user lock (LOCK_ACQUIRE / LOCK_RELEASE) around each update: x ends at 0.
    case raceLocked = "race-locked"
    /// Slide 90: one long instruction (`-1 in range(n)`) while another thread waits for the GIL.
    case longTick = "long-tick"
    /// Slides 147-150: SHA-512 of every file of a tree, read in chunks (`HashingJob`).
    case hashing
    /// The machine's ceiling: `n` steps of native arithmetic per task with the GIL released
    /// (``SpinWorkload``), no interpreter loop.
    case spin
    /// Slides 72-76, 113-125, 157-163: a producer sends `messages` messages of `messageSize` bytes
    /// to a consumer through a queue (threads), a pipe (processes) or `send()` (coroutines); see
    /// ``PipelineWorkload``.
    case pipeline
    /// Issue 24: a request/reply server on `connections` loopback TCP connections, loaded by a client
    /// process (`ServerLoadClient`), in the model `mode` names: a thread per connection (`threads`),
    /// an asyncore-style event loop (`events`), generators resumed by an event loop (`coroutines`), or
    /// pre-forked worker processes each running the event loop (`processes`); see ``ServerWorkload``.
    case server
}

/// How the pipeline's two sides talk (`--pattern`).
public enum MessagePattern: String, Sendable, CaseIterable, Codable {
    /// The producer sends, the consumer accumulates (total bytes); nobody waits for an answer.
    case stream
    /// An actor: the consumer answers each request, and the producer waits for each reply.
    case requestReply = "request-reply"
}

/// How the tasks of a run are executed.
public enum ExecutionMode: String, Sendable, CaseIterable, Codable {
    /// All tasks one after another in one thread.
    case sequential
    /// One thread per task, all under one GIL.
    case threads
    /// One worker process per task (`processes` of them), each with its own interpreter and GIL.
    case processes
    /// `processes` worker processes fed small tasks through a queue (multiprocessing.Pool).
    case pool
    /// All tasks as generators in one thread, resumed in turn by a round-robin scheduler (slide 160);
    /// the pipeline's producer `send()`s into its consumer generator instead.
    case coroutines
    /// The server workload only: one interpreter thread runs an asyncore-style event loop, `poll`
    /// over every connection, then a handler per ready one (slides 153-156).
    case events
}

/// Which thread a sequential run's tasks run on (`--sequential-thread`).
///
/// A control for the threaded runs: both of a threaded run's tasks run on started threads, while the
/// slides' sequential script counts on the main thread. CPython 3.11's loop was measured to cost
/// differently on the two, with no second thread to wait for (the DocC article *Measuring real
/// interpreters*, "Where the simulator misses"), so `worker` measures the sequential run where the
/// threaded one runs.
public enum SequentialThread: String, Sendable, CaseIterable, Codable {
    /// The thread that starts the run: the main thread under the command line, as slide 80's script
    /// calls `count(n)` twice at module level.
    case main
    /// One thread started for the run and joined after it (`threading.Thread` in the Python twin),
    /// running every task in turn.
    case worker
}

/// The GIL design a run uses.
public enum GILDesign: String, Sendable, CaseIterable, Codable {
    /// Python 2: release and re-take every check interval ticks (``TickGIL``).
    case ticks
    /// Python 3.2+: drop request after a switch interval, forced switching (``IntervalGIL``).
    case interval
    /// FIFO hand-off every check interval ticks (``FairGIL``).
    case fair
    /// Beazley 2010: I/O-bound threads preempt CPU-bound ones (``PriorityGIL``).
    case priority
    /// No GIL (free-threaded Python).
    case none
}

/// Everything that defines one configuration of a run. Each field is a CSV column.
public struct RunConfiguration: Sendable, Hashable {
    /// A label that groups rows of one experiment (`gilbench reproduce` sets it; empty otherwise).
    public var experiment: String = ""
    /// What executes the workload: gilbench's simulator, or a real interpreter (`gilbench python`).
    public var engine: Engine = .simulator
    public var workload: Workload = .countdown
    public var mode: ExecutionMode = .sequential
    public var gil: GILDesign = .ticks
    public var lock: LockKind = .semaphore
    /// How many tasks the run does (countdown: how many times count(n) runs). In `threads` mode
    /// each task has its own thread; in `sequential` mode they run one after another.
    public var tasks: Int = 2
    public var n: Int = 20_000_000
    /// Ticks between GIL checks (Python 2's `sys.setcheckinterval`).
    public var checkInterval: Int = 100
    /// Milliseconds a waiter waits before it asks for the GIL (Python 3's `sys.setswitchinterval`).
    public var switchIntervalMilliseconds: Double = 5
    /// `extension`: iterations of the native `churn(n)` per call.
    public var churnN: Int = 0
    /// `extension`: native calls per thread; `io-latency`: requests the client sends.
    public var calls: Int = 1_000_000
    /// `io-latency`: CPU-bound threads beside the server thread.
    public var cpuThreads: Int = 1
    /// The column `gilbench sweep` varies (its own column holds the value); empty otherwise.
    public var sweepParameter: SweepParameter? = nil
    public var cpus: CPUSelection = .all
    public var repetitions: Int = 5
    public var warmup: Int = 1
    /// Which counter counts this configuration's system calls (`syscall_counter`; see `SyscallCounting`).
    public var syscallCounter: SyscallCounterKind = .none
    /// Worker processes in `processes` and `pool` modes (`--processes`).
    public var processes: Int = 2
    /// Hashing: the directory to hash (`--tree`).
    public var tree: String = ""
    /// Hashing: bytes per read (`--chunk-size`, slide 147's 8192).
    public var chunkSize: Int = 8192
    /// Hashing: whether a thread keeps the GIL while hashing a chunk.
    public var gilDuringHash: GILDuringHash = .release
    /// Hashing: the SHA-512 implementation (`--sha512-core`).
    public var sha512Core: SHA512Core = .swiftCrypto
    /// Processes: seconds a busy worker may stay silent before it is declared hung and killed.
    public var workerTimeoutSeconds: Double = 60
    /// Processes: a failure to inject into worker 1 (tests only; never a CSV column).
    public var workerFault: WorkerFault? = nil
    /// Coroutines: loop iterations between two `yield`s of a task (`--yield-every`; slide 160: 1).
    public var yieldEvery: Int = 1
    /// Pipeline: messages the producer sends (`--messages`).
    public var messages: Int = 100_000
    /// Pipeline: bytes in each message's payload (`--message-size`).
    public var messageSize: Int = 64
    /// Pipeline: stream or request-reply (`--pattern`).
    public var pattern: MessagePattern = .stream
    /// Sequential mode: the main thread or one started thread (`--sequential-thread`).
    public var sequentialThread: SequentialThread = .main
    /// After which instructions the interpreter checks the GIL (`--check-points`): nil for the
    /// design's own (``GILDesign/checkPoints``, what every run did before this setting); a real
    /// interpreter's configuration holds its version's, which its simulator twin runs with.
    public var checkPoints: CheckPoints? = nil
    /// Server: loopback TCP connections the client opens (`--connections`, 1...100,000).
    public var connections: Int = 100
    /// Server: iterations of the interpreted per-request loop `while w > 0: w -= 1` (`--request-work`; 0 allowed).
    public var requestWork: Int = 100
    /// Server: requests per second over all connections, an open loop (`--rate`); nil: a closed loop,
    /// each connection sending its next request when its answer arrives.
    public var rate: Double? = nil
    /// Server: the measured window, in seconds (`--duration`), after ``serverWarmupSeconds``.
    public var durationSeconds: Double = 1.0
    /// Server: when set, the measured window ends after this many answers instead (`--requests`).
    public var requests: Int? = nil
    /// Server: seconds of load before the measured window starts (connections made, caches warm).
    public var serverWarmupSeconds: Double = 0.2

    /// The largest `messageSize` accepted: 16 MiB, so that a message and its pickled copy stay well
    /// within memory and a pipe transfer stays a few milliseconds.
    public static let maxMessageSize = 16 << 20

    /// The most connections the server workload takes (`--connections`).
    public static let maxConnections = 100_000

    /// The smallest request of the server workload: the request number, 8 bytes (`struct` `=q`).
    public static let minServerMessageSize = 8

    public init() {}

    /// Whether CPython 2 calls `PyEval_InitThreads` in this run, which creates its GIL's lock and
    /// keeps it for the rest of the process: when a thread starts (`thread.start_new_thread` in
    /// `Modules/threadmodule.c`), so in threaded runs and in a sequential run on a worker thread;
    /// and when ctypes is imported (`init_ctypes` in `Modules/_ctypes/_ctypes.c`, so that callbacks
    /// may come from foreign threads), so in every extension run. uprobes on CPython 2.7.18 counted
    /// 207,985 `PyThread_acquire_lock` calls in the sequential extension twin (2 × 100,000 calls of
    /// `churn(0)`), one per call and one per check, against 39 in a sequential countdown. The
    /// server's event loop and coroutines run in the main thread of a program that starts threads
    /// only for its CPU-bound threads.
    public var initialisesThreads: Bool {
        if workload == .server { return mode == .threads || cpuThreads > 0 }
        return mode == .threads || (mode == .sequential && sequentialThread == .worker) || workload == .extension
    }

    /// Threads that run interpreter code at once in this process.
    public var threads: Int {
        // The server: a thread per connection (threads) or the event loop's one, beside the CPU-bound
        // threads (its accept loop runs before them, natively: ServerWorkload).
        if workload == .server { return (mode == .threads ? connections : 1) + cpuThreads }
        return mode == .threads ? tasks : 1
    }

    /// Worker processes the run starts (1: the run stays in this process).
    /// The pipeline's processes mode is always two: the producer's (this one) and the consumer's.
    public var processCount: Int {
        guard mode == .processes || mode == .pool else { return 1 }
        return workload == .pipeline ? 2 : processes
    }

    /// Iterations between yields for the tasks' programs: `yieldEvery` in coroutines mode, nil otherwise.
    public var generatorYieldEvery: Int? { mode == .coroutines ? yieldEvery : nil }

    /// Whether the lock kind matters (only the tick design is built on one).
    public var lockColumn: String { gil == .ticks ? lock.rawValue : "" }

    /// Checks values a user can get wrong.
    /// - Throws: ``GilBenchError`` with code `.usage` naming the ``RunSetting`` that is wrong.
    public func validate() throws(GilBenchError) {
        guard n >= 0 else { throw GilBenchError(.n, "must be 0 or more (got \(n))") }
        guard checkInterval >= 1 else {
            throw GilBenchError(.checkInterval, "must be at least 1 tick (got \(checkInterval))")
        }
        guard tasks >= 1 && tasks <= 1024 else { throw GilBenchError(.tasks, "must be between 1 and 1024 (got \(tasks))") }
        guard repetitions >= 1 else { throw GilBenchError(.repetitions, "must be at least 1 (got \(repetitions))") }
        guard warmup >= 0 else { throw GilBenchError(.warmup, "must be 0 or more (got \(warmup))") }
        try validateDesignAndWorkload()
        guard processes >= 1 && processes <= 256 else {
            throw GilBenchError(.processes, "must be between 1 and 256 (got \(processes))")
        }
        guard chunkSize >= 1 && chunkSize <= 64 << 20 else {
            throw GilBenchError(.chunkSize, "must be between 1 and 67108864 bytes (got \(chunkSize))")
        }
        guard workerTimeoutSeconds > 0 && workerTimeoutSeconds.isFinite else {
            throw GilBenchError(.workerTimeout, "must be a positive number of seconds (got \(workerTimeoutSeconds))")
        }
    }
}
