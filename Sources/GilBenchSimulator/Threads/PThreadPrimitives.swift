import CGilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread mutex and condition variable at stable heap addresses.
///
/// A nonzero pthread return here is a programmer error (an uninitialised or destroyed object), so it
/// traps, as swift-nio's NIOLock does.
final class MutexAndCondition: @unchecked Sendable {
    // @unchecked Sendable: the pointers are only used through pthread calls, which synchronise.
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
        var attributes = pthread_condattr_t()
        precondition(pthread_condattr_init(&attributes) == 0, "pthread_condattr_init")
        // Timed waits (the Python 3 design) measure against the monotonic clock, as CPython does.
        precondition(pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC) == 0, "pthread_condattr_setclock")
        precondition(pthread_cond_init(condition, &attributes) == 0, "pthread_cond_init")
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    @inline(__always) func lock() { precondition(pthread_mutex_lock(mutex) == 0, "pthread_mutex_lock") }
    @inline(__always) func unlock() { precondition(pthread_mutex_unlock(mutex) == 0, "pthread_mutex_unlock") }

    /// Locks, trying `attempts` times without sleeping before blocking: for a thread on a latency
    /// path that expects the mutex to be held for a few instructions only (a blocked lock costs a
    /// futex sleep and a wake-up across CPUs).
    func lockSpinning(attempts: Int = 2_000) {
        for _ in 0..<attempts {
            if pthread_mutex_trylock(mutex) == 0 { return }
            gb_cpu_relax()
        }
        lock()
    }
    @inline(__always) func wait() { precondition(pthread_cond_wait(condition, mutex) == 0, "pthread_cond_wait") }
    @inline(__always) func signal() { precondition(pthread_cond_signal(condition) == 0, "pthread_cond_signal") }

    /// Waits at most until `deadline` (monotonic nanoseconds). Returns false on timeout.
    func wait(untilMonotonic deadline: UInt64) -> Bool {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        let status = pthread_cond_timedwait(condition, mutex, &ts)
        if status == ETIMEDOUT { return false }
        precondition(status == 0, "pthread_cond_timedwait")
        return true
    }
}
