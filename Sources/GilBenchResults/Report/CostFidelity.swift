import GilBenchSimulator
import GilBenchSystem

/// The simulator's error against a real interpreter on the tutorial's costs: the time per message
/// of each pipeline (threads, processes and coroutines; stream and request-reply; each message size)
/// and the time per iteration of the countdown as two generators under slide 160's scheduler. Where
/// ``Fidelity`` judges ratios of wall times (which cancel what an instruction costs), this judges
/// absolute costs: the model of a queue, a pipe or a generator must spend what the interpreter does.
///
/// Each cost is taken per repetition (per message: 1 / `messages_per_s`; per iteration: wall time
/// over `n` × `tasks`), and the error with its interval is ``Fidelity/errorEstimate(real:simulated:)``
/// on those, judged against ``target``.
public struct CostFidelity: Sendable {
    public struct Entry: Sendable {
        /// `threads, stream, 64 B, per message`, `coroutines countdown, per iteration`.
        public var label: String
        public var engine: Engine
        /// The simulated GIL design compared with it: the one it has.
        public var design: GILDesign
        /// `µs` for a message, `ns` for an iteration.
        public var unit: String
        /// Medians of the real interpreter's and of the simulator's costs, in ``unit``.
        public var real: Double
        public var simulated: Double
        /// The error's 95% interval; nil when a side has fewer than two repetitions.
        public var errorInterval: Interval?
        /// Medians of the voluntary context switches per message, real and simulated: how often a
        /// thread or process of the pipeline went to sleep (waiting for a lock, the GIL, a queue or a
        /// pipe) per message, the measured cause of most differences between the two; nil for the
        /// coroutine countdown and where a row lacks the count.
        public var realSleepsPerMessage: Double? = nil
        public var simulatedSleepsPerMessage: Double? = nil
        /// (simulated - real) / real, of the medians.
        public var error: Double { (simulated - real) / real }
        public var errorEstimate: Estimate { Estimate(value: error, interval: errorInterval) }
        /// Within, beyond or inconclusive against ``CostFidelity/target``.
        public var verdict: Fidelity.Verdict { CostFidelity.verdict(errorEstimate) }
    }

    public var entries: [Entry]

    /// The target on a cost: within 25% of the real interpreter.
    public static let target = 0.25

    /// ``Fidelity/verdict(_:)``'s rule against ``target``.
    public static func verdict(_ error: Estimate) -> Fidelity.Verdict {
        let low = error.interval?.low ?? error.value, high = error.interval?.high ?? error.value
        if low >= -target && high <= target { return .within }
        if low > target || high < -target { return .beyond }
        return .inconclusive
    }

    /// The columns a twin shares with the real configuration: everything that says what is measured.
    static let compared: Set<Column> = [.engine, .workload, .mode, .cpus, .gil, .checkPoints, .pattern, .messageSize, .messages, .n, .tasks]

    /// What one repetition of `row` costs per unit, in the unit's scale; nil when it is not a cost
    /// this table judges or the row lacks it.
    static func cost(_ row: ResultRow) -> Double? {
        let key = row.key
        switch (key.workload, key.mode) {
        case (.pipeline?, _):
            guard let rate = row.measurements.messagesPerSecond, rate > 0 else { return nil }
            return 1e6 / rate
        case (.countdown?, .coroutines?):
            guard let wall = row.measurements.wallSeconds, let n = key.n, let tasks = key.tasks, n * tasks > 0 else { return nil }
            return wall * 1e9 / Double(n * tasks)
        default:
            return nil
        }
    }

    /// `threads, stream, 64 B, per message` or `coroutines countdown, per iteration`.
    static func label(_ key: ConfigurationKey) -> String {
        if key.workload == .countdown { return "coroutines countdown, per iteration" }
        let size = key.messageSize.map { $0 >= 1024 ? "\($0 >> 10) KiB" : "\($0) B" } ?? "?"
        return "\(key.mode?.rawValue ?? "?"), \(key.pattern?.rawValue ?? "?"), \(size), per message"
    }

    /// One repetition's voluntary context switches per message (pipelines only).
    static func sleepsPerMessage(_ row: ResultRow) -> Double? {
        guard row.key.workload == .pipeline, let messages = row.key.messages, messages > 0,
              let switches = row.measurements.voluntaryContextSwitches else { return nil }
        return Double(switches) / Double(messages)
    }

    public init(entries: [Entry]) { self.entries = entries }

    /// Pairs each real interpreter's pipeline and coroutine-countdown configurations with the
    /// simulator's twin under the GIL design and check points the interpreter has.
    public init(rows: [ResultRow]) {
        let summary = Summary(rows: rows)
        var out: [Entry] = []
        for group in summary.groups where group.key.engine != .simulator {
            guard let engine = group.key.engine, let design = group.key.gil else { continue }
            let real = group.rows.compactMap(Self.cost)
            guard !real.isEmpty,
                  let twin = summary.twin(
                      of: group.key, changing: { $0.engine = .simulator },
                      ignoring: ConfigurationKey.allColumns(except: Self.compared))
            else { continue }
            let simulated = twin.rows.compactMap(Self.cost)
            guard let estimate = Fidelity.errorEstimate(real: real, simulated: simulated),
                  let realMedian = Statistics.median(real), let simulatedMedian = Statistics.median(simulated)
            else { continue }
            out.append(Entry(
                label: Self.label(group.key), engine: engine, design: design,
                unit: group.key.workload == .countdown ? "ns" : "µs", real: realMedian, simulated: simulatedMedian,
                errorInterval: estimate.interval,
                realSleepsPerMessage: Statistics.median(group.rows.compactMap(Self.sleepsPerMessage)),
                simulatedSleepsPerMessage: Statistics.median(twin.rows.compactMap(Self.sleepsPerMessage))))
        }
        entries = out
    }

    /// The columns of both renderings: cost, interpreter, real, simulated, design, error, the error's
    /// 95% interval, its verdict, and the sleeps per message real / simulated.
    func tableRows() -> [[String]] {
        var rows = [["cost", "engine", "real", "simulator", "design", "error", "95% interval", "verdict", "sleeps/msg real / sim"]]
        func value(_ v: Double, _ unit: String) -> String { String(format: v >= 100 ? "%.0f" : "%.2f", v) + " " + unit }
        for e in entries {
            var sleeps = "–"
            if let real = e.realSleepsPerMessage, let simulated = e.simulatedSleepsPerMessage {
                sleeps = String(format: "%.2f / %.2f", real, simulated)
            }
            rows.append([
                e.label, e.engine.name, value(e.real, e.unit), value(e.simulated, e.unit), e.design.rawValue,
                Fidelity.percent(e.error), Fidelity.intervalText(e.errorInterval), e.verdict.rawValue, sleeps,
            ])
        }
        return rows
    }

    /// How far apart two sleep counts per message must be to be called different: a quarter of the
    /// larger, and more than one sleep in twenty messages on one side (below that, neither waits).
    static let sleepsDiffer = (share: 0.25, floor: 0.05)

    /// What was measured beside a cost that misses: for a pipeline, whether the two sides sleep a
    /// different number of times per message (they wait differently: a lock convoy, a GIL hand-off)
    /// or as often (the difference is the work between the sleeps); for the coroutine countdown, the
    /// scheduler's switch. nil when nothing was measured beside it.
    public static func cause(_ e: Entry) -> String? {
        guard let real = e.realSleepsPerMessage, let simulated = e.simulatedSleepsPerMessage else {
            return e.unit == "ns" ? "the scheduler's switch: its method calls cost each version differently" : nil
        }
        let larger = max(real, simulated)
        if larger > sleepsDiffer.floor && abs(real - simulated) > sleepsDiffer.share * larger {
            return String(format: "%.2f sleeps per message real, %.2f simulated", real, simulated)
        }
        return String(format: "as many sleeps per message (%.2f real, %.2f simulated): the work between them", real, simulated)
    }

    /// The line naming the costs beyond the target, each with what was measured beside it, and where
    /// their causes are explained.
    func beyondLine() -> String {
        let beyond = entries.filter { $0.verdict == .beyond }
        let target = "±\(Int(Self.target * 100))% target"
        guard !beyond.isEmpty else { return "none beyond the \(target).\n" }
        let listed = beyond.map { e -> String in
            "\(e.label) on \(e.engine.name) (\(Fidelity.percent(e.error))" + (Self.cause(e).map { "; \($0)" } ?? "") + ")"
        }
        return "beyond the \(target): " + listed.joined(separator: ", ")
            + ". Their measured causes are in the DocC article *Queues, messages and coroutines*.\n"
    }

    /// A plain table (the columns above), then a line naming the costs beyond the target with what was measured beside each.
    public func render() -> String {
        guard !entries.isEmpty else { return "" }
        return Summary.align(tableRows()) + beyondLine()
    }

    /// The same as a Markdown table, for the report.
    public func markdown() -> String {
        guard !entries.isEmpty else { return "" }
        let rows = tableRows()
        var md = "| " + rows[0].joined(separator: " | ") + " |\n"
        md += "|" + rows[0].indices.map { $0 == 0 || $0 == 1 || $0 == 4 || $0 == 7 ? "---" : "---:" }.joined(separator: "|") + "|\n"
        for row in rows.dropFirst() { md += "| " + row.joined(separator: " | ") + " |\n" }
        return md + "\n" + beyondLine()
    }
}
