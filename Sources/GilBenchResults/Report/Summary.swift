import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The table `gilbench run` prints: per configuration the median, min and max of the key
/// measurements, then the ratios that carry the slides' claims.
public struct Summary {
    /// One configuration's repetitions (made by ``Summary/init(rows:)``).
    public struct Group: Sendable {
        public var key: ConfigurationKey
        public var rows: [ResultRow]

        /// The measured values of a numeric measurement column, one per row that has it.
        public func values(_ column: Column) -> [Double] { rows.compactMap { $0.measurements[column] } }
        public func median(_ column: Column) -> Double? { Statistics.median(values(column)) }
        public var label: String { key.label }
    }

    public var groups: [Group]

    /// Groups rows by configuration (equal ``ConfigurationKey``s), keeping first-seen order.
    public init(rows: [ResultRow]) {
        var order: [ConfigurationKey] = []
        var byKey: [ConfigurationKey: [ResultRow]] = [:]
        for row in rows {
            if byKey[row.key] == nil { order.append(row.key) }
            byKey[row.key, default: []].append(row)
        }
        groups = order.map { Group(key: $0, rows: byKey[$0]!) }
    }

    /// The summed median wall times of the groups of `keys` (keys with no group add nothing): what one
    /// more round of those configurations is expected to take.
    public func medianWallSeconds(of keys: [ConfigurationKey]) -> Double {
        keys.compactMap { key in groups.first { $0.key == key }?.median(.wallSeconds) }.reduce(0, +)
    }

    // MARK: Twins

    /// The groups whose configuration is `key` changed by `changes`, in every column but `ignoring`
    /// (where any value will do), in the summary's order. The one search for a twin configuration:
    /// ratios, system-call ratios, plots and the simulator's fidelity all find theirs here.
    public func twins(
        of key: ConfigurationKey, changing changes: (inout ConfigurationKey) -> Void = { _ in }, ignoring: Set<Column> = []
    ) -> [Group] {
        var wanted = key
        changes(&wanted)
        let target = wanted.clearing(ignoring)
        return groups.filter { $0.key.clearing(ignoring) == target }
    }

    /// The first of ``twins(of:changing:ignoring:)``.
    public func twin(
        of key: ConfigurationKey, changing changes: (inout ConfigurationKey) -> Void = { _ in }, ignoring: Set<Column> = []
    ) -> Group? {
        twins(of: key, changing: changes, ignoring: ignoring).first
    }

    /// The sequential run of the same work: the same configuration in `sequential` mode, whatever its
    /// thread and process counts and CPU list (``ConfigurationKey/followingMode``).
    public func sequentialTwin(of group: Group) -> Group? {
        twin(of: group.key, changing: { $0.mode = .sequential }, ignoring: ConfigurationKey.followingMode)
    }

    /// The same threaded configuration run on other CPU counts than one (any CPU list), for the
    /// `1 cpu/N cpus` ratios.
    public func moreCPUsTwins(of group: Group) -> [Group] {
        twins(of: group.key, ignoring: [.cpus, .cpuList]).filter { $0.key.cpus != 1 }
    }

    // MARK: Ratios

    /// A ratio of two configurations' median wall times, of a kind that says what it shows, with the
    /// same ratio taken pair by pair.
    public struct Ratio {
        public var kind: RatioKind
        /// The configurations' labels.
        public var numerator: String
        public var denominator: String
        /// The numerator's median wall time over the denominator's.
        public var value: Double
        /// The median of the repetitions' ratios pair by pair, with its 95% interval (``PairedRatio``);
        /// nil when no repetition of one has a twin in the other.
        public var paired: Estimate?
        /// The kind's printed name: `threads/sequential`, `1 cpu/2 cpus`, ...
        public var name: String { kind.name }
    }

    /// threaded/sequential for every threaded group with a sequential twin (same work, GIL, lock,
    /// CPUs), and one-CPU/all-CPUs for threaded groups run both ways.
    public var ratios: [Ratio] {
        ratioPairs.compactMap { pair in
            guard let value = pair.value else { return nil }
            return Ratio(
                kind: pair.kind, numerator: pair.numerator.label, denominator: pair.denominator.label, value: value,
                paired: pair.paired?.estimate)
        }
    }

    /// Two configurations whose wall times make a ratio: they differ only in mode (`<mode>/sequential`)
    /// or only in CPUs (`1 cpu/N cpus`). `gilbench run` prints these ratios and `gilbench compare`
    /// compares them as metrics of their own.
    public struct RatioPair: Sendable {
        public var kind: RatioKind
        public var numerator: Group
        public var denominator: Group

        /// The kind's printed name: `threads/sequential`, `processes/sequential`, `1 cpu/2 cpus`, ...
        public var name: String { kind.name }

        /// The numerator's median wall time over the denominator's; nil when either is missing or the
        /// denominator is not positive.
        public var value: Double? {
            guard let a = numerator.median(.wallSeconds), let b = denominator.median(.wallSeconds), b > 0 else { return nil }
            return a / b
        }

        /// The wall times' ratio repetition by repetition (``PairedRatio``).
        public var paired: PairedRatio? { PairedRatio(.wallSeconds, numerator, over: denominator) }
    }

    /// The group that is `kind`'s denominator for `numerator` (``RatioKind/denominator(of:)``), if any.
    public func denominator(_ kind: RatioKind, of numerator: Group) -> Group? {
        twin(of: numerator.key, changing: { $0 = kind.denominator(of: $0) }, ignoring: kind.denominatorIgnores)
    }

    /// Every `<mode>/sequential` pair (``sequentialTwin(of:)``), then every `1 cpu/N cpus` pair of
    /// threaded groups (``moreCPUsTwins(of:)``), then the pairs with a sequential run on a worker
    /// thread (``RatioKind/workerOverMainThread``, ``RatioKind/threadsOverWorkerThread``), then each
    /// swept interval over the default one, Python's own (``RatioKind/sweptInterval(of:)``): 100
    /// ticks, 5 ms.
    public var ratioPairs: [RatioPair] {
        var out: [RatioPair] = []
        for group in groups {
            guard let mode = group.key.mode, mode != .sequential else { continue }
            if let sequential = sequentialTwin(of: group) {
                out.append(RatioPair(kind: .overSequential(mode), numerator: group, denominator: sequential))
            }
        }
        for group in groups where group.key.mode == .threads && group.key.cpus == 1 {
            for other in moreCPUsTwins(of: group) {
                guard let cpus = other.key.cpus else { continue }
                out.append(RatioPair(kind: .oneCPUOver(cpus: cpus), numerator: group, denominator: other))
            }
        }
        for group in groups where group.key.mode == .sequential && group.key.sequentialThread == .worker {
            if let main = denominator(.workerOverMainThread, of: group) {
                out.append(RatioPair(kind: .workerOverMainThread, numerator: group, denominator: main))
            }
        }
        for group in groups where group.key.mode == .threads {
            if let worker = denominator(.threadsOverWorkerThread, of: group) {
                out.append(RatioPair(kind: .threadsOverWorkerThread, numerator: group, denominator: worker))
            }
        }
        for group in groups where group.key.mode == .threads {
            if let kind = RatioKind.sweptInterval(of: group.key), let base = denominator(kind, of: group) {
                out.append(RatioPair(kind: kind, numerator: group, denominator: base))
            }
        }
        return out
    }

    /// The plain-text table.
    public func render() -> String {
        var metrics: [(String, (Group) -> String)] = [
            ("runs", { "\($0.rows.count)" }),
            ("wall s median", { Summary.fmt($0.median(.wallSeconds)) }),
            ("min", { Summary.fmt($0.values(.wallSeconds).min()) }),
            ("max", { Summary.fmt($0.values(.wallSeconds).max()) }),
            ("user s", { Summary.fmt($0.median(.userSeconds)) }),
            ("sys s", { Summary.fmt($0.median(.systemSeconds)) }),
            ("vol cs", { Summary.fmt($0.median(.voluntaryContextSwitches), integer: true) }),
            ("invol cs", { Summary.fmt($0.median(.involuntaryContextSwitches), integer: true) }),
            ("ns/iter", { g in
                // Wall time per loop iteration of all tasks together (countdown: n iterations per task).
                guard g.key.workload == .countdown, let w = g.median(.wallSeconds),
                      let n = g.key.n, let tasks = g.key.tasks, n * tasks > 0 else { return "" }
                return Summary.fmt(w * 1e9 / Double(n * tasks))
            }),
            ("MB/s", { g in
                // Hashing: bytes hashed per second of wall time.
                guard g.key.workload == .hashing, let w = g.median(.wallSeconds), let b = g.median(.bytes), w > 0 else { return "" }
                return Summary.fmt(b / w / 1e6)
            }),
            ("handoffs/s", { Summary.perSecond($0, .gilHandoffs) }),
            ("failed/s", { Summary.perSecond($0, .gilFailedAcquisitions) }),
        ]
        // Columns only some workloads fill, shown when a row has them.
        let optional: [(String, Column)] = [
            ("lat p50 us", .latencyP50Us), ("lat p99 us", .latencyP99Us), ("req/s", .requestsPerSecond),
            ("long tick us", .longTickUs), ("race x", .raceFinalX), ("forced/s", .forcedSwitches),
            ("msg/s", .messagesPerSecond), ("msg p50 us", .messageLatencyP50Us), ("msg p99 us", .messageLatencyP99Us),
            ("rss KiB", .rssKiB),
        ]
        for (title, column) in optional where groups.contains(where: { !$0.values(column).isEmpty }) {
            if column == .forcedSwitches {
                metrics.append((title, { Summary.perSecond($0, column) }))
            } else {
                metrics.append((title, { Summary.fmt($0.median(column), integer: column == .rssKiB) }))
            }
        }
        if groups.contains(where: { $0.key.messages != nil && !$0.values(.syscallsTotal).isEmpty }) {
            // Pipeline: this process's counted system calls per message sent.
            metrics.append(("calls/msg", { g in
                guard let m = g.key.messages, m > 0, let calls = g.median(.syscallsTotal) else { return "" }
                return Summary.fmt(calls / Double(m))
            }))
        }
        var table: [[String]] = [["configuration"] + metrics.map(\.0)]
        for g in groups { table.append([g.markedLabel] + metrics.map { $0.1(g) }) }
        var text = Summary.align(table)
        if let footnote = disturbedFootnote { text += footnote + "\n" }
        let ratios = self.ratios
        if !ratios.isEmpty {
            text += "\n"
            var rt: [[String]] = [["ratio (wall)", "of medians", "paired [95%]", "of", "over"]]
            for r in ratios {
                rt.append([r.name, String(format: "%.2f", r.value), r.paired?.text() ?? "-", r.numerator, r.denominator])
            }
            text += Summary.align(rt)
        }
        return text
    }

    package static func perSecond(_ g: Group, _ column: Column) -> String {
        let counts = g.values(column)
        guard counts.count == g.rows.count, !counts.isEmpty else { return "" }
        let rates = zip(g.rows, counts).compactMap { row, c in row.wallSeconds.map { c / $0 } }
        return Summary.fmt(Statistics.median(rates), integer: true)
    }

    static func fmt(_ v: Double?, integer: Bool = false) -> String {
        guard let v else { return "" }
        if integer { return String(Int(v.rounded())) }
        return abs(v) >= 100 ? String(format: "%.1f", v) : String(format: "%.3f", v)
    }

    /// A plain-text table: each column as wide as its widest cell, two spaces apart. The first column
    /// is left-aligned and the rest right-aligned (numbers); with `leftAligned`, every column is
    /// left-aligned (words) and a row's last cell is not padded.
    public static func align(_ rows: [[String]], leftAligned: Bool = false) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                if leftAligned { return i == row.count - 1 ? cell : cell + pad }
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
