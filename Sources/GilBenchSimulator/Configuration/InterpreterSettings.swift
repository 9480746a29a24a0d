/// What builds an interpreter's GIL: the design, the lock under it and its intervals; and where the
/// interpreter checks it (``CheckPoints``).
///
/// A run in threads shares one GIL built from these settings; in processes and pool modes each
/// worker builds its own from the same settings (sent in every request), so both modes build the
/// same GIL the same way: ``withGIL(recordWaits:recorder:threadsInitialised:_:)``.
public struct InterpreterSettings: Sendable, Equatable {
    public var gil: GILDesign
    /// The binary lock the ticks design is built on (the other designs ignore it).
    public var lock: LockKind
    /// Ticks between GIL checks (ticks and fair designs; Python 2's `sys.setcheckinterval`).
    public var checkInterval: Int
    /// Milliseconds a waiter waits before it asks for the GIL (interval and priority designs;
    /// Python 3's `sys.setswitchinterval`).
    public var switchIntervalMilliseconds: Double
    /// After which instructions the interpreter checks the GIL (every design).
    public var checkPoints: CheckPoints

    /// - Parameter checkPoints: nil for the design's own (``GILDesign/checkPoints``).
    public init(
        gil: GILDesign, lock: LockKind, checkInterval: Int, switchIntervalMilliseconds: Double = 5, checkPoints: CheckPoints? = nil
    ) {
        self.gil = gil
        self.lock = lock
        self.checkInterval = checkInterval
        self.switchIntervalMilliseconds = switchIntervalMilliseconds
        self.checkPoints = checkPoints ?? gil.checkPoints
    }

    /// Checks what the designs require of their intervals (their initialisers trap otherwise), for
    /// settings that come from outside a validated ``RunConfiguration`` (a peer's command line).
    /// - Throws: ``GilBenchError`` with code `.usage` naming the ``RunSetting`` that is wrong: a check
    ///   interval below 1 tick, or a switch interval that is not a positive number of milliseconds.
    public func validate() throws(GilBenchError) {
        guard checkInterval >= 1 else {
            throw GilBenchError(.checkInterval, "must be at least 1 tick (got \(checkInterval))")
        }
        guard switchIntervalMilliseconds.isFinite && switchIntervalMilliseconds > 0 else {
            throw GilBenchError(.switchInterval, "must be a positive number of milliseconds (got \(switchIntervalMilliseconds))")
        }
    }
}

extension RunConfiguration {
    /// The settings the configuration's GIL is built from.
    public var interpreterSettings: InterpreterSettings {
        InterpreterSettings(
            gil: gil, lock: lock, checkInterval: checkInterval, switchIntervalMilliseconds: switchIntervalMilliseconds,
            checkPoints: checkPoints)
    }
}
