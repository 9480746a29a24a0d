#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread condition variable on the monotonic clock, used with a mutex owned by someone else
/// (``MutexAndCondition``'s, or a GIL's).
///
/// The hand-off GIL designs (``FairGIL``, ``PriorityGIL``) give each waiting thread its own
/// condition, all used with the GIL's one mutex, so that a release wakes exactly the thread it
/// chose. A nonzero pthread return is a programmer error and traps, as in ``MutexAndCondition``.
final class ConditionVariable: @unchecked Sendable {
    // @unchecked Sendable: the pointer is only used through pthread calls, which synchronise.
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        precondition(pthread_condattr_init(&attributes) == 0, "pthread_condattr_init")
        precondition(pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC) == 0, "pthread_condattr_setclock")
        precondition(pthread_cond_init(condition, &attributes) == 0, "pthread_cond_init")
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Waits on the condition; `mutex` must be held by the caller.
    @inline(__always) func wait(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) {
        precondition(pthread_cond_wait(condition, mutex) == 0, "pthread_cond_wait")
    }

    /// Waits at most until `deadline` (monotonic nanoseconds); `mutex` must be held. False on timeout.
    func wait(_ mutex: UnsafeMutablePointer<pthread_mutex_t>, untilMonotonic deadline: UInt64) -> Bool {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        let status = pthread_cond_timedwait(condition, mutex, &ts)
        if status == ETIMEDOUT { return false }
        precondition(status == 0, "pthread_cond_timedwait")
        return true
    }

    @inline(__always) func signal() { precondition(pthread_cond_signal(condition) == 0, "pthread_cond_signal") }
}
