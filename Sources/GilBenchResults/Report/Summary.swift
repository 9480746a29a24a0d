import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The table `gilbench run` prints: per configuration the median, min and max of the key
/// measurements, then the ratios that carry the slides' claims.
public struct Summary {
    /// One configuration's repetitions.
    public struct Group {
        public var key: [Column: String]
        public var rows: [CSVRecord]

        public func values(_ column: Column) -> [Double] { rows.compactMap { $0[column].flatMap(Double.init) } }
        public func median(_ column: Column) -> Double? { Statistics.median(values(column)) }
        public var label: String {
            var parts = [key[.workload] ?? "", key[.mode] ?? ""]
            if let engine = key[.engine], !engine.isEmpty, engine != "gilbench-sim" { parts.insert(engine + ":", at: 0) }
            if let gil = key[.gil], !gil.isEmpty { parts.append(gil + ((key[.lock] ?? "").isEmpty ? "" : "/" + key[.lock]!)) }
            if let threads = key[.threads], key[.mode] == "threads" { parts.append("\(threads) thr") }
            if let processes = key[.processes], key[.mode] == "processes" || key[.mode] == "pool" { parts.append("\(processes) proc") }
            if let hold = key[.gilDuringHash], !hold.isEmpty { parts.append("gil-during-hash=\(hold)") }
            if let core = key[.sha512Core], !core.isEmpty, core != SHA512Core.swiftCrypto.rawValue { parts.append("sha512=\(core)") }
            if let cpus = key[.cpus] { parts.append("\(cpus) cpu") }
            if let ci = key[.checkInterval], !ci.isEmpty, ci != "100" { parts.append("ci=\(ci)") }
            if let si = key[.switchIntervalMs], !si.isEmpty, si != "5" { parts.append("si=\(si)ms") }
            if let churn = key[.churnN], !churn.isEmpty { parts.append("churn=\(churn)") }
            if let k = key[.cpuThreads], !k.isEmpty { parts.append("cpu thr=\(k)") }
            if let swept = key[.sweepParameter], let column = Column(rawValue: swept), column != .checkInterval,
               column != .switchIntervalMs, column != .churnN, column != .cpuThreads, column != .threads,
               let value = key[column] { parts.append("\(swept)=\(value)") }
            if let counter = key[.syscallCounter], !counter.isEmpty { parts.append("[\(counter)]") }
            return parts.filter { !$0.isEmpty }.joined(separator: " ")
        }
    }

    public var groups: [Group]

    /// Groups rows by configuration, keeping first-seen order.
    public init(records: [CSVRecord]) {
        var order: [[Column: String]] = []
        var byKey: [[Column: String]: [CSVRecord]] = [:]
        for row in records {
            var key: [Column: String] = [:]
            for c in Column.configuration { key[c] = row[c] ?? "" }
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(row)
        }
        groups = order.map { Group(key: $0, rows: byKey[$0]!) }
    }

    /// A ratio of two configurations' median wall times, named for what it shows.
    public struct Ratio {
        public var name: String
        public var numerator: String
        public var denominator: String
        public var value: Double
    }

    /// threaded/sequential for every threaded group with a sequential twin (same work, GIL, lock,
    /// CPUs), and one-CPU/all-CPUs for threaded groups run both ways.
    public var ratios: [Ratio] {
        ratioPairs.compactMap { pair in
            guard let a = pair.numerator.median(.wallSeconds), let b = pair.denominator.median(.wallSeconds), b > 0 else { return nil }
            return Ratio(name: pair.name, numerator: pair.numerator.label, denominator: pair.denominator.label, value: a / b)
        }
    }

    /// Two configurations whose wall times make a ratio: they differ only in mode (`<mode>/sequential`)
    /// or only in CPUs (`1 cpu/N cpus`). `gilbench run` prints these ratios and `gilbench compare`
    /// compares them as metrics of their own.
    public struct RatioPair {
        /// `threads/sequential`, `processes/sequential`, `1 cpu/2 cpus`, ...
        public var name: String
        public var numerator: Group
        public var denominator: Group
    }

    /// Every `<mode>/sequential` pair (the twin has the same work, GIL, lock and CPUs; its thread
    /// count and CPU list may differ), then every `1 cpu/N cpus` pair of threaded groups.
    public var ratioPairs: [RatioPair] {
        var out: [RatioPair] = []
        func twin(of group: Group, changing changes: [Column: String]) -> Group? {
            var wanted = group.key
            for (c, v) in changes { wanted[c] = v }
            return groups.first { g in
                g.key.allSatisfy { c, v in
                    if changes[c] == nil && (c == .threads || c == .processes || c == .cpuList) { return true }
                    return wanted[c] == v
                }
            }
        }
        for group in groups {
            guard let mode = group.key[.mode], !mode.isEmpty, mode != "sequential" else { continue }
            if let seq = twin(of: group, changing: [.mode: "sequential"]) {
                out.append(RatioPair(name: "\(mode)/sequential", numerator: group, denominator: seq))
            }
        }
        for group in groups where group.key[.mode] == "threads" && group.key[.cpus] == "1" {
            let others = groups.filter { g in
                g.key[.cpus] != "1" && Column.configuration.allSatisfy { c in c == .cpus || c == .cpuList || g.key[c] == group.key[c] }
            }
            for other in others {
                out.append(RatioPair(name: "1 cpu/\(other.key[.cpus] ?? "") cpus", numerator: group, denominator: other))
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
                guard g.key[.workload] == "countdown", let w = g.median(.wallSeconds),
                      let n = Double(g.key[.n] ?? ""), let tasks = Double(g.key[.tasks] ?? ""), n * tasks > 0 else { return "" }
                return Summary.fmt(w * 1e9 / (n * tasks))
            }),
            ("MB/s", { g in
                // Hashing: bytes hashed per second of wall time.
                guard g.key[.workload] == "hashing", let w = g.median(.wallSeconds), let b = g.median(.bytes), w > 0 else { return "" }
                return Summary.fmt(b / w / 1e6)
            }),
            ("handoffs/s", { Summary.perSecond($0, .gilHandoffs) }),
            ("failed/s", { Summary.perSecond($0, .gilFailedAcquisitions) }),
        ]
        // Columns only some workloads fill, shown when a row has them.
        let optional: [(String, Column)] = [
            ("lat p50 us", .latencyP50Us), ("lat p99 us", .latencyP99Us), ("req/s", .requestsPerSecond),
            ("long tick us", .longTickUs), ("race x", .raceFinalX), ("forced/s", .forcedSwitches),
        ]
        for (title, column) in optional where groups.contains(where: { !$0.values(column).isEmpty }) {
            if column == .forcedSwitches {
                metrics.append((title, { Summary.perSecond($0, column) }))
            } else {
                metrics.append((title, { Summary.fmt($0.median(column)) }))
            }
        }
        var table: [[String]] = [["configuration"] + metrics.map(\.0)]
        for g in groups { table.append([g.label] + metrics.map { $0.1(g) }) }
        var text = Summary.align(table)
        let ratios = self.ratios
        if !ratios.isEmpty {
            text += "\n"
            var rt: [[String]] = [["ratio (median wall)", "value", "of", "over"]]
            for r in ratios { rt.append([r.name, String(format: "%.2f", r.value), r.numerator, r.denominator]) }
            text += Summary.align(rt)
        }
        return text
    }

    package static func perSecond(_ g: Group, _ column: Column) -> String {
        let counts = g.values(column)
        guard counts.count == g.rows.count, !counts.isEmpty else { return "" }
        let rates = zip(g.rows, counts).compactMap { row, c in row[.wallSeconds].flatMap(Double.init).map { c / $0 } }
        return Summary.fmt(Statistics.median(rates), integer: true)
    }

    static func fmt(_ v: Double?, integer: Bool = false) -> String {
        guard let v else { return "" }
        if integer { return String(Int(v.rounded())) }
        return abs(v) >= 100 ? String(format: "%.1f", v) : String(format: "%.3f", v)
    }

    /// Left-aligns the first column and right-aligns the rest.
    public static func align(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
