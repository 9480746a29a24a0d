import GilBenchSimulator
/// `processes` and `pool` modes: the tasks run in worker processes (``WorkerPool``), each with its
/// own interpreter and GIL; the parent measures the whole region, worker start-up included.
extension Runner {
    /// What the workers are asked to do, and how their results become columns.
    struct ProcessPlan {
        var requests: [WorkerRequest]
        /// Each request's work, for `window` (nil: 1 each).
        var costs: [Int]? = nil
        /// How much a worker may hold at once (see ``WorkerPool/run(_:costs:window:)``).
        var window: WorkerPool.DispatchWindow
        package var report: ([WorkerResult]) -> (WorkloadOutcome, [String])
    }

    /// Builds the requests for `configuration` (scans the tree for hashing, outside the measured region).
    static func processPlan(_ configuration: RunConfiguration) throws(GilBenchError) -> ProcessPlan {
        let settings = configuration.interpreterSettings
        let k = configuration.processes
        switch configuration.workload {
        case .countdown, .spin:
            let runs = Array(repeating: configuration.n, count: configuration.tasks)
            let request: ([Int]) -> WorkerRequest = configuration.workload == .spin
                ? { .spin(runs: $0, settings) } : { .countdown(runs: $0, settings) }
            let requests: [WorkerRequest]
            if configuration.mode == .pool {
                requests = runs.map { request([$0]) }
            } else {
                // One request per worker: task i goes to worker i mod K.
                requests = (0..<min(k, runs.count)).map { w in
                    request(stride(from: w, to: runs.count, by: k).map { runs[$0] })
                }
            }
            return ProcessPlan(requests: requests, window: .one, report: { _ in (WorkloadOutcome(), []) })
        case .hashing:
            try configuration.sha512Core.checkAvailable()
            let listing = try TreeScanner.scan(configuration.tree)
            let files = listing.files
            // Each request's positions in `files`, so outcomes go back in file order.
            let shares: [[Int]] = configuration.mode == .pool
                ? files.indices.map { [$0] }
                : HashingPlan.balancedShares(sizes: files.map(\.size), count: k)
            let requests = shares.map { share in
                WorkerRequest.hash(
                    paths: share.map { files[$0].path }, chunkSize: configuration.chunkSize,
                    gilDuringHash: configuration.gilDuringHash, core: configuration.sha512Core, settings)
            }
            // Pool: a worker holds up to 64 files or 512 KiB (about 2 ms of hashing here), whichever
            // comes first, so it does not wait a round trip after each small file, and the last
            // files still go to whichever worker is free.
            let costs = shares.map { share in share.reduce(0) { $0 + max(files[$1].size, 1) } }
            let window = configuration.mode == .pool ? WorkerPool.DispatchWindow(requests: 64, work: 512 << 10) : .one
            return ProcessPlan(requests: requests, costs: costs, window: window, report: { results in
                var outcomes = [FileOutcome](repeating: .unreadable("not hashed"), count: files.count)
                for (share, result) in zip(shares, results) {
                    for (position, outcome) in zip(share, result.files) { outcomes[position] = outcome }
                }
                let bytes = results.reduce(0) { $0 + $1.bytes }
                return HashingPlan.report(files: files, outcomes: outcomes, bytes: bytes, scanProblems: listing.unreadable)
            })
        case .extension, .ioLatency, .race, .raceLocked, .longTick, .pipeline, .server:
            throw GilBenchError(.mode, "\(configuration.mode.rawValue) runs the countdown, hashing and spin workloads, not \(configuration.workload.rawValue)")
        }
    }

    /// Runs `configuration` in worker processes and measures it from the parent.
    ///
    /// The region opens before the first worker is started (so probes that follow children, such as
    /// a perf counter with `inherit`, see them all) and closes after the last was reaped. CPU time and
    /// context switches are the parent's own (RUSAGE_SELF) plus each worker's (wait4).
    static func measureInProcesses(
        _ configuration: RunConfiguration, cpus: [Int], probes: [any MeasurementProbe], workerExecutable: String
    ) throws(GilBenchError) -> RunMeasurement {
        let plan = try processPlan(configuration)
        // /proc/stat is read outside the probes' region, so that its reads are not counted as the run's calls.
        let stat = CPUStatRegion(cpus: cpus)
        for probe in probes { try probe.begin() }
        let before = ResourceUsage.current()
        let start = MonotonicClock.nanoseconds()
        let pool = try WorkerPool(
            count: configuration.processes, executable: workerExecutable, timeout: configuration.workerTimeoutSeconds,
            fault: configuration.workerFault)
        let results = try pool.run(plan.requests, costs: plan.costs, window: plan.window)
        let workersUsage = try pool.finish()
        let wall = MonotonicClock.nanoseconds() &- start
        let usage = ResourceUsage.current() - before + workersUsage
        var syscalls: SyscallCounts?
        for probe in probes { syscalls = try probe.end() }
        let disturbance = stat.disturbance(usage: usage)
        let (outcome, warnings) = plan.report(results)
        var measurement = RunMeasurement(
            wallSeconds: Double(wall) / 1e9, usage: usage,
            ticks: results.reduce(0) { $0 &+ $1.ticks }, instructions: results.reduce(0) { $0 &+ $1.instructions },
            gil: GILCounters.sum(results.compactMap(\.gil), expected: results.count), outcome: outcome, syscalls: syscalls)
        measurement.warnings = warnings
        measurement.record(disturbance: disturbance)
        return measurement
    }
}

extension GILCounters {
    /// The counters of several independent GILs added up (one per worker process); nil when none
    /// was reported. A count that any GIL cannot see stays nil.
    package static func sum(_ all: [GILCounters], expected: Int) -> GILCounters? {
        guard let first = all.first, all.count == expected else { return nil }
        return all.dropFirst().reduce(into: first) { $0.add($1) }
    }

    /// Adds the counts of another GIL; a count that either cannot see becomes nil.
    mutating func add(_ other: GILCounters) {
        acquisitions += other.acquisitions
        handoffs += other.handoffs
        failedAcquisitions = both(failedAcquisitions, other.failedAcquisitions) { $0 + $1 }
        waitNanoseconds &+= other.waitNanoseconds
        forcedSwitches = both(forcedSwitches, other.forcedSwitches) { $0 + $1 }
        waitSamples = both(waitSamples, other.waitSamples) { a, b in
            var merged = a
            merged.merge(b)
            return merged
        }
        failedWakeupHistogram = both(failedWakeupHistogram, other.failedWakeupHistogram) { a, b in
            var merged = a
            merged.merge(b)
            return merged
        }
    }

    /// Counters of the same shape with nothing counted: what this GIL could see is 0 (or empty),
    /// what it cannot stays nil.
    package var nothingCounted: GILCounters {
        var none = GILCounters()
        none.failedAcquisitions = failedAcquisitions.map { _ in 0 }
        none.forcedSwitches = forcedSwitches.map { _ in 0 }
        none.waitSamples = waitSamples.map { _ in WaitHistogram() }
        none.failedWakeupHistogram = failedWakeupHistogram.map { _ in FailedWakeupHistogram() }
        return none
    }
}

/// `combine(a, b)` when both are there, else nil.
private func both<T>(_ a: T?, _ b: T?, _ combine: (T, T) -> T) -> T? {
    guard let a, let b else { return nil }
    return combine(a, b)
}
