import Synchronization

/// A message queue built as CPython 2.7's `Lib/Queue.py` `Queue` (unbounded, `maxsize=0`) on
/// `Lib/threading.py`'s `Condition`: one mutex (a `thread.allocate_lock()`) shared by the
/// conditions `not_empty` and `not_full`, each a list of waiter locks.
///
/// `get()` takes the mutex, and while the queue is empty does `not_empty.wait()`: it allocates a
/// waiter lock, acquires it, appends it to the waiters, releases the mutex, then blocks acquiring
/// the waiter again, which releases the GIL (Py_BEGIN_ALLOW_THREADS around PyThread_acquire_lock),
/// and re-takes the mutex when woken. `put()` takes the mutex, appends the item, and
/// `not_empty.notify()` releases the first waiter's lock. Every lock is a ``Semaphore``, as
/// `Python/thread_pthread.h` builds locks with USE_SEMAPHORES; every acquisition that would block
/// releases the GIL while it blocks (the caller's `acquire`).
///
/// Departures: the Python-level bookkeeping of `Queue.py` and `threading.py` (attribute lookups,
/// `unfinished_tasks`, `_qsize`, the `try/finally`) runs natively, inside the one QUEUE_PUT or
/// QUEUE_GET instruction, so it costs no ticks; items are plain integers, as globals are
/// (each interpreter thread boxes them in its own heap, see ``ObjectHeap``).
final class MessageQueue: Sendable {
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

    /// `Queue.put(item)`: `acquire` takes a lock, releasing the GIL if it must block.
    func put(_ item: Int, acquire: (Semaphore) -> Void) {
        acquire(mutex)
        let waiter = state.withLock { state -> Semaphore? in
            state.items.append(item)
            // not_empty.notify(): wake the first waiter, if any.
            return state.notEmptyWaiters.isEmpty ? nil : state.notEmptyWaiters.removeFirst()
        }
        waiter?.post()
        mutex.post()
    }

    /// `Queue.get()`: blocks, with the GIL released, while the queue is empty.
    func get(acquire: (Semaphore) -> Void) -> Int {
        acquire(mutex)
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
                // not_full.notify() has no waiter to wake in an unbounded queue.
                mutex.post()
                return item
            }
            // not_empty.wait(): a fresh waiter lock, acquired once so that the second acquire blocks.
            let waiter = Semaphore(value: 0)
            state.withLock { $0.notEmptyWaiters.append(waiter) }
            mutex.post()
            acquire(waiter)
            acquire(mutex)
        }
    }
}
