import GilBenchSimulator

extension Session {
    /// What `gilbench run` and `sweep` print after measuring: the table of medians and ratios, the
    /// system-call summary when calls were counted and, with `syscallTable` (`--syscall-table`), the
    /// table of calls per configuration of `configurations`.
    public func summaries(of configurations: [RunConfiguration], syscallTable: Bool) -> String {
        var text = Summary(rows: rows).render()
        let syscallSummary = SyscallReport.render(rows)
        if !syscallSummary.isEmpty { text += "\n" + syscallSummary }
        if syscallTable { text += "\n" + syscallTables(for: configurations) }
        return text
    }
}
