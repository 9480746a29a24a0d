import GilBenchSimulator
import GilBenchSystem
import Foundation

/// Issue 24's check on the server workload, in gilbench's own report: the simulator's requests per
/// second in each server model, at each connection count and number of CPU-bound threads, against
/// the real twin of that model measured in the same run by the same client with the same
/// connections; within a factor of ``factor`` either way, and the models in the same order.
///
/// Where an entry is beyond the factor, or the order differs, the table names the cause it finds in
/// the rows: the per-request cost (user CPU, system CPU, voluntary context switches, over the run)
/// whose real/simulated ratio is furthest from 1 in the direction of the miss. Both sides count it
/// the same way (`getrusage` of the server's process tree; the client is a process of its own in
/// both), so a cost that differs is one the model leaves out or puts in.
public struct ServerFidelity: Sendable {
    /// The target: the simulator's rate within this factor of the real interpreter's, either way.
    public static let factor = 2.0

    /// The columns a simulator twin shares with the real configuration: what the server serves and
    /// how, under the GIL the interpreter has (its design and check points).
    static let compared: Set<Column> = [
        .engine, .workload, .mode, .gil, .checkPoints, .connections, .cpuThreads, .messageSize, .requestWork, .rate,
    ]

    public struct Entry: Sendable {
        /// The real interpreter.
        public var engine: Engine
        /// The simulated design compared with it: the one it has.
        public var design: GILDesign
        /// The server model (`threads`, `events`, `coroutines`, `processes`).
        public var model: ExecutionMode
        /// The real twin's configuration, to tell two twins of one model apart (asyncio beside
        /// generators under `coroutines`).
        public var realKey: ConfigurationKey
        /// The real twin's name: its model, or `asyncio` for the asyncio twin compared with `coroutines`.
        public var twin: String { ServerFidelity.twinName(realKey) }
        public var connections: Int
        public var cpuThreads: Int
        /// Medians of requests per second.
        public var real: Double
        public var simulated: Double
        /// simulated/real of the medians, with the bootstrap 95% interval that resamples each side on
        /// its own (``Statistics/bootstrapRatioOfMedians(_:over:resamples:seed:)``).
        public var ratio: Estimate
        /// For an entry beyond the factor: the measured cause, the cost per request that differs most.
        public var cause: String?

        /// Within when the whole interval is inside [1/``factor``, ``factor``], beyond when it is
        /// wholly outside, inconclusive otherwise (a ratio without an interval is judged on its value).
        public var verdict: Fidelity.Verdict { ServerFidelity.verdict(ratio) }
    }

    /// The models in order of requests per second, real and simulated, at one connection count and
    /// number of CPU-bound threads on one interpreter.
    public struct Ordering: Sendable {
        public var engine: Engine
        public var connections: Int
        public var cpuThreads: Int
        /// Fastest first.
        public var real: [ExecutionMode]
        public var simulated: [ExecutionMode]
        /// For an order that differs: the cause found for the first pair of models whose order
        /// differs (the model the simulator makes too fast relative to the other).
        public var cause: String?
        public var same: Bool { real == simulated }
    }

    public var entries: [Entry]
    public var orderings: [Ordering]

    public init(entries: [Entry], orderings: [Ordering]) {
        self.entries = entries
        self.orderings = orderings
    }

    /// The `experiment` label's ending that marks the asyncio twin's rows (`PythonExperiment.asyncioLabel`):
    /// they share the `coroutines` mode with the generators' twin, and the simulator's `coroutines` twin.
    public static let asyncioLabel = PythonExperiment.asyncioLabel

    /// A real server twin's name: `asyncio` for the asyncio twin, its mode otherwise.
    public static func twinName(_ key: ConfigurationKey) -> String {
        if key.experiment?.hasSuffix(asyncioLabel) == true { return asyncioLabel }
        return key.mode?.rawValue ?? "?"
    }

    /// ``Entry/verdict`` of `ratio`.
    public static func verdict(_ ratio: Estimate) -> Fidelity.Verdict {
        let low = ratio.interval?.low ?? ratio.value, high = ratio.interval?.high ?? ratio.value
        if low >= 1 / factor && high <= factor { return .within }
        if low > factor || high < 1 / factor { return .beyond }
        return .inconclusive
    }

    /// Pairs each real interpreter's server configurations with the simulator's twin under the GIL
    /// design and check points it has; then orders the four models, per interpreter, connection
    /// count and CPU-bound threads, by the medians of both sides (each model's twin named after it:
    /// the generators', not asyncio's, under `coroutines`).
    public init(rows: [ResultRow]) {
        let summary = Summary(rows: rows)
        var entries: [Entry] = []
        var pairs: [(Entry, Summary.Group, Summary.Group)] = []
        for group in summary.groups where group.key.engine != .simulator && group.key.workload == .server {
            guard let engine = group.key.engine, let design = group.key.gil, let model = group.key.mode,
                  let connections = group.key.connections,
                  let twin = summary.twin(
                      of: group.key, changing: { $0.engine = .simulator },
                      ignoring: ConfigurationKey.allColumns(except: Self.compared))
            else { continue }
            let real = group.values(.requestsPerSecond), simulated = twin.values(.requestsPerSecond)
            guard let ratio = Statistics.bootstrapRatioOfMedians(simulated, over: real),
                  let realMedian = Statistics.median(real), let simulatedMedian = Statistics.median(simulated)
            else { continue }
            let estimate = real.count >= 2 && simulated.count >= 2 ? ratio : Estimate(value: ratio.value, interval: nil)
            var entry = Entry(
                engine: engine, design: design, model: model, realKey: group.key, connections: connections,
                cpuThreads: group.key.cpuThreads ?? 0, real: realMedian, simulated: simulatedMedian, ratio: estimate)
            if entry.verdict == .beyond {
                entry.cause = Self.cause(real: group, simulated: twin, slower: estimate.value > 1 ? .real : .simulated)
            }
            entries.append(entry)
            pairs.append((entry, group, twin))
        }
        self.entries = entries
        var orderings: [Ordering] = []
        for (first, _, _) in pairs {
            guard !orderings.contains(where: {
                $0.engine == first.engine && $0.connections == first.connections && $0.cpuThreads == first.cpuThreads
            }) else { continue }
            var seen: Set<ExecutionMode> = []
            let same = pairs.filter {
                $0.0.engine == first.engine && $0.0.connections == first.connections && $0.0.cpuThreads == first.cpuThreads
                    && $0.0.twin == $0.0.model.rawValue && seen.insert($0.0.model).inserted
            }
            guard same.count >= 2 else { continue }
            let real = same.sorted { $0.0.real > $1.0.real }.map(\.0.model)
            let simulated = same.sorted { $0.0.simulated > $1.0.simulated }.map(\.0.model)
            var ordering = Ordering(
                engine: first.engine, connections: first.connections, cpuThreads: first.cpuThreads, real: real, simulated: simulated)
            if !ordering.same, let (fast, slow) = Self.firstInversion(real: real, simulated: simulated),
               let a = same.first(where: { $0.0.model == fast }), let b = same.first(where: { $0.0.model == slow }) {
                // `fast` is ahead in the simulator, behind on the interpreter: relative to `slow`,
                // the simulator makes it too fast. Its cause: the cost per request that the
                // interpreter pays more for `fast`, relative to `slow`, than the simulator does.
                ordering.cause = Self.relativeCause(fast: (a.1, a.2), slow: (b.1, b.2), fastModel: fast, slowModel: slow)
            }
            orderings.append(ordering)
        }
        self.orderings = orderings
    }

    /// The first pair (a, b) with a before b in `simulated` and after it in `real`.
    static func firstInversion(real: [ExecutionMode], simulated: [ExecutionMode]) -> (ExecutionMode, ExecutionMode)? {
        for (i, a) in simulated.enumerated() {
            for b in simulated[(i + 1)...] {
                if let ra = real.firstIndex(of: a), let rb = real.firstIndex(of: b), ra > rb { return (a, b) }
            }
        }
        return nil
    }

    // MARK: Causes

    /// Which side serves fewer requests per second.
    enum Side { case real, simulated }

    /// A cost per request, counted over the run: the counter over the requests the run's rate and
    /// wall time make (warm-up and the connections' setup included, alike on both sides).
    struct Cost: Sendable {
        var name: String
        var unit: String
        var scale: Double
        /// Below this per request on either side, the counts are too few to compare (a loop that
        /// never blocks switches context a handful of times in a run: a ratio of those is noise).
        var floor: Double = 0
        var value: @Sendable (ResultRow) -> Double?
    }

    static let costs: [Cost] = [
        Cost(name: "user CPU", unit: "µs", scale: 1e6, value: { $0.measurements.userSeconds }),
        Cost(name: "system CPU", unit: "µs", scale: 1e6, value: { $0.measurements.systemSeconds }),
        Cost(name: "voluntary context switches", unit: "", scale: 1, floor: 0.01, value: { $0.measurements.voluntaryContextSwitches.map(Double.init) }),
    ]

    /// `cost`'s median per request over `group`'s rows; nil when no row has it.
    static func perRequest(_ cost: Cost, _ group: Summary.Group) -> Double? {
        let median = Statistics.median(group.rows.compactMap { row in
            guard let counter = cost.value(row), let rate = row.measurements.requestsPerSecond,
                  let wall = row.measurements.wallSeconds, rate > 0, wall > 0 else { return nil }
            return counter * cost.scale / (rate * wall)
        })
        guard let median, median >= cost.floor else { return nil }
        return median
    }

    /// "1.2 µs", "0.83 per request".
    static func costText(_ value: Double, _ cost: Cost) -> String {
        let number = value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
        return cost.unit.isEmpty ? number : "\(number) \(cost.unit)"
    }

    /// The cause of a miss: of the costs per request both sides count, the one whose ratio, slower
    /// side over faster side, is the largest (at least 1.25: a smaller difference explains no factor
    /// of 2), with both figures; or a line saying that none differs so.
    static func cause(real: Summary.Group, simulated: Summary.Group, slower: Side) -> String {
        var best: (Cost, Double, Double, Double)?
        for cost in costs {
            guard let r = perRequest(cost, real), let s = perRequest(cost, simulated), r > 0, s > 0 else { continue }
            let ratio = slower == .real ? r / s : s / r
            if ratio > (best?.3 ?? 0) { best = (cost, r, s, ratio) }
        }
        guard let (cost, r, s, ratio) = best, ratio >= 1.25 else {
            return "no cost per request counted here differs by 1.25× or more (user and system CPU, voluntary context switches); "
                + "the difference is in waiting, not in work"
        }
        let who = slower == .real ? "the interpreter" : "the simulator"
        return "\(who) spends \(String(format: "%.1f", ratio))× the \(cost.name) per request "
            + "(\(costText(r, cost)) real, \(costText(s, cost)) simulated, over the run)"
    }

    /// The cause of an inverted order: the cost per request whose real/simulated ratio for `fast`
    /// over the same for `slow` is the largest (the interpreter pays more for `fast`, relative to
    /// `slow`, than the simulator does), at least 1.25; or a line saying none differs so.
    static func relativeCause(
        fast: (real: Summary.Group, simulated: Summary.Group), slow: (real: Summary.Group, simulated: Summary.Group),
        fastModel: ExecutionMode, slowModel: ExecutionMode
    ) -> String {
        var best: (Cost, Double)?
        for cost in costs {
            guard let fr = perRequest(cost, fast.real), let fs = perRequest(cost, fast.simulated),
                  let sr = perRequest(cost, slow.real), let ss = perRequest(cost, slow.simulated), fs > 0, sr > 0, ss > 0
            else { continue }
            let relative = (fr / fs) / (sr / ss)
            if relative > (best?.1 ?? 0) { best = (cost, relative) }
        }
        guard let (cost, relative) = best, relative >= 1.25 else {
            return "\(fastModel.rawValue) ahead of \(slowModel.rawValue) in the simulator only; no cost per request counted here "
                + "differs between them by 1.25× or more relative to the simulator"
        }
        return "\(fastModel.rawValue) ahead of \(slowModel.rawValue) in the simulator only: relative to \(slowModel.rawValue), "
            + "the interpreter spends \(String(format: "%.1f", relative))× the \(cost.name) per request in \(fastModel.rawValue) "
            + "that the simulator does"
    }

    // MARK: Rendering

    static func ratioText(_ e: Entry) -> String {
        String(format: "%.2f", e.ratio.value) + (e.ratio.interval.map { String(format: " [%.2f, %.2f]", $0.low, $0.high) } ?? "")
    }

    /// `events`, or `asyncio (coroutines)` for a twin not named after its model.
    static func label(_ e: Entry) -> String {
        e.twin == e.model.rawValue ? e.twin : "\(e.twin) (\(e.model.rawValue))"
    }

    /// `→ events > coroutines > processes > threads`.
    static func orderText(_ models: [ExecutionMode]) -> String { models.map(\.rawValue).joined(separator: " > ") }

    /// A plain table for the terminal: per interpreter, model, connections and CPU-bound threads, the
    /// medians, simulated/real with its interval and its verdict; then the orders, and a line per
    /// miss naming its cause.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        var rows = [["model", "connections", "cpu threads", "engine", "real requests/s", "simulator requests/s", "simulator/real", "verdict"]]
        for e in entries {
            rows.append([
                Self.label(e), "\(e.connections)", "\(e.cpuThreads)", e.engine.name, grouped(e.real), grouped(e.simulated),
                Self.ratioText(e), e.verdict.rawValue,
            ])
        }
        var text = Summary.align(rows)
        for o in orderings {
            text += "order at \(o.connections) connection\(o.connections == 1 ? "" : "s"), \(o.cpuThreads) CPU-bound thread\(o.cpuThreads == 1 ? "" : "s") "
                + "on \(o.engine.name): real \(Self.orderText(o.real)); simulator \(Self.orderText(o.simulated)): \(o.same ? "same" : "DIFFERS")"
                + (o.cause.map { "; cause: \($0)" } ?? "") + "\n"
        }
        text += summaryLine()
        return text
    }

    /// The closing line: how many are within the factor and in the same order, and the cause of each miss.
    public func summaryLine() -> String {
        let within = entries.filter { $0.verdict == .within }.count
        let beyond = entries.filter { $0.verdict == .beyond }
        var line = "\(within) of \(entries.count) within \(Int(Self.factor))× either way"
        line += ", \(orderings.filter(\.same).count) of \(orderings.count) orders the same"
        if beyond.isEmpty { return line + ".\n" }
        line += "; beyond: " + beyond.map { e in
            "\(Self.label(e)) at \(e.connections), \(e.cpuThreads) CPU-bound (\(Self.ratioText(e))): \(e.cause ?? "no cause found")"
        }.joined(separator: "; ")
        return line + ".\n"
    }

    /// The same for `REPORT.md`: a table, then the orders and the causes as a list.
    public func markdown() -> String {
        guard !entries.isEmpty else { return "" }
        var md = "| model | connections | CPU-bound threads | real requests/s | simulator requests/s | simulator/real (95% interval) | verdict | cause |\n"
        md += "|---|---:|---:|---:|---:|---:|---|---|\n"
        for e in entries {
            md += "| \(Self.label(e)) (\(e.engine.name)) | \(e.connections) | \(e.cpuThreads) | \(grouped(e.real)) | \(grouped(e.simulated)) | "
                + "\(Self.ratioText(e)) | \(e.verdict.rawValue) | \(e.cause ?? "") |\n"
        }
        md += "\n"
        for o in orderings {
            md += "- \(o.connections) connection\(o.connections == 1 ? "" : "s"), \(o.cpuThreads) CPU-bound thread\(o.cpuThreads == 1 ? "" : "s"): "
                + "real \(Self.orderText(o.real)); simulator \(Self.orderText(o.simulated)): **\(o.same ? "same" : "differs")**"
                + (o.cause.map { "; cause: \($0)" } ?? "") + "\n"
        }
        return md + "\n" + summaryLine()
    }
}
