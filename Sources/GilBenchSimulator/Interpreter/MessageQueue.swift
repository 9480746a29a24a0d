import Synchronization

/// The C steps of a message queue built as CPython's `Queue.Queue` (unbounded, `maxsize=0`): 2.7's
/// `Lib/Queue.py` and 3.x's `Lib/queue.py`, on `Lib/threading.py`'s `Condition`: one mutex (a
/// `thread.allocate_lock()`) shared by the conditions `not_empty` and `not_full`, each a list of
/// waiter locks. The bytecodes around these steps run as interpreted instructions
/// (``QueueMethodCosts``) for the path each took, **while the mutex is held**, as CPython runs
/// nearly all of them: 2.7's `put` and `get` take `not_full`/`not_empty` (the mutex) on their
/// first line and release it in their `finally:`, 3.x's run their body inside `with
/// self.not_full:`/`with self.not_empty:`. So a check point inside them can hand the GIL over
/// while the mutex is held, and the other thread, which then finds the mutex taken, blocks on it
/// with the GIL released: the lock convoy CPython 3.13's threads stream shows (about one context
/// switch per message: every put's release of the mutex wakes the blocked consumer, whose retry
/// the producer's next put wins). Departures: the path's bytecodes run after its C steps, just
/// before the waiter and the mutex are released, rather than between the steps; the handful
/// that enter and leave the `with` (or the `try`) run inside it too.
///
/// Each lock operation CPython makes on the way is made here, in order, through `acquire(lock,
/// blocking)`, which the interpreter implements per version (2.x releases the GIL around every
/// acquire, non-blocking ones included; 3.2+ tries first, ``CheckPoints/everyLockAcquireReleasesGIL``):
///
/// `put(item)`: `not_full.acquire()` (the mutex; 3.x `with self.not_full:`), `_put` (deque append),
/// `not_empty.notify()`: `_is_owned()` tries the mutex without blocking (`acquire(0)`, which fails:
/// the caller holds it) and, if a thread waits, `waiter.release()`; then the mutex is released.
///
/// `get()`: the mutex; while the queue is empty, `not_empty.wait()`: `_is_owned()` (`acquire(0)`),
/// `waiter = _allocate_lock(); waiter.acquire()` (a fresh lock, taken at once), the waiter appended,
/// `_release_save()` (the mutex released), `waiter.acquire()` (blocks until a put releases it),
/// `_acquire_restore()` (the mutex again); then `_get` (popleft), `not_full.notify()` (`_is_owned()`,
/// no waiter in an unbounded queue), the mutex released.
///
/// Every lock is a ``Semaphore``, as `Python/thread_pthread.h` builds locks with USE_SEMAPHORES.
/// Departure: items are plain integers, as globals are (each interpreter thread boxes them in its own
/// heap, see ``ObjectHeap``).
package final class MessageQueue: Sendable {
    package init() {}

    /// `Queue.mutex`, the lock both conditions share.
    private let mutex = Semaphore(value: 1)
    /// The deque and the conditions' waiter lists. Python's mutex above already serialises them;
    /// this Swift mutex, never contended as a result, makes that visible to the compiler and to
    /// ThreadSanitizer.
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var items: [Int] = []
        var head = 0
        /// `not_empty.__waiters`: the locks of the threads waiting in `get()`.
        var notEmptyWaiters: [Semaphore] = []
    }

    /// The paths a method's bytecodes take (``QueueMethodCosts``).
    package enum Path: Sendable, Equatable {
        case put, putWakingWaiter, get, getWaitingOnce, waitAgain
    }

    /// What the queue asks of the interpreter thread that calls it.
    package enum Step {
        /// Take a lock (`blocking`: `acquire()`; otherwise `acquire(0)`) as the interpreter's version
        /// does; the step's result is whether it was taken.
        case acquire(Semaphore, blocking: Bool)
        /// Run the bytecodes of `path`, the mutex held; the step's result is true.
        case interpret(Path)
    }

    /// One closure for both steps, so that the interpreter's state is reached from one place.
    package typealias Steps = (Step) -> Bool

    /// `Queue.put(item)`; returns whether its `notify()` woke a waiter.
    @discardableResult
    package func put(_ item: Int, steps: Steps) -> Bool {
        _ = steps(.acquire(mutex, blocking: true))
        state.withLock { $0.items.append(item) }
        // not_empty.notify(): _is_owned() tries the mutex, which this thread holds.
        if steps(.acquire(mutex, blocking: false)) { mutex.post() }
        let waiter = state.withLock { state -> Semaphore? in
            state.notEmptyWaiters.isEmpty ? nil : state.notEmptyWaiters.removeFirst()
        }
        _ = steps(.interpret(waiter == nil ? .put : .putWakingWaiter))
        waiter?.post()
        mutex.post()
        return waiter != nil
    }

    /// `Queue.get()`: blocks, with the GIL released, while the queue is empty. Returns the item and
    /// how many times it waited.
    package func get(steps: Steps) -> (item: Int, waits: Int) {
        func acquire(_ lock: Semaphore, _ blocking: Bool) -> Bool { steps(.acquire(lock, blocking: blocking)) }
        _ = acquire(mutex, true)
        var waits = 0
        while true {
            let item = state.withLock { state -> Int? in
                guard state.head < state.items.count else { return nil }
                let item = state.items[state.head]
                state.head += 1
                if state.head == state.items.count {
                    state.items.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return item
            }
            if let item {
                // not_full.notify(): _is_owned() tries the mutex; no waiter to wake in an unbounded queue.
                if acquire(mutex, false) { mutex.post() }
                _ = steps(.interpret(waits == 0 ? .get : .getWaitingOnce))
                for _ in 1..<max(waits, 1) { _ = steps(.interpret(.waitAgain)) }
                mutex.post()
                return (item, waits)
            }
            // not_empty.wait(): _is_owned(), then a fresh waiter lock taken once, so that the second
            // acquire blocks until a put releases it.
            waits += 1
            if acquire(mutex, false) { mutex.post() }
            let waiter = Semaphore(value: 1)
            _ = acquire(waiter, true)
            state.withLock { $0.notEmptyWaiters.append(waiter) }
            mutex.post()
            _ = acquire(waiter, true)
            _ = acquire(mutex, true)
        }
    }
}
