/// The Python 2 GIL: a binary lock released and re-taken every `checkInterval` ticks.
///
/// Follows CPython 2.7's `Python/ceval.c`: `_Py_Ticker` is one counter for the whole interpreter (not
/// per thread); at each tick it is decremented, and when it goes below zero it is reset to
/// `_Py_CheckInterval` and the running thread calls `PyThread_release_lock(interpreter_lock)` then at
/// once `PyThread_acquire_lock(interpreter_lock, 1)`: no pause, no priority, whoever the OS runs first
/// wins. Departures: no pending calls or signal handling at the check; counters are kept (below).
///
/// The lock exists only once a thread has been started (``lockExists``): CPython 2's
/// `interpreter_lock` stays NULL until `PyEval_InitThreads()`, which `thread.start_new_thread`
/// calls (`Modules/threadmodule.c`), and ceval.c releases and re-takes it at the check only
/// `if (interpreter_lock)`, as `PyEval_SaveThread`/`PyEval_RestoreThread` (Py_BEGIN/END_ALLOW_THREADS)
/// touch it only then. A sequential run, a coroutine scheduler and each `multiprocessing` worker
/// (forked before any thread) count with no lock at all: uprobes on CPython 2.7.18 counted 39
/// `PyThread_acquire_lock` calls for a sequential count(2,000,000) twice, against 118,946 in two
/// threads.
///
/// Counters other than the lock's own are written only by the thread holding the GIL, so the GIL
/// itself orders them.
public final class TickGIL<Lock: BinaryLock>: GlobalInterpreterLock, @unchecked Sendable {
    // @unchecked Sendable: every mutable property below is read and written only by the thread that
    // holds `lock` (or after all threads have been joined), so the lock orders all accesses.
    public let lock: Lock
    public let checkInterval: Int
    private var ticker: Int
    private var tally: AcquisitionTally
    /// Off by default: logs every wait, acquisition, release and failed wake-up for the timeline plot.
    public let recorder: GILEventRecorder?
    /// Whether a thread has been started, so that CPython 2 has created its `interpreter_lock`;
    /// without it acquire, release and the check's hand-back do nothing.
    public let lockExists: Bool

    /// - Parameters:
    ///   - lock: the lock to build on.
    ///   - checkInterval: ticks between release/re-acquire (CPython 2's `sys.setcheckinterval`, default 100).
    ///   - recordWaits: keep a histogram of contended waits.
    ///   - recorder: where to log GIL events (nil, the default: no log).
    ///   - lockExists: false for a run that starts no thread (see ``lockExists``).
    public init(
        lock: Lock, checkInterval: Int = 100, recordWaits: Bool = false, recorder: GILEventRecorder? = nil, lockExists: Bool = true
    ) {
        precondition(checkInterval >= 1)
        self.lock = lock
        self.lockExists = lockExists
        self.recorder = recorder
        self.checkInterval = checkInterval
        self.ticker = checkInterval
        self.tally = AcquisitionTally(recordWaits: recordWaits)
    }

    public func acquire(_ thread: inout InterpreterThread) {
        guard lockExists else { return }
        // The lock logs failed wake-ups as they happen; the wait and the acquisition follow.
        let waited = if let recorder { lock.acquire(recording: recorder, thread: thread.id) } else { lock.acquire() }
        tally.record(holder: thread.id, waited: waited, logTo: recorder)
    }

    public func release(_ thread: inout InterpreterThread) {
        guard lockExists else { return }
        recorder?.record(.released, thread: thread.id)
        lock.release()
    }

    @inline(__always)
    public func tick(_ thread: inout InterpreterThread) {
        ticker -= 1
        if ticker < 0 {
            ticker = checkInterval
            // "Give another thread a chance" (ceval.c): release, then at once take it back, when
            // there is a lock.
            if lockExists {
                release(&thread)
                acquire(&thread)
            }
        }
    }

    public func counters() -> GILCounters {
        var c = tally.counters(failedAcquisitions: lock.failedWakeups, forcedSwitches: nil)
        c.failedWakeupHistogram = lock.failedWakeupHistogram
        return c
    }
}
