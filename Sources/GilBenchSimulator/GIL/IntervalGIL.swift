import Synchronization

/// The Python 3.2+ GIL: a waiter asks the holder to drop the GIL after a switch interval.
///
/// Follows CPython's `Python/ceval_gil.c` (`take_gil`, `drop_gil`, `_Py_HandlePending`):
/// - The GIL is a `locked` flag under a mutex, with a condition (`gil->cond`) waiters wait on.
/// - A thread that finds the GIL locked waits on the condition for at most the switch interval
///   (`sys.setswitchinterval`, default 5 ms). If it timed out, the GIL is still locked and
///   `switch_number` has not moved (no other thread took the GIL meanwhile), it sets the drop request
///   (`SET_GIL_DROP_REQUEST`: `gil_drop_request` and `eval_breaker`).
/// - The holder checks the request at every eval-breaker check point (``tick(_:)``). When it is set,
///   the holder drops the GIL and takes it back at once (`_Py_HandlePending`): a *forced switch*.
/// - FORCE_SWITCHING: a thread that drops the GIL while a drop is requested waits on `switch_cond`
///   until another thread has taken the GIL (`last_holder` changed), so it cannot win it straight back.
/// - Taking the GIL bumps `switch_number` when the holder changes, and clears the drop request.
///
/// Check points: the interpreter calls ``tick(_:)`` where the run's ``CheckPoints`` say. By default
/// (``GILDesign/checkPoints``) that is ``CheckPoints/loopTop32``, where CPython 3.2 to 3.9 tested
/// `eval_breaker` (the old `_Py_Ticker` test at the loop top, skipped by the same `FAST_DISPATCH`
/// instructions as 2.7's). CPython 3.10 tests it only after jumps and calls
/// (``CheckPoints/jumpsAndCalls310``), 3.11 to 3.13 only after backward jumps and calls
/// (``CheckPoints/backwardJumpsAndCalls311``): there a waiter can no longer get in between slide
/// 43's LOAD_GLOBAL and STORE_GLOBAL. A real interpreter's twin runs with its version's points.
///
/// Departures: signals, pending calls, GC and async exceptions are not simulated; `last_holder` is
/// written only when the GIL is taken (CPython also stores it in `drop_gil` for sub-interpreters);
/// the FORCE_SWITCHING wait is a loop on `last_holder` (CPython waits once and tolerates a spurious
/// wake-up); counters and, when asked, a wait histogram are kept (`AcquisitionTally`, as the other
/// designs), under the mutex that already guards `locked`; forced switches are counted at
/// `_Py_HandlePending`'s drop (the `forced_switches` column).
public final class IntervalGIL: GlobalInterpreterLock, @unchecked Sendable {
    // @unchecked Sendable: `locked`, `switchNumber`, `tally` and `failed` are guarded by `gil.mutex`;
    // `lastHolder` is written with both mutexes held and read with `switchLock.mutex` or `gil.mutex`
    // held; `dropRequest` and `forced` are atomics.
    private let gil = MutexAndCondition()
    private let switchLock = MutexAndCondition()
    /// `gil_drop_request` (and `eval_breaker`, which has no other cause here).
    private let dropRequest = Atomic<Bool>(false)
    private var locked = false
    private var lastHolder = -1
    private var switchNumber: UInt64 = 0
    /// The switch interval in nanoseconds (CPython keeps microseconds; at least 1 µs as there).
    public let intervalNanoseconds: UInt64

    private var tally: AcquisitionTally
    private var failed = 0
    /// Written by the holder without the mutex (at its check point), hence atomic.
    private let forced = Atomic<Int>(0)
    /// Off by default: logs waits, acquisitions, releases and failed wake-ups for the timeline plot.
    public let recorder: GILEventRecorder?

    /// - Parameters:
    ///   - switchIntervalMilliseconds: how long a waiter waits before it requests a drop (default 5 ms).
    ///   - recordWaits: keep a histogram of contended waits.
    ///   - recorder: where to log GIL events (nil, the default: no log).
    public init(switchIntervalMilliseconds: Double = 5, recordWaits: Bool = false, recorder: GILEventRecorder? = nil) {
        precondition(switchIntervalMilliseconds > 0)
        self.recorder = recorder
        intervalNanoseconds = max(1_000, UInt64(switchIntervalMilliseconds * 1e6))
        tally = AcquisitionTally(recordWaits: recordWaits)
    }

    public func acquire(_ thread: inout InterpreterThread) { takeGIL(thread.id) }

    /// The thread ends: `drop_gil` with a NULL thread state, so no FORCE_SWITCHING wait.
    public func release(_ thread: inout InterpreterThread) { dropGIL(thread.id, waitForSwitch: false) }

    /// `Py_BEGIN_ALLOW_THREADS` (`PyEval_SaveThread`): `drop_gil` with the thread state, so a pending
    /// drop request makes this thread wait until another has taken the GIL.
    public func releaseForBlocking(_ thread: inout InterpreterThread) { dropGIL(thread.id, waitForSwitch: true) }

    public func acquireAfterBlocking(_ thread: inout InterpreterThread) { takeGIL(thread.id) }

    /// The eval-breaker check: one relaxed load unless a drop was requested.
    @inline(__always)
    public func tick(_ thread: inout InterpreterThread) {
        if dropRequest.load(ordering: .relaxed) { handleDropRequest(thread.id) }
    }

    /// `_Py_HandlePending`'s GIL branch: "Give another thread a chance".
    @inline(never)
    private func handleDropRequest(_ id: Int) {
        forced.wrappingAdd(1, ordering: .relaxed)
        dropGIL(id, waitForSwitch: true)
        // Other threads may run now.
        takeGIL(id)
    }

    /// `drop_gil`.
    private func dropGIL(_ id: Int, waitForSwitch: Bool) {
        gil.lock()
        precondition(locked, "drop_gil: GIL is not locked")
        recorder?.record(.released, thread: id)
        locked = false
        gil.signal()
        gil.unlock()
        guard waitForSwitch, dropRequest.load(ordering: .relaxed) else { return }
        // FORCE_SWITCHING: not switched yet => wait until another thread took the GIL.
        switchLock.lock()
        if lastHolder == id {
            dropRequest.store(false, ordering: .relaxed)  // RESET_GIL_DROP_REQUEST
            while lastHolder == id { switchLock.wait() }
        }
        switchLock.unlock()
    }

    /// `take_gil`.
    private func takeGIL(_ id: Int) {
        gil.lock()
        var waited: UInt64 = 0
        if locked {
            let start = MonotonicClock.nanoseconds()
            while locked {
                let savedSwitchNumber = switchNumber
                let signalled = gil.wait(untilMonotonic: MonotonicClock.nanoseconds() &+ intervalNanoseconds)
                // Timed out and no switch meanwhile: ask the holder to drop the GIL.
                if !signalled && locked && switchNumber == savedSwitchNumber {
                    dropRequest.store(true, ordering: .relaxed)  // SET_GIL_DROP_REQUEST
                } else if signalled && locked {
                    failed += 1  // woken, but another thread took the GIL first
                    recorder?.record(.failedWakeup, thread: id)
                }
            }
            waited = MonotonicClock.nanoseconds() &- start
        }
        // _ready: last_holder is changed under switch_mutex, see dropGIL.
        switchLock.lock()
        locked = true
        if lastHolder != id {
            lastHolder = id
            switchNumber &+= 1
        }
        switchLock.signal()
        switchLock.unlock()
        if dropRequest.load(ordering: .relaxed) { dropRequest.store(false, ordering: .relaxed) }
        tally.record(holder: id, waited: waited, logTo: recorder)
        gil.unlock()
    }

    public func counters() -> GILCounters {
        gil.lock()
        defer { gil.unlock() }
        // The tally's hand-offs are switch_number's bumps less the very first acquisition.
        return tally.counters(failedAcquisitions: failed, forcedSwitches: forced.load(ordering: .relaxed))
    }
}
