import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Ctrl-C (SIGINT) as a request to stop after the current measurement, so that a long run keeps its
/// rows and can say how far it got. A second Ctrl-C stops the process at once.
///
/// A measurement cannot be cut short (an interpreter instruction is not interruptible, as slide 90
/// shows for CPython), so the request is honoured between measurements.
public enum Interruption {
    /// Set by the handler, read by the run loop. An atomic store is async-signal-safe (lock-free).
    private static let flag = Atomic<Bool>(false)

    /// Installs the handler. The handler sets the flag, writes one line to stderr and restores the
    /// default action, so that a second Ctrl-C ends the process. Call it from the main thread before
    /// any other thread starts: SIGINT is also unblocked, since a blocked mask is inherited across
    /// exec (a parent that spawns gilbench from a thread that blocks SIGINT would leave it deaf).
    public static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            Interruption.flag.store(true, ordering: .relaxed)
            let message = "\ngilbench: interrupted; stopping after the current measurement (Ctrl-C again to stop at once)\n"
            message.utf8CString.withUnsafeBufferPointer { buffer in
                _ = write(2, buffer.baseAddress, buffer.count - 1)
            }
            signal(SIGINT, SIG_DFL)
        }
    }

    /// Whether Ctrl-C was pressed since ``install()``.
    public static var requested: Bool { flag.load(ordering: .relaxed) }
}
