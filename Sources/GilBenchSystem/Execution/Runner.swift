import GilBenchSimulator

/// Measures one repetition of a configuration: sets the CPUs, builds the GIL and the workload,
/// runs the tasks sequentially or in threads, and reads the clocks and counters around them.
public enum Runner {
    /// Runs `configuration` once and measures it.
    /// - Parameters:
    ///   - configuration: what to run.
    ///   - probes: extra measurements taken around the region (system-call counters, ...).
    ///   - events: where the GIL logs its events for a timeline (sequential and threads modes; the
    ///     GILs of worker processes log none); nil: no log.
    /// - Throws: `GilBenchError` for bad configurations or when the system refuses a thread or CPU set.
    public static func measure(
        _ configuration: RunConfiguration, probes: [any MeasurementProbe] = [], events: GILEventRecorder? = nil
    ) throws(GilBenchError) -> RunMeasurement {
        try measure(configuration, probes: probes, events: events, workerExecutable: WorkerPool.executable)
    }

    /// ``measure(_:probes:events:)`` with every process the run starts (a server run's client process,
    /// the server's worker processes, the worker processes of the `processes` and `pool` modes, a
    /// pipeline's consumer) started from `workerExecutable`, a gilbench binary, through its hidden
    /// subcommands.
    ///
    /// For programs that are not gilbench themselves, such as the tests and the benchmarks in
    /// `Benchmarks/`: ``measure(_:probes:events:)`` starts those processes from `/proc/self/exe`
    /// (``WorkerPool/executable``), which is then the caller, not gilbench.
    /// ``GilbenchExecutable/resolve(environment:default:)`` finds the binary.
    /// - Throws: `GilBenchError` as ``measure(_:probes:events:)``; a `workerExecutable` that is not
    ///   gilbench fails the run (`.runFailed` or `.system`, naming the process).
    public static func measure(
        _ configuration: RunConfiguration, probes: [any MeasurementProbe] = [], events: GILEventRecorder? = nil,
        workerExecutable: String
    ) throws(GilBenchError) -> RunMeasurement {
        try configuration.validate()
        let allowed = try CPUAffinity.current()
        let cpus = try CPUAffinity.resolve(configuration.cpus, allowed: allowed)
        var measurement: RunMeasurement
        if configuration.workload == .server {
            measurement = try measureServer(
                configuration, cpus: cpus, allowed: allowed, probes: probes, events: events, workerExecutable: workerExecutable)
        } else if configuration.mode == .pool
            || (configuration.mode == .processes && configuration.workload != .pipeline) {
            // Workers inherit the affinity set here.
            measurement = try CPUAffinity.pinning(to: cpus, restoring: allowed) { () throws(GilBenchError) in
                try measureInProcesses(configuration, cpus: cpus, probes: probes, workerExecutable: workerExecutable)
            }
        } else {
            let plan = try WorkloadPlan.make(for: configuration, peerExecutable: workerExecutable)
            // Every design records its waits in a histogram: a record costs tens of nanoseconds and only
            // follows a contended wait, which costs microseconds (DocC article "GIL designs").
            measurement = try CPUAffinity.pinning(to: cpus, restoring: allowed) { () throws(GilBenchError) in
                try configuration.interpreterSettings.withGIL(
                    recordWaits: true, recorder: events, threadsInitialised: configuration.initialisesThreads,
                    Execution(plan: plan, configuration: configuration, cpus: cpus, probes: probes))
            }
        }
        measurement.cpus = cpus
        return measurement
    }

    /// ``execute(_:gil:_:cpus:_:)`` as the body the GIL factory runs with the configuration's design.
    struct Execution: GILBody {
        let plan: WorkloadPlan
        let configuration: RunConfiguration
        let cpus: [Int]
        let probes: [any MeasurementProbe]

        func run<G: GlobalInterpreterLock>(_ gil: G) throws(GilBenchError) -> RunMeasurement {
            try Runner.execute(plan, gil: gil, configuration, cpus: cpus, probes)
        }
    }

    /// Runs `plan` under `gil`, generic over the design (the factory hands it the concrete lock), on
    /// `cpus`, the CPUs the calling thread is pinned to.
    static func execute<G: GlobalInterpreterLock>(
        _ plan: WorkloadPlan, gil: G, _ configuration: RunConfiguration, cpus: [Int], _ probes: [any MeasurementProbe]
    ) throws(GilBenchError) -> RunMeasurement {
        // /proc/stat is read outside the probes' region, so that its reads are not counted as the run's calls.
        let stat = CPUStatRegion(cpus: cpus)
        for probe in probes { try probe.begin() }
        try plan.start()
        let before = ResourceUsage.current()
        let start = MonotonicClock.nanoseconds()
        let threads: [InterpreterThread]
        let checkPoints = configuration.interpreterSettings.checkPoints
        do {
            // Starting a thread can fail; the plan is finished all the same.
            switch configuration.mode {
            case .sequential where configuration.sequentialThread == .worker:
                threads = [try runOnWorkerThread(plan, gil: gil, checkPoints: checkPoints)]
            case .sequential:
                threads = [runSequentially(plan.tasks, gil: gil, shared: plan.shared, checkPoints: checkPoints)]
            case .threads, .events:
                // The server's event loop (events mode, the server workload only) is one task's thread
                // beside the CPU-bound threads.
                threads = try runInThreads(plan, gil: gil, checkPoints: checkPoints)
            case .coroutines where configuration.workload == .server:
                // The server's coroutines: one thread whose event loop resumes a generator per
                // connection (its task's generators), beside the CPU-bound threads.
                threads = try runInThreads(plan, gil: gil, checkPoints: checkPoints)
            case .coroutines:
                threads = [runAsCoroutines(plan, gil: gil, checkPoints: checkPoints)]
            case .processes where configuration.workload == .pipeline:
                // The producer runs here; its consumer is the process the plan starts.
                threads = [runSequentially(plan.tasks, gil: gil, shared: plan.shared, checkPoints: checkPoints)]
            case .processes, .pool:
                preconditionFailure("processes and pool modes are measured by measureInProcesses")
            }
        } catch {
            plan.finish()
            throw error
        }
        let wall = MonotonicClock.nanoseconds() &- start
        let usage = ResourceUsage.current() - before
        plan.finish()
        var syscalls: SyscallCounts?
        for probe in probes { syscalls = try probe.end() }
        let outcome = plan.report(plan.shared)
        // A pipeline's consumer process: the row's CPU time and switches are the process tree's, and
        // its CPU is the run's own, not another process's (its start-up, before the region, too).
        let tree = outcome.consumerProcess.map { usage + $0 } ?? usage
        let disturbance = stat.disturbance(usage: tree)
        var measurement = RunMeasurement(
            wallSeconds: Double(wall) / 1e9, usage: tree,
            ticks: threads.reduce(0) { $0 &+ $1.ticks }, instructions: threads.reduce(0) { $0 &+ $1.instructions },
            gil: gil.counters(), outcome: outcome, syscalls: syscalls)
        measurement.warnings = plan.notes()
        measurement.record(disturbance: disturbance)
        return measurement
    }

    /// Every task, one after another, on the calling thread (interpreter thread 0), holding the GIL
    /// throughout except where the design releases it at a tick (no one else wants it) or around
    /// blocking work, checking it where `checkPoints` says. `value` gets each task's return value.
    static func runSequentially<G: GlobalInterpreterLock>(
        _ tasks: [InterpretedTask], gil: G, shared: SharedState, checkPoints: CheckPoints, value: (Int) -> Void = { _ in }
    ) -> InterpreterThread {
        var thread = InterpreterThread(id: 0)
        gil.acquire(&thread)
        for task in tasks {
            value(VirtualMachine.run(
                task.program, arguments: task.arguments, gil: gil, thread: &thread, shared: shared, checkPoints: checkPoints))
        }
        gil.release(&thread)
        return thread
    }

    /// ``runSequentially(_:gil:shared:checkPoints:value:)`` on one thread started for it and joined after it, as
    /// the Python twin's `sequential-worker` runs both counts in one `threading.Thread`
    /// (`SequentialThread.worker`).
    static func runOnWorkerThread<G: GlobalInterpreterLock>(
        _ plan: WorkloadPlan, gil: G, checkPoints: CheckPoints
    ) throws(GilBenchError) -> InterpreterThread {
        let slot = ThreadSlot()
        let tasks = plan.tasks
        let shared = plan.shared
        let worker = try NativeThread.spawn {
            slot.thread = runSequentially(tasks, gil: gil, shared: shared, checkPoints: checkPoints)
        }
        worker.join()
        return slot.thread!
    }

    /// Coroutines mode: every task as a generator in one thread (interpreter thread 0), resumed by
    /// the plan's driver or by slide 160's round-robin scheduler, itself interpreted. The one thread
    /// takes the GIL once and keeps it, except where the design releases it at a tick with nobody
    /// waiting (as CPython's one thread does in `Python/ceval.c`).
    static func runAsCoroutines<G: GlobalInterpreterLock>(_ plan: WorkloadPlan, gil: G, checkPoints: CheckPoints) -> InterpreterThread {
        var thread = InterpreterThread(id: 0)
        let driver = plan.driver
            ?? InterpretedTask(program: Programs.roundRobinScheduler(TaskQueue(count: plan.tasks.count)), arguments: [])
        gil.acquire(&thread)
        _ = VirtualMachine.run(
            driver.program, arguments: driver.arguments, gil: gil, thread: &thread, shared: plan.shared,
            generators: plan.tasks, checkPoints: checkPoints)
        gil.release(&thread)
        return thread
    }

    /// One thread per task, each taking the GIL before it runs interpreter code, as a Python thread does.
    package static func runInThreads<G: GlobalInterpreterLock>(
        _ plan: WorkloadPlan, gil: G, checkPoints: CheckPoints
    ) throws(GilBenchError) -> [InterpreterThread] {
        // Each thread writes its state into a slot of its own, read only after pthread_join: the join
        // orders the write before the read (no lock needed, and ThreadSanitizer sees the order).
        let slots = plan.tasks.indices.map { _ in ThreadSlot() }
        var started: [NativeThread] = []
        var failure: GilBenchError?
        for (index, task) in plan.tasks.enumerated() {
            let shared = plan.shared
            let slot = slots[index]
            do {
                started.append(try NativeThread.spawn {
                    var thread = InterpreterThread(id: index)
                    gil.acquire(&thread)
                    _ = VirtualMachine.run(
                        task.program, arguments: task.arguments, gil: gil, thread: &thread, shared: shared,
                        generators: task.generators, checkPoints: checkPoints)
                    gil.release(&thread)
                    slot.thread = thread
                })
            } catch {
                // Say how far it got: the server's threads model starts one thread per connection.
                failure = GilBenchError(
                    error.code, "cannot start interpreter thread \(index + 1) of \(plan.tasks.count) (\(index) started)", errno: error.errno)
                break
            }
        }
        if failure != nil { plan.interrupt(plan.shared) }
        for thread in started { thread.join() }
        if let failure { throw failure }
        return slots.compactMap(\.thread)
    }

    /// Where one interpreter thread leaves its final state for ``runInThreads(_:gil:checkPoints:)``.
    private final class ThreadSlot: @unchecked Sendable {
        // @unchecked Sendable: written once by its thread before it exits, read after joining it.
        var thread: InterpreterThread?
    }
}
