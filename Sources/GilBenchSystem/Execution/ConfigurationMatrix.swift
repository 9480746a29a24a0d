import GilBenchSimulator

/// The configurations one command line asks for: a base configuration, and for each setting that
/// takes several values (`--cpus`, `--gil`, `--lock`, `--mode`, `--sequential-thread`,
/// `--gil-during-hash`, `--sha512-core`, `--connections`) the values to combine.
///
/// ``configurations()`` makes every combination once, in the order a ``Session`` alternates between
/// them: CPUs outermost, then GIL design, lock, mode, the sequential run's thread, and for hashing the
/// GIL during a hash and the SHA-512 core, and for the server its connections. A lock other than the first is combined with the `ticks`
/// design only (the other designs have no lock choice), a sequential thread with sequential mode only,
/// the hashing choices with the hashing workload only, and the connections with the server only.
public struct ConfigurationMatrix: Sendable {
    /// What every configuration shares: workload, sizes, intervals, repetitions, ...
    public var base: RunConfiguration
    public var cpus: [CPUSelection]
    public var designs: [GILDesign]
    public var locks: [LockKind]
    public var modes: [ExecutionMode]
    public var sequentialThreads: [SequentialThread]
    public var gilDuringHash: [GILDuringHash]
    public var sha512Cores: [SHA512Core]
    /// The server workload's connection counts (`--connections 1 100 1000`).
    public var connections: [Int]

    /// A matrix of one configuration, `base`, until values are added.
    public init(base: RunConfiguration = RunConfiguration()) {
        self.base = base
        cpus = [base.cpus]
        designs = [base.gil]
        locks = [base.lock]
        modes = [base.mode]
        sequentialThreads = [base.sequentialThread]
        gilDuringHash = [base.gilDuringHash]
        sha512Cores = [base.sha512Core]
        connections = [base.connections]
    }

    /// Every combination, unvalidated (see ``validated(allowedCPUs:)``).
    /// - Throws: `GilBenchError` when a list is empty, or a sequential thread other than `main` is
    ///   asked for with no sequential mode to run it in.
    public func configurations() throws(GilBenchError) -> [RunConfiguration] {
        for (setting, isEmpty) in [
            (RunSetting.cpuCount, cpus.isEmpty), (.gil, designs.isEmpty), (.lock, locks.isEmpty), (.mode, modes.isEmpty),
            (.sequentialThread, sequentialThreads.isEmpty), (.gilDuringHash, gilDuringHash.isEmpty), (.sha512Core, sha512Cores.isEmpty),
            (.connections, connections.isEmpty),
        ] where isEmpty {
            throw GilBenchError(setting, "needs a value")
        }
        if sequentialThreads != [.main] && !modes.contains(.sequential) {
            throw GilBenchError(.sequentialThread, "applies to sequential mode only; add it to --mode")
        }
        let hashing = base.workload == .hashing
        let serving = base.workload == .server
        let combinations = cpus.flatMap { cpu in
            designs.flatMap { design in
                (design == .ticks ? locks : [locks[0]]).flatMap { lock in
                    modes.flatMap { mode in
                        (mode == .sequential ? sequentialThreads : [.main]).flatMap { thread in
                            (hashing ? gilDuringHash : [gilDuringHash[0]]).flatMap { hold in
                                (hashing ? sha512Cores : [sha512Cores[0]]).flatMap { core in
                                    (serving ? connections : [connections[0]]).map { count in
                                        (cpu, design, lock, mode, thread, hold, core, count)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return combinations.map { cpu, design, lock, mode, thread, hold, core, count in
            var c = base
            c.cpus = cpu
            c.gil = design
            c.lock = lock
            c.mode = mode
            c.sequentialThread = thread
            c.gilDuringHash = hold
            c.sha512Core = core
            c.connections = count
            // A countdown in processes mode has at least one task to hand a worker.
            if c.mode == .processes && c.workload == .countdown { c.tasks = max(c.tasks, 1) }
            return c
        }
    }

    /// ``configurations()``, each checked (``RunConfiguration/validate()``) and its CPUs resolved
    /// against the CPUs this process may run on.
    /// - Parameter allowedCPUs: the CPUs to resolve against (default: this process's affinity).
    /// - Throws: `GilBenchError` naming the first setting that is wrong.
    @discardableResult
    public func validated(allowedCPUs: [Int]? = nil) throws(GilBenchError) -> [RunConfiguration] {
        let configurations = try configurations()
        for c in configurations { try c.validate() }
        let allowed: [Int]
        if let allowedCPUs { allowed = allowedCPUs } else { allowed = try CPUAffinity.current() }
        for c in configurations { _ = try CPUAffinity.resolve(c.cpus, allowed: allowed) }
        // More connections than descriptors can be had is refused before any run (the runner raises the
        // soft limit as far as each run needs: Runner.measureServer).
        if let most = configurations.lazy.filter({ $0.workload == .server }).map(\.connections).max() {
            try FileDescriptorLimit.checkHardLimit(most + ServerLoad.descriptorMargin)
        }
        return configurations
    }

    /// Sets the base's tree to gilbench's default corpus when the workload hashes and no tree was
    /// given, writing the corpus first if it is missing (once, with `note` told why the run pauses).
    /// - Throws: `GilBenchError` `.unwritableOutput` when the corpus cannot be written.
    public mutating func resolveCorpus(note: (String) -> Void) throws(GilBenchError) {
        guard base.workload == .hashing, base.tree.isEmpty else { return }
        let corpus = Corpus()
        let root = corpus.defaultLocation()
        if !corpus.isComplete(at: root) {
            note("gilbench: writing the default corpus at \(root) (once)")
            _ = try corpus.ensure(at: root)
        }
        base.tree = root
    }
}
