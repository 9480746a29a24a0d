import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The GIL's traffic in a real interpreter's threaded countdown beside the simulator's twin: how
/// many futex calls and GIL acquisitions an iteration costs each. Where ``Fidelity`` compares
/// times, this compares counts: the system calls the kernel counted (`--syscalls perf`) and the
/// acquisitions uprobes counted inside the interpreter (`--count-gil`).
///
/// Per iteration, not per second: a uprobe traps at every call, so a counted run of CPython 2.7 is
/// many times slower than an uncounted one, and its count per second says how slow the probe is.
/// The count per iteration does not depend on it. Each count is the threaded run's over its
/// sequential twin's (of the same engine): a real interpreter's counters see its whole process, and
/// CPython 3's start-up and imports take the GIL some 1,700 times before the countdown begins.
/// Futex calls are compared only from runs whose GIL was not counted, since the probes' slowdown
/// changes how often the waiter wakes. Threads on two CPUs or more only: on one CPU the counts are
/// a handful, and their ratio says nothing.
public struct GILTraffic: Sendable {
    public struct Entry: Sendable {
        /// `futex calls per iteration` or `GIL acquisitions per iteration`.
        public var metric: String
        /// The threaded configuration compared: `threads 2 cpu`.
        public var configuration: String
        public var engine: String
        /// The simulated GIL design compared with it.
        public var design: String
        public var real: Double
        public var simulated: Double
        /// simulated / real.
        public var factor: Double { simulated / real }
    }

    public var entries: [Entry]

    /// The target: the simulator within this factor of the real interpreter, either way.
    public static let target = 1.5

    /// The entries beyond ``target``.
    public var missed: [Entry] { entries.filter { $0.factor > GILTraffic.target || $0.factor < 1 / GILTraffic.target } }

    /// The columns a simulator's threaded run must share with the real one to be its twin (its
    /// version's check points among them).
    static let comparedColumns: Set<Column> = [.engine, .workload, .mode, .cpus, .gil, .checkPoints, .tasks, .n, .syscallCounter]

    /// Pairs each real interpreter's threaded countdown on two CPUs or more (not a swept one) with
    /// the simulator's of the same CPUs, tasks and size under the design the interpreter has, for
    /// every count both have, each over its sequential twin.
    public init(rows: [ResultRow]) {
        let summary = Summary(rows: rows)
        var out: [Entry] = []
        for group in summary.groups {
            let key = group.key
            guard key.engine != .simulator, key.workload == .countdown, key.mode == .threads, key.sweepParameter == nil,
                (key.cpus ?? 0) >= 2, let design = key.gil, let n = key.n, let tasks = key.tasks, n > 0, tasks > 0
            else { continue }
            guard let twin = summary.twin(
                    of: key, changing: { $0.engine = .simulator }, ignoring: ConfigurationKey.allColumns(except: GILTraffic.comparedColumns)),
                let realBase = summary.sequentialTwin(of: group), let simulatedBase = summary.sequentialTwin(of: twin)
            else { continue }
            let iterations = Double(n * tasks)
            /// The median count of `rows` over the median of their sequential twin's, per iteration.
            func perIteration(_ rows: [ResultRow], over base: [ResultRow], _ value: (ResultRow) -> Int?) -> Double? {
                guard let count = Statistics.median(rows.compactMap { value($0).map(Double.init) }),
                    let baseline = Statistics.median(base.compactMap { value($0).map(Double.init) })
                else { return nil }
                return (count - baseline) / iterations
            }
            let counted = group.rows.contains { $0.measurements.gilProbe != nil }
            var metrics: [(String, (ResultRow) -> Int?)] = [("GIL acquisitions per iteration", { $0.measurements.gilAcquisitions })]
            if !counted { metrics.insert(("futex calls per iteration", { $0.measurements.syscallsFutex }), at: 0) }
            for (metric, value) in metrics {
                guard let real = perIteration(group.rows, over: realBase.rows, value),
                    let simulated = perIteration(twin.rows, over: simulatedBase.rows, value), real > 0
                else { continue }
                out.append(Entry(
                    metric: metric, configuration: "threads \(key[cell: .cpus] ?? "") cpu", engine: key[cell: .engine] ?? "",
                    design: design.rawValue, real: real, simulated: simulated))
            }
        }
        entries = out
    }

    /// A plain table, then one line naming the entries beyond the target, if any.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        var rows = [["count", "configuration", "engine", "real", "simulator", "design", "simulator/real"]]
        for e in entries {
            rows.append([
                e.metric, e.configuration, e.engine, String(format: "%.6f", e.real), String(format: "%.6f", e.simulated), e.design,
                String(format: "%.2fx", e.factor),
            ])
        }
        let beyond = missed.map { "\($0.metric), \($0.configuration) on \($0.engine) (\(String(format: "%.2fx", $0.factor)))" }
        return Summary.align(rows)
            + (beyond.isEmpty ? "" : "beyond the \(String(format: "%.1f", GILTraffic.target))x target: " + beyond.joined(separator: ", ") + "\n")
    }
}
