import Synchronization

/// The C steps of a message queue built as CPython's `Queue.Queue` (unbounded, `maxsize=0`): 2.7's
/// `Lib/Queue.py` and 3.x's `Lib/queue.py`, on `Lib/threading.py`'s `Condition`: one mutex (a
/// `thread.allocate_lock()`) shared by the conditions `not_empty` and `not_full`, each a list of
/// waiter locks. The bytecodes around these steps run as interpreted instructions
/// (``QueueMethodCosts``); the interpreter runs them after the steps, for the path each took.
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

    /// Takes a lock (`blocking`: `acquire()`; otherwise `acquire(0)`) as the interpreter's version
    /// does; returns whether it was taken.
    package typealias Acquire = (_ lock: Semaphore, _ blocking: Bool) -> Bool

    /// `Queue.put(item)`; returns whether its `notify()` woke a waiter.
    @discardableResult
    package func put(_ item: Int, acquire: Acquire) -> Bool {
        _ = acquire(mutex, true)
        state.withLock { $0.items.append(item) }
        // not_empty.notify(): _is_owned() tries the mutex, which this thread holds.
        if acquire(mutex, false) { mutex.post() }
        let waiter = state.withLock { state -> Semaphore? in
            state.notEmptyWaiters.isEmpty ? nil : state.notEmptyWaiters.removeFirst()
        }
        waiter?.post()
        mutex.post()
        return waiter != nil
    }

    /// `Queue.get()`: blocks, with the GIL released, while the queue is empty. Returns the item and
    /// how many times it waited.
    package func get(acquire: Acquire) -> (item: Int, waits: Int) {
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
