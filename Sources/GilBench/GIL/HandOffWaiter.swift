/// A thread waiting for a hand-off GIL (``FairGIL``, ``PriorityGIL``): its own condition, so that a
/// release wakes exactly the thread it chose, and the flag that says it was chosen.
///
/// Every property is read and written with the owning GIL's mutex held.
final class HandOffWaiter: @unchecked Sendable {
    // @unchecked Sendable: `granted` is only touched with the owning GIL's mutex held; `condition`
    // is a pthread condition, which synchronises itself.
    let id: Int
    let condition = ConditionVariable()
    /// Set by the releasing thread when it hands the GIL to this waiter.
    var granted = false

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
