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
/// The count per iteration does not depend on it.
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

    /// The columns a simulator's threaded run must share with the real one to be its twin.
    static let comparedColumns: Set<Column> = [.engine, .workload, .mode, .cpus, .gil, .tasks, .n, .syscallCounter]

    /// Pairs each real interpreter's threaded countdown (not a swept one) with the simulator's of
    /// the same CPUs, tasks and size under the design the interpreter has, for every count both have.
    public init(rows: [ResultRow]) {
        let summary = Summary(rows: rows)
        var out: [Entry] = []
        for group in summary.groups {
            let key = group.key
            guard key.engine != .simulator, key.workload == .countdown, key.mode == .threads, key.sweepParameter == nil,
                let design = key.gil, let n = key.n, let tasks = key.tasks, n > 0, tasks > 0
            else { continue }
            guard let twin = summary.twin(
                of: key, changing: { $0.engine = .simulator }, ignoring: ConfigurationKey.allColumns(except: GILTraffic.comparedColumns))
            else { continue }
            let iterations = Double(n * tasks)
            func perIteration(_ rows: [ResultRow], _ value: (ResultRow) -> Int?) -> Double? {
                Statistics.median(rows.compactMap { value($0).map { Double($0) / iterations } })
            }
            let metrics: [(String, (ResultRow) -> Int?)] = [
                ("futex calls per iteration", { $0.measurements.syscallsFutex }),
                ("GIL acquisitions per iteration", { $0.measurements.gilAcquisitions }),
            ]
            for (metric, value) in metrics {
                guard let real = perIteration(group.rows, value), let simulated = perIteration(twin.rows, value), real > 0 else { continue }
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
                e.metric, e.configuration, e.engine, String(format: "%.5f", e.real), String(format: "%.5f", e.simulated), e.design,
                String(format: "%.2fx", e.factor),
            ])
        }
        let beyond = missed.map { "\($0.metric), \($0.configuration) on \($0.engine) (\(String(format: "%.2fx", $0.factor)))" }
        return Summary.align(rows)
            + (beyond.isEmpty ? "" : "beyond the \(String(format: "%.1f", GILTraffic.target))x target: " + beyond.joined(separator: ", ") + "\n")
    }
}
