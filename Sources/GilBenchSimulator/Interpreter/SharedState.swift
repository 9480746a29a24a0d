import Synchronization

/// What the threads of one run share: global variables and user-level locks.
///
/// Globals are atomics read and written with relaxed ordering: one LOAD_GLOBAL or STORE_GLOBAL is
/// indivisible, as a dictionary access under CPython's GIL is, but a load followed by a store is not,
/// which is exactly the race of slide 43. Atomics keep the simulator free of data races in Swift's
/// sense even with no GIL at all, so ThreadSanitizer stays quiet while the *interpreted* program races.
public final class SharedState: @unchecked Sendable {
    // @unchecked Sendable: `globals` points at atomics, written only through their atomic operations;
    // the pointer itself never changes after init.
    private let globals: UnsafeMutablePointer<Atomic<Int>>
    private let globalCount: Int
    /// The user-level locks (Python's `threading.Lock`): semaphores, as CPython 2's on Linux.
    private let locks: [Semaphore]

    /// The message queues (Python's `Queue.Queue`).
    private let queues: [MessageQueue]

    public init(globals: Int, locks: Int, queues: Int = 0) {
        globalCount = globals
        self.queues = (0..<queues).map { _ in MessageQueue() }
        self.globals = .allocate(capacity: max(globals, 1))
        for i in 0..<globals { (self.globals + i).initialize(to: Atomic(0)) }
        self.locks = (0..<locks).map { _ in Semaphore(value: 1) }
    }

    deinit {
        globals.deinitialize(count: globalCount)
        globals.deallocate()
    }

    @inline(__always) func load(global index: Int) -> Int { globals[index].load(ordering: .relaxed) }
    @inline(__always) func store(global index: Int, _ value: Int) { globals[index].store(value, ordering: .relaxed) }

    /// The value of global `index` (read it after the threads have been joined).
    public func global(_ index: Int) -> Int { load(global: index) }

    func lock(_ index: Int) -> Semaphore { locks[index] }

    func queue(_ index: Int) -> MessageQueue { queues[index] }
}
