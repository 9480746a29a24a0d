import CGilBench
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Beazley's 2010 proposal ("Understanding the Python GIL", PyCon 2010; bpo-7946): the Python 3
/// GIL with priorities for I/O-bound threads.
///
/// Built on CPython 3.2+'s `Python/ceval_gil.c`, as ``IntervalGIL``: a `locked` flag under a mutex,
/// the timed wait for the switch interval, `switch_number`, and the drop request (`gil_drop_request`)
/// the holder checks at every eval-breaker check point (``tick(_:)``) and obeys as
/// `_Py_HandlePending` does: drop the GIL, then take it back.
///
/// - A thread is *CPU-bound* once it has been forced off the GIL by a drop request, and *I/O-bound*
///   once it has given the GIL up for blocking I/O (``releaseForBlocking(_:)``). A new thread starts
///   CPU-bound.
/// - Waiters queue in two FIFO queues. A release hands the GIL straight to the first I/O-bound
///   waiter, else to the first CPU-bound one (so, as with FORCE_SWITCHING, the releasing thread
///   cannot win it straight back).
/// - An I/O-bound thread that finds a CPU-bound holder sets the drop request at once, so the holder
///   leaves at its next check point: the I/O thread preempts it instead of waiting for the interval.
/// - Otherwise the switch interval works as in ``IntervalGIL``: a waiter that waited the interval
///   with no switch meanwhile sets the drop request; the holder checks it at every tick point.
///
/// - "At once" means without a second wake-up: the I/O thread that preempts a CPU-bound holder
///   spins for the hand-off (which comes at the holder's next check point, within a microsecond)
///   for at most ``spinNanoseconds`` before it sleeps on its condition. Sleeping would cost it a
///   futex wake-up across CPUs (tens of microseconds on these VMs) on top of the wake-up that
///   brought its I/O back, which is the very delay the design exists to remove. If the holder does
///   not hand over in time (it is in a long native call, or not on a CPU), the waiter sleeps as
///   any other.
///
/// Departure from the talk: Beazley sketched the policy, not code; the queues, direct hand-off,
/// the bounded spin and the start-as-CPU-bound rule are our choices. Spurious wake-ups count as
/// failed acquisitions. Counters and, when asked, a wait histogram are kept in an
/// `AcquisitionTally` and events logged to a ``GILEventRecorder`` as the other designs do, under
/// the mutex.
public final class PriorityGIL: GlobalInterpreterLock, @unchecked Sendable {
    // @unchecked Sendable: every `var` below is guarded by `state.mutex`; `dropRequest` and
    // `queued` are atomics.
    private let state = MutexAndCondition()
    private let dropRequest = Atomic<Bool>(false)
    private var locked = false
    private var holderIsIOBound = false
    private var ioQueue: [HandOffWaiter] = []
    private var cpuQueue: [HandOffWaiter] = []
    private var waiters = HandOffWaiters()
    private var ioBound = Set<Int>()
    private var switchNumber: UInt64 = 0
    private let queued = Atomic<Int>(0)
    public let intervalNanoseconds: UInt64
    /// How long an I/O-bound thread that preempted a CPU-bound holder spins for the hand-off before
    /// it sleeps (0: never spin).
    public let spinNanoseconds: UInt64
    private var spinHandoffs = 0

    private var tally: AcquisitionTally
    private var failed = 0
    private var forced = 0

    /// Off by default: logs waits, acquisitions, releases and failed wake-ups for the timeline plot.
    public let recorder: GILEventRecorder?

    /// - Parameters:
    ///   - switchIntervalMilliseconds: how long a waiter waits before it requests a drop (default 5 ms).
    ///   - recordWaits: keep a histogram of contended waits.
    ///   - spinMicroseconds: how long a preempting I/O-bound thread spins for its hand-off before it
    ///     sleeps (default 100 µs; 0 never spins).
    ///   - recorder: where to log GIL events (nil, the default: no log).
    public init(
        switchIntervalMilliseconds: Double = 5, recordWaits: Bool = false, spinMicroseconds: Double = 100,
        recorder: GILEventRecorder? = nil
    ) {
        precondition(switchIntervalMilliseconds > 0 && spinMicroseconds >= 0)
        self.recorder = recorder
        intervalNanoseconds = max(1_000, UInt64(switchIntervalMilliseconds * 1e6))
        spinNanoseconds = UInt64(spinMicroseconds * 1e3)
        tally = AcquisitionTally(recordWaits: recordWaits)
    }

    /// Threads waiting now (for tests).
    package var waitingCount: Int { queued.load(ordering: .relaxed) }
    /// Whether a drop is requested now (for tests).
    package var dropRequested: Bool { dropRequest.load(ordering: .relaxed) }
    /// Hand-offs that a spinning I/O-bound waiter took without sleeping (for tests).
    package var handoffsWhileSpinning: Int {
        state.lock()
        defer { state.unlock() }
        return spinHandoffs
    }

    public func acquire(_ thread: inout InterpreterThread) { take(thread.id, returningFromIO: false) }

    public func release(_ thread: inout InterpreterThread) { drop(thread.id, forced: false) }

    /// The thread gives the GIL up for I/O: from now on it is I/O-bound.
    public func releaseForBlocking(_ thread: inout InterpreterThread) { drop(thread.id, forced: false, forIO: true) }

    public func acquireAfterBlocking(_ thread: inout InterpreterThread) { take(thread.id, returningFromIO: true) }

    @inline(__always)
    public func tick(_ thread: inout InterpreterThread) {
        if dropRequest.load(ordering: .relaxed) { handleDropRequest(thread.id) }
    }

    @inline(never)
    private func handleDropRequest(_ id: Int) {
        drop(id, forced: true)
        take(id, returningFromIO: false)
    }

    private func take(_ id: Int, returningFromIO: Bool) {
        if returningFromIO { state.lockSpinning() } else { state.lock() }
        if returningFromIO { ioBound.insert(id) }
        let isIOBound = ioBound.contains(id)
        var waited: UInt64 = 0
        if locked {
            let start = MonotonicClock.nanoseconds()
            let me = waiters.waiter(for: id)
            me.granted = false
            if isIOBound { ioQueue.append(me) } else { cpuQueue.append(me) }
            // Preempt a CPU-bound holder at once, and wait for the hand-off awake.
            let preempting = isIOBound && !holderIsIOBound
            if preempting { dropRequest.store(true, ordering: .relaxed) }
            queued.store(ioQueue.count + cpuQueue.count, ordering: .relaxed)
            if preempting && spinNanoseconds > 0 {
                state.unlock()
                let spunOut = spin(until: me, startedAt: start)
                // The releasing thread may still hold the mutex for a few instructions (it
                // queues itself): wait for it awake too.
                state.lockSpinning()
                if !spunOut && me.granted { spinHandoffs += 1 }
            }
            while !me.granted {
                let savedSwitchNumber = switchNumber
                let signalled = me.condition.wait(state.mutex, untilMonotonic: MonotonicClock.nanoseconds() &+ intervalNanoseconds)
                if me.granted { break }
                if !signalled && switchNumber == savedSwitchNumber {
                    dropRequest.store(true, ordering: .relaxed)
                } else if signalled {
                    failed += 1
                    recorder?.record(.failedWakeup, thread: id)
                }
            }
            waited = MonotonicClock.nanoseconds() &- start
        }
        locked = true
        holderIsIOBound = isIOBound
        tally.record(holder: id, waited: waited, logTo: recorder)
        state.unlock()
    }

    /// Spins (without the mutex) until `waiter` is granted the GIL or ``spinNanoseconds`` have
    /// passed since `start`; true when the time ran out.
    ///
    /// Between rounds of polling it yields the CPU: when the I/O thread was woken on the very CPU
    /// where the holder ran (the scheduler preempted the holder for it), the holder can reach its
    /// check point only if the waiter lets it run; when the holder is on another CPU, the yield
    /// returns at once.
    private func spin(until waiter: HandOffWaiter, startedAt start: UInt64) -> Bool {
        let deadline = start &+ spinNanoseconds
        while true {
            for _ in 0..<256 {
                if waiter.granted { return false }
                gb_cpu_relax()
            }
            if MonotonicClock.nanoseconds() >= deadline { return !waiter.granted }
            _ = sched_yield()
        }
    }

    /// Hands the GIL to the first I/O-bound waiter, else the first CPU-bound one, else frees it.
    ///
    /// The chosen waiter is signalled after the mutex is released, so that it does not wake up
    /// only to block on the mutex (its `granted` flag, set under the mutex, tells it the GIL is its).
    private func drop(_ id: Int, forced wasForced: Bool, forIO: Bool = false) {
        if forIO { state.lockSpinning() } else { state.lock() }
        precondition(locked, "PriorityGIL released while not held")
        recorder?.record(.released, thread: id)
        if forIO { ioBound.insert(id) }
        if wasForced { ioBound.remove(id) }  // forced off: CPU-bound from now on
        dropRequest.store(false, ordering: .relaxed)
        let next: HandOffWaiter?
        if !ioQueue.isEmpty {
            next = ioQueue.removeFirst()
        } else if !cpuQueue.isEmpty {
            next = cpuQueue.removeFirst()
        } else {
            next = nil
        }
        if let next {
            if wasForced { forced += 1 }
            queued.store(ioQueue.count + cpuQueue.count, ordering: .relaxed)
            next.granted = true  // `locked` stays true: the GIL passes straight to `next`
            // `next` holds the GIL from now, even before it wakes up: a thread back from I/O must
            // see its class at once to decide whether to preempt it.
            holderIsIOBound = ioBound.contains(next.id)
            switchNumber &+= 1
        } else {
            locked = false
        }
        state.unlock()
        next?.condition.signal()
    }

    public func counters() -> GILCounters {
        state.lock()
        defer { state.unlock() }
        return tally.counters(failedAcquisitions: failed, forcedSwitches: forced)
    }
}
