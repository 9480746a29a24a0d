import Synchronization

/// No GIL at all: every thread runs interpreter code freely, as free-threaded Python (PEP 703:
/// CPython 3.13+ built with `--disable-gil`, where `take_gil` in `Python/ceval_gil.c` returns at once
/// while the GIL is disabled).
///
/// Counts acquisitions only (with an atomic, as several threads "acquire" at once); nothing waits,
/// so hand-offs, failed acquisitions and waits are zero, and the wait histogram, when asked for, stays
/// empty. With a recorder, it logs every acquisition and release, so a timeline shows the threads
/// holding "the GIL" at once. The same counters in threads and in worker processes.
public final class NoGIL: GlobalInterpreterLock, Sendable {
    private let acquisitions = Atomic<Int>(0)
    private let recordWaits: Bool
    /// Off by default: logs acquisitions and releases for the timeline plot.
    public let recorder: GILEventRecorder?

    /// - Parameters:
    ///   - recordWaits: report an (always empty) histogram of contended waits, as the other designs do.
    ///   - recorder: where to log GIL events (nil, the default: no log).
    public init(recordWaits: Bool = false, recorder: GILEventRecorder? = nil) {
        self.recordWaits = recordWaits
        self.recorder = recorder
    }

    public func acquire(_ thread: inout InterpreterThread) {
        acquisitions.wrappingAdd(1, ordering: .relaxed)
        recorder?.record(.acquired, thread: thread.id)
    }

    public func release(_ thread: inout InterpreterThread) {
        recorder?.record(.released, thread: thread.id)
    }

    @inline(__always)
    public func tick(_ thread: inout InterpreterThread) {}

    public func counters() -> GILCounters {
        var c = GILCounters()
        c.acquisitions = acquisitions.load(ordering: .relaxed)
        c.waitSamples = recordWaits ? WaitHistogram() : nil
        return c
    }
}
