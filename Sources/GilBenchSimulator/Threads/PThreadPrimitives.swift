import CGilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A pthread mutex at a stable heap address, with a ``ConditionVariable`` used with it.
///
/// A nonzero pthread return here is a programmer error (an uninitialised or destroyed object), so it
/// traps, as swift-nio's NIOLock does.
final class MutexAndCondition: @unchecked Sendable {
    // @unchecked Sendable: the pointer is only used through pthread calls, which synchronise.
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// On the monotonic clock: timed waits (the Python 3 design) measure against it, as CPython does.
    private let condition = ConditionVariable()

    init() {
        mutex = .allocate(capacity: 1)
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init")
    }

    deinit {
        pthread_mutex_destroy(mutex)
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
    @inline(__always) func wait() { condition.wait(mutex) }
    @inline(__always) func signal() { condition.signal() }

    /// Waits at most until `deadline` (monotonic nanoseconds). Returns false on timeout.
    func wait(untilMonotonic deadline: UInt64) -> Bool { condition.wait(mutex, untilMonotonic: deadline) }
}
