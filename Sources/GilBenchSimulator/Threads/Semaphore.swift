import CGilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// A POSIX unnamed semaphore, private to the process: the one wrapper of `sem_t` in the simulator.
///
/// CPython 2 builds its locks on it on Linux (`Python/thread_pthread.h` with USE_SEMAPHORES): the
/// GIL's ``SemaphoreLock``, the user-level locks of ``SharedState`` (`threading.Lock`), and the
/// workloads use it as a one-shot signal between threads (starting at 0). A failing `sem_*` call
/// here is a programmer error (a destroyed semaphore, a value above SEM_VALUE_MAX) and traps with
/// its errno, as a failing pthread call does in swift-nio's NIOLock: a process-private `sem_init` on
/// Linux fails only for a value above SEM_VALUE_MAX (EINVAL), and its `malloc` only where any Swift
/// allocation would trap too, so nothing a user or the system can cause is turned into a trap.
package final class Semaphore: @unchecked Sendable {
    // @unchecked Sendable: the semaphore is only used through sem_* calls, which synchronise; the
    // pointer itself never changes after init.
    private let semaphore: UnsafeMutablePointer<sem_t>

    /// - Parameter value: the initial count (1: a free lock; 0: a signal not yet posted).
    package init(value: UInt32) {
        guard let semaphore = gb_sem_create(value) else {
            preconditionFailure("sem_init(\(value)) failed: \(Errno(rawValue: errno))")
        }
        self.semaphore = semaphore
    }

    deinit { gb_sem_destroy(semaphore) }

    /// `sem_wait`, retried on EINTR: blocks until the count is positive, then decrements it.
    @inline(__always)
    package func wait() {
        let status = gb_sem_wait(semaphore)
        precondition(status == 0, "sem_wait failed: \(-status)")
    }

    /// `sem_trywait`: decrements the count if it is positive; false (without blocking) if it is 0.
    @inline(__always)
    package func tryWait() -> Bool { gb_sem_trywait(semaphore) == 0 }

    /// `sem_post`: increments the count, waking one waiter if any.
    @inline(__always)
    package func post() {
        let status = gb_sem_post(semaphore)
        precondition(status == 0, "sem_post failed: \(-status)")
    }
}
