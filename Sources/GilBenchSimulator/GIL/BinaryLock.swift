/// The lock kinds CPython 2's `Python/thread_pthread.h` builds its GIL from.
public enum LockKind: String, Sendable, CaseIterable, Codable {
    /// A pthread mutex, a condition variable and a `locked` flag (thread_pthread.h without USE_SEMAPHORES).
    case condvar
    /// A POSIX unnamed semaphore (thread_pthread.h with USE_SEMAPHORES, CPython 2's choice on Linux).
    case semaphore
}

/// A non-reentrant lock any thread may release: CPython 2's `PyThread_type_lock`.
public protocol BinaryLock: AnyObject, Sendable {
    /// Blocks until the lock is ours. Returns the nanoseconds spent blocked (0 on the fast path).
    func acquire() -> UInt64
    /// Releases the lock and wakes one waiter, if any.
    func release()
    /// Wake-ups that found the lock taken again; nil when the lock cannot see them.
    var failedWakeups: Int? { get }
    /// Failed wake-ups before each contended acquisition succeeded; nil when the lock cannot see them.
    var failedWakeupHistogram: FailedWakeupHistogram? { get }
    /// ``acquire()``, also writing each failed wake-up of `thread` to `recorder`.
    func acquire(recording recorder: GILEventRecorder, thread: Int) -> UInt64
}

extension BinaryLock {
    public var failedWakeupHistogram: FailedWakeupHistogram? { nil }
    /// Locks that cannot see failed wake-ups have none to record.
    public func acquire(recording recorder: GILEventRecorder, thread: Int) -> UInt64 { acquire() }
}

/// CPython 2.7's `pthread_lock` (thread_pthread.h, the branch without USE_SEMAPHORES).
///
/// Followed line by line: acquire locks the mutex, takes the lock if `locked` is clear, else waits on
/// the condition until it is; release clears `locked`, unlocks the mutex and *then* signals the
/// condition. Every return from `pthread_cond_wait` that finds `locked` set again is a failed
/// acquisition: the releasing thread re-took the lock before the woken waiter ran (slide 98).
/// Departure: we count those wake-ups (in total, and per contended acquisition in a histogram) and
/// time the wait, under the mutex that already protects `locked`.
public final class ConditionVariableLock: BinaryLock, @unchecked Sendable {
    // @unchecked Sendable: `locked`, `failed` and `histogram` are only touched with `state.mutex` held.
    private let state = MutexAndCondition()
    private var locked = false
    private var failed = 0
    private var histogram = FailedWakeupHistogram()

    public init() {}

    public func acquire() -> UInt64 {
        acquire(recorder: nil, thread: 0)
    }

    public func acquire(recording recorder: GILEventRecorder, thread: Int) -> UInt64 {
        acquire(recorder: recorder, thread: thread)
    }

    @inline(__always)
    private func acquire(recorder: GILEventRecorder?, thread: Int) -> UInt64 {
        state.lock()
        var waited: UInt64 = 0
        if locked {
            let start = MonotonicClock.nanoseconds()
            var failures = 0
            while locked {
                state.wait()
                if locked {
                    failures += 1
                    recorder?.record(.failedWakeup, thread: thread)
                }
            }
            failed += failures
            histogram.record(failures: failures)
            waited = MonotonicClock.nanoseconds() &- start
        }
        locked = true
        state.unlock()
        return waited
    }

    public func release() {
        state.lock()
        locked = false
        state.unlock()
        state.signal()
    }

    public var failedWakeups: Int? {
        state.lock()
        defer { state.unlock() }
        return failed
    }

    public var failedWakeupHistogram: FailedWakeupHistogram? {
        state.lock()
        defer { state.unlock() }
        return histogram
    }
}

/// CPython 2.7's semaphore lock (thread_pthread.h with USE_SEMAPHORES, the Linux default).
///
/// acquire is `sem_wait` retried on EINTR, release is `sem_post`. Departure: we try `sem_trywait`
/// first so that only a contended acquisition reads the clock; glibc's `sem_wait` begins with the
/// same atomic attempt, so the lock behaves the same. A waiter woken by `sem_post` that loses the
/// race to the releasing thread goes back to sleep inside glibc/the kernel, where we cannot count it:
/// ``failedWakeups`` is nil.
public final class SemaphoreLock: BinaryLock, Sendable {
    private let semaphore = Semaphore(value: 1)

    public init() {}

    public func acquire() -> UInt64 {
        if semaphore.tryWait() { return 0 }
        let start = MonotonicClock.nanoseconds()
        semaphore.wait()
        return MonotonicClock.nanoseconds() &- start
    }

    public func release() { semaphore.post() }

    public var failedWakeups: Int? { nil }
}
