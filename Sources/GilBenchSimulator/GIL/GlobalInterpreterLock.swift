/// What an interpreter thread carries across GIL operations: who it is, and what it has done.
public struct InterpreterThread: Sendable {
    /// 0-based index of the thread within its run; GIL designs use it to tell holders apart.
    public let id: Int
    /// Check points passed (``CheckPoints``): ticks under CPython 2.7's ticker (``Opcode/ticks``).
    public var ticks: UInt64 = 0
    /// Instructions executed.
    public var instructions: UInt64 = 0

    public init(id: Int) { self.id = id }
}

/// A global interpreter lock design.
///
/// The interpreter calls ``acquire(_:)`` before it runs a thread's code, ``tick(_:)`` at every
/// check point (``CheckPoints``: where CPython 2.7 decrements `_Py_Ticker` and CPython 3 checks
/// `eval_breaker`),
/// ``releaseForBlocking(_:)`` / ``acquireAfterBlocking(_:)`` around blocking or native work
/// (`Py_BEGIN_ALLOW_THREADS` / `Py_END_ALLOW_THREADS`), and ``release(_:)`` when the thread ends.
///
/// Every design keeps ``GILCounters``. The interpreter loop is generic over the design and calls
/// its ``tick(_:)`` through this protocol at every ticking instruction (see `VirtualMachine`).
public protocol GlobalInterpreterLock: AnyObject, Sendable {
    /// Blocks until `thread` holds the GIL.
    func acquire(_ thread: inout InterpreterThread)
    /// Gives the GIL up.
    func release(_ thread: inout InterpreterThread)
    /// Called by the holder at every tick point; may release and re-take the GIL.
    func tick(_ thread: inout InterpreterThread)
    /// Releases the GIL before blocking I/O or native code that runs without it.
    func releaseForBlocking(_ thread: inout InterpreterThread)
    /// Takes the GIL back after ``releaseForBlocking(_:)``.
    func acquireAfterBlocking(_ thread: inout InterpreterThread)
    /// The counters so far. Read it when no thread runs.
    func counters() -> GILCounters
}

extension GlobalInterpreterLock {
    public func releaseForBlocking(_ thread: inout InterpreterThread) { release(&thread) }
    public func acquireAfterBlocking(_ thread: inout InterpreterThread) { acquire(&thread) }
}

/// The counters every GIL design keeps. `nil` means the design cannot see that count (a semaphore
/// hides failed wake-ups inside the kernel), never zero.
public struct GILCounters: Sendable, Equatable {
    /// Times a thread took the GIL.
    public var acquisitions: Int = 0
    /// Acquisitions by a thread other than the previous holder.
    public var handoffs: Int = 0
    /// Times a waiter woke up and found the GIL taken again (it waits once more).
    public var failedAcquisitions: Int? = 0
    /// Total time threads spent waiting for the GIL, in nanoseconds.
    public var waitNanoseconds: UInt64 = 0
    /// Times the holder was asked to drop the GIL (designs with a drop request); nil when the design has none.
    public var forcedSwitches: Int? = nil
    /// How long each acquisition that had to wait waited, in nanoseconds (designs fill it when asked to).
    public var waitSamples: WaitHistogram? = nil
    /// Failed wake-ups before each contended acquisition succeeded (slide 98); nil when the design
    /// or its lock cannot see them.
    public var failedWakeupHistogram: FailedWakeupHistogram? = nil

    public init() {}
}
