/// No GIL at all: every thread runs interpreter code freely, as free-threaded Python (PEP 703).
///
/// Counts acquisitions only (with an atomic, as several threads "acquire" at once); nothing waits,
/// so hand-offs, failed acquisitions and waits are zero.
import Synchronization

public final class NoGIL: GlobalInterpreterLock {
    private let acquisitions = Atomic<Int>(0)

    public init() {}

    public func acquire(_ thread: inout InterpreterThread) {
        acquisitions.wrappingAdd(1, ordering: .relaxed)
    }

    public func release(_ thread: inout InterpreterThread) {}

    @inline(__always)
    public func tick(_ thread: inout InterpreterThread) {}

    public func counters() -> GILCounters {
        var c = GILCounters()
        c.acquisitions = acquisitions.load(ordering: .relaxed)
        return c
    }
}
