import GilBench

extension RunConfiguration {
    /// A configuration for a test, in one expression: `workload` in `mode`, each other argument
    /// given replacing the library's default, and the workload's shape applied when `shaped`
    /// (``RunConfiguration/applyWorkloadShape()``: the thread count and sizes the workload fixes).
    public static func testing(
        _ workload: Workload, _ mode: ExecutionMode, gil: GILDesign? = nil, n: Int? = nil, tasks: Int? = nil,
        calls: Int? = nil, churnN: Int? = nil, switchIntervalMilliseconds: Double? = nil, checkInterval: Int? = nil,
        shaped: Bool = false
    ) -> RunConfiguration {
        var c = RunConfiguration()
        c.workload = workload
        c.mode = mode
        if let gil { c.gil = gil }
        if let n { c.n = n }
        if let tasks { c.tasks = tasks }
        if let calls { c.calls = calls }
        if let churnN { c.churnN = churnN }
        if let switchIntervalMilliseconds { c.switchIntervalMilliseconds = switchIntervalMilliseconds }
        if let checkInterval { c.checkInterval = checkInterval }
        if shaped { c.applyWorkloadShape() }
        return c
    }
}
