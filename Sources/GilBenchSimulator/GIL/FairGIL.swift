import Synchronization

/// A FIFO hand-off GIL: the Python 2 check interval with a fair lock under it.
///
/// Not a CPython design; it answers "what if the GIL were fair?". Threads that find the GIL taken
/// join a queue. Releasing with a non-empty queue hands the GIL straight to the longest waiter
/// (the GIL never becomes free in between), so the releasing thread cannot take it back while
/// another waits: at its next acquisition it queues behind them. Every `checkInterval` ticks
/// (as ``TickGIL``) the holder gives the GIL to the first waiter, if there is one, and queues.
///
/// Failed acquisitions are the wake-ups of a waiter that had not been handed the GIL (spurious
/// wake-ups): a hand-off never fails. No drop request, so ``GILCounters/forcedSwitches`` is nil.
public final class FairGIL: GlobalInterpreterLock, @unchecked Sendable {
    // @unchecked Sendable: every `var` below except `ticker` is guarded by `state.mutex`; `ticker` is
    // only touched by the thread holding the GIL, which the mutex-guarded hand-off orders.
    private let state = MutexAndCondition()
    private var locked = false
    private var queue: [HandOffWaiter] = []
    private var waiters = HandOffWaiters()
    /// Length of `queue`, readable by the holder at a tick without the mutex.
    private let queued = Atomic<Int>(0)
    public let checkInterval: Int
    private var ticker: Int

    private var tally: AcquisitionTally
    private var failed = 0

    /// Off by default: logs waits, acquisitions, releases and failed wake-ups for the timeline plot.
    public let recorder: GILEventRecorder?

    /// - Parameters:
    ///   - checkInterval: ticks between hand-offs to a waiting thread (as Python 2's check interval).
    ///   - recordWaits: keep a histogram of contended waits.
    ///   - recorder: where to log GIL events (nil, the default: no log).
    public init(checkInterval: Int = 100, recordWaits: Bool = false, recorder: GILEventRecorder? = nil) {
        self.recorder = recorder
        precondition(checkInterval >= 1)
        self.checkInterval = checkInterval
        ticker = checkInterval
        tally = AcquisitionTally(recordWaits: recordWaits)
    }

    /// Threads waiting now (for tests and the tick).
    package var waitingCount: Int { queued.load(ordering: .relaxed) }

    public func acquire(_ thread: inout InterpreterThread) {
        state.lock()
        var waited: UInt64 = 0
        if locked || !queue.isEmpty {
            let start = MonotonicClock.nanoseconds()
            let me = waiters.waiter(for: thread.id)
            me.granted = false
            queue.append(me)
            queued.store(queue.count, ordering: .relaxed)
            while !me.granted {
                me.condition.wait(state.mutex)
                if !me.granted {
                    failed += 1
                    recorder?.record(.failedWakeup, thread: thread.id)
                }
            }
            waited = MonotonicClock.nanoseconds() &- start
        }
        locked = true
        tally.record(holder: thread.id, waited: waited, logTo: recorder)
        state.unlock()
    }

    /// Hands the GIL to the longest waiter, or frees it when nobody waits.
    public func release(_ thread: inout InterpreterThread) {
        state.lock()
        precondition(locked, "FairGIL released while not held")
        recorder?.record(.released, thread: thread.id)
        if queue.isEmpty {
            locked = false
        } else {
            let next = queue.removeFirst()
            queued.store(queue.count, ordering: .relaxed)
            next.granted = true  // `locked` stays true: the GIL passes straight to `next`
            next.condition.signal()
        }
        state.unlock()
    }

    @inline(__always)
    public func tick(_ thread: inout InterpreterThread) {
        ticker -= 1
        if ticker < 0 {
            ticker = checkInterval
            if queued.load(ordering: .relaxed) > 0 {
                release(&thread)
                acquire(&thread)
            }
        }
    }

    public func counters() -> GILCounters {
        state.lock()
        defer { state.unlock() }
        return tally.counters(failedAcquisitions: failed, forcedSwitches: nil)
    }
}
