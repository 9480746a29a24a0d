import Synchronization

/// A thread waiting for a hand-off GIL (``FairGIL``, ``PriorityGIL``): its own condition, so that a
/// release wakes exactly the thread it chose, and the flag that says it was chosen.
///
/// `granted` is written with the owning GIL's mutex held; it may be read without it (a waiter that
/// spins for its hand-off, see ``PriorityGIL``), so it is atomic.
final class HandOffWaiter: Sendable {
    let id: Int
    let condition = ConditionVariable()
    private let grantedFlag = Atomic<Bool>(false)

    /// Set by the releasing thread when it hands the GIL to this waiter.
    var granted: Bool {
        get { grantedFlag.load(ordering: .acquiring) }
        set { grantedFlag.store(newValue, ordering: .releasing) }
    }

    init(id: Int) { self.id = id }
}

/// One waiter per interpreter thread, made on first use (guarded by the owning GIL's mutex).
struct HandOffWaiters {
    private var byThread: [Int: HandOffWaiter] = [:]

    mutating func waiter(for id: Int) -> HandOffWaiter {
        if let waiter = byThread[id] { return waiter }
        let waiter = HandOffWaiter(id: id)
        byThread[id] = waiter
        return waiter
    }
}
