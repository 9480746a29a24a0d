/// Code that runs under a GIL built by ``InterpreterSettings/withGIL(recordWaits:recorder:threadsInitialised:_:)``.
///
/// ``run(_:)`` is generic over the design: the factory hands it the concrete lock, never an
/// `any GlobalInterpreterLock`, so the code around the interpreter loop calls the design directly
/// (the loop itself is compiled once for all designs: see `VirtualMachine`).
public protocol GILBody {
    associatedtype Output
    associatedtype Failure: Error = Never
    /// Runs with `gil`, a design freshly built and not yet acquired by any thread.
    func run<G: GlobalInterpreterLock>(_ gil: G) throws(Failure) -> Output
}

extension InterpreterSettings {
    /// Builds the GIL design these settings describe and runs `body` with it: the one place that
    /// turns a design's name into a lock (threads, sequential runs, worker processes, benchmarks and
    /// tests all come here).
    ///
    /// - Parameters:
    ///   - recordWaits: every design then keeps a histogram of its contended waits
    ///     (``GILCounters/waitSamples``, empty for ``NoGIL``, which never waits).
    ///   - recorder: where every design logs its GIL events for a timeline; nil: no log.
    ///   - threadsInitialised: whether CPython 2 would have called `PyEval_InitThreads` in this run
    ///     (``RunConfiguration/initialisesThreads``); without, the `ticks` design has no lock, as
    ///     CPython 2 creates its GIL only then (``TickGIL/lockExists``).
    ///   - body: what runs under the GIL.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws.
    ///
    /// Inlinable so that, at each call site, `body`'s type is known and its ``GILBody/run(_:)`` is
    /// called directly with the concrete design.
    @inlinable
    public func withGIL<Body: GILBody>(
        recordWaits: Bool = false, recorder: GILEventRecorder? = nil, threadsInitialised: Bool = true, _ body: Body
    ) throws(Body.Failure) -> Body.Output {
        switch gil {
        case .ticks:
            switch lock {
            case .semaphore:
                return try body.run(TickGIL(
                    lock: SemaphoreLock(), checkInterval: checkInterval, recordWaits: recordWaits, recorder: recorder,
                    lockExists: threadsInitialised))
            case .condvar:
                return try body.run(TickGIL(
                    lock: ConditionVariableLock(), checkInterval: checkInterval, recordWaits: recordWaits, recorder: recorder,
                    lockExists: threadsInitialised))
            }
        case .interval:
            return try body.run(IntervalGIL(
                switchIntervalMilliseconds: switchIntervalMilliseconds, recordWaits: recordWaits, recorder: recorder))
        case .fair:
            return try body.run(FairGIL(checkInterval: checkInterval, recordWaits: recordWaits, recorder: recorder))
        case .priority:
            return try body.run(PriorityGIL(
                switchIntervalMilliseconds: switchIntervalMilliseconds, recordWaits: recordWaits, recorder: recorder))
        case .none:
            return try body.run(NoGIL(recordWaits: recordWaits, recorder: recorder))
        }
    }
}
