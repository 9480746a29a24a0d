import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The system-call parts of `gilbench run`'s output: a table of the counted columns per configuration
/// with the ratios of the slides' claims, and an `strace -c`-like table per configuration on request.
public enum SyscallReport {
    /// Medians of the syscall columns per configuration, then the ratios: futex calls threads/sequential
    /// and threads on more CPUs / on one, and the counter's overhead (wall with a counter / without).
    /// Empty when no row has counts and no configuration was run both with and without a counter.
    public static func render(_ rows: [ResultRow]) -> String {
        let summary = Summary(rows: rows)
        let counted = summary.groups.filter { !$0.values(.syscallsTotal).isEmpty }
        var text = ""
        if !counted.isEmpty {
            let columns: [(String, Column)] = [("total", .syscallsTotal)]
                + CountedSyscall.columns.map { ($0.name, $0.column) }
            var table: [[String]] = [["system calls per run (median)"] + columns.map(\.0) + ["calls/s"]]
            for g in counted {
                var row = [g.label]
                for (_, column) in columns { row.append(Summary.fmt(g.median(column), integer: true)) }
                row.append(Summary.perSecond(g, .syscallsTotal))
                table.append(row)
            }
            text += Summary.align(table)
        }
        var ratios: [[String]] = [["ratio (median)", "value", "of", "over"]]
        for g in counted where g.key.mode == .threads {
            if let seq = summary.sequentialTwin(of: g) {
                ratios.append(ratio("futex " + RatioKind.overSequential(.threads).name, g, seq, .syscallsFutex))
            }
            if g.key.cpus != 1, let one = summary.twin(of: g.key, changing: { $0.cpus = 1 }, ignoring: [.cpuList]) {
                ratios.append(ratio("futex \(g.key[cell: .cpus] ?? "") cpus/1 cpu", g, one, .syscallsFutex))
            }
        }
        for g in summary.groups where g.key.syscallCounter == .perf {
            if let plain = summary.twin(of: g.key, changing: { $0.syscallCounter = nil }) {
                ratios.append(ratio("wall perf/none", g, plain, .wallSeconds, digits: 3))
            }
        }
        if ratios.count > 1 {
            if !text.isEmpty { text += "\n" }
            text += Summary.align(ratios)
        }
        return text
    }

    /// One ratio row: medians of `column`, "inf" over a zero.
    static func ratio(_ name: String, _ a: Summary.Group, _ b: Summary.Group, _ column: Column, digits: Int = 1) -> [String] {
        guard let x = a.median(column), let y = b.median(column) else { return [name, "", a.label, b.label] }
        let value = y > 0 ? String(format: "%.\(digits)f", x / y) : (x > 0 ? "inf (\(Int(x)) over 0)" : "")
        return [name, value, a.label, b.label]
    }

    /// An `strace -c`-like table of one configuration's calls: share of the total, calls and errors per run
    /// (medians over repetitions), the name. perf watches only some calls by name: the rest are one line,
    /// `(other)`; ptrace names every call. Errors are empty where the counter does not know them.
    public static func table(label: String, _ runs: [SyscallCounts]) -> String {
        guard let first = runs.first else { return "\(label): no system calls counted\n" }
        let total = Statistics.median(runs.map { Double($0.total) }) ?? 0
        var names = Set<String>()
        for r in runs { names.formUnion(r.calls.keys) }
        var rows: [(name: String, calls: Double, errors: Double?)] = names.map { name in
            let calls = Statistics.median(runs.map { Double($0.calls[name] ?? 0) }) ?? 0
            // ptrace names every call: a name missing from a run was not called there, nor failed.
            let known = first.isComplete || runs.allSatisfy { $0.errors[name] != nil }
            let errors = known ? Statistics.median(runs.map { Double($0.errors[name] ?? 0) }) : nil
            return (name, calls, errors)
        }
        rows.sort { $0.calls != $1.calls ? $0.calls > $1.calls : $0.name < $1.name }
        if !first.isComplete {
            let other = Statistics.median(runs.map { Double($0.total - $0.calls.values.reduce(0, +)) }) ?? 0
            rows.append(("(other)", other, nil))
        }
        let totalErrors = runs.allSatisfy { $0.totalErrors != nil }
            ? Statistics.median(runs.map { Double($0.totalErrors!) }) : nil
        func share(_ calls: Double) -> String { total > 0 ? String(format: "%.2f", calls * 100 / total) : "" }
        func count(_ v: Double?) -> String { v.map { Summary.fmt($0, integer: true) } ?? "" }
        var table: [[String]] = [["% total", "calls/run", "errors/run", "syscall"]]
        table.append(["------", "---------", "----------", "----------------"])
        for r in rows where r.calls > 0 || first.isComplete == false {
            table.append([share(r.calls), count(r.calls), count(r.errors), r.name])
        }
        table.append(["------", "---------", "----------", "----------------"])
        table.append([share(total), count(total), count(totalErrors), "total"])
        let note = first.counter == .ptrace ? " (ptrace: every call named; timings slowed)" : " (perf: named calls only; errors from exit tracepoints)"
        return "\(label), \(runs.count) runs\(note)\n" + Summary.align(table)
    }
}
