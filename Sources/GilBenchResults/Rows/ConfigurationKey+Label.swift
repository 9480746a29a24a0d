import GilBenchSimulator
import GilBenchSystem

extension ConfigurationKey {
    /// The configuration in a few words for tables: `countdown threads ticks/semaphore 2 thr 2 cpu`.
    /// Settings at their defaults (check interval 100, switch interval 5 ms, swift-crypto) are left out.
    public var label: String {
        func cell(_ column: Column) -> String? { self[cell: column] }
        var parts = [cell(.workload) ?? "", cell(.mode) ?? ""]
        if let engine = cell(.engine), engine != Engine.simulator.name { parts.insert(engine + ":", at: 0) }
        if let gil = cell(.gil) { parts.append(gil + (cell(.lock).map { "/" + $0 } ?? "")) }
        if mode == .threads, let threads = cell(.threads) { parts.append("\(threads) thr") }
        if mode == .processes || mode == .pool, let processes = cell(.processes) { parts.append("\(processes) proc") }
        if let hold = cell(.gilDuringHash) { parts.append("gil-during-hash=\(hold)") }
        if sha512Core != .swiftCrypto, let core = cell(.sha512Core) { parts.append("sha512=\(core)") }
        if sequentialThread == .worker { parts.append("on a worker thread") }
        if let checkPoints = cell(.checkPoints) { parts.append("checks=\(checkPoints)") }
        if let cpus = cell(.cpus) { parts.append("\(cpus) cpu") }
        if checkInterval != 100, let ci = cell(.checkInterval) { parts.append("ci=\(ci)") }
        if switchIntervalMs != 5, let si = cell(.switchIntervalMs) { parts.append("si=\(si)ms") }
        if let churn = cell(.churnN) { parts.append("churn=\(churn)") }
        if let k = cell(.cpuThreads) { parts.append("cpu thr=\(k)") }
        if let every = yieldEvery, every != 1 { parts.append("yield-every=\(every)") }
        if let pattern = cell(.pattern), let size = cell(.messageSize) { parts.append("\(pattern) \(size)B") }
        // The server: its connections; its request's work, size and rate when not the defaults.
        if let count = cell(.connections) { parts.append("\(count) conn") }
        if let work = requestWork, work != RunConfiguration().requestWork { parts.append("work=\(work)") }
        if workload == .server, let size = messageSize, size != Workload.server.defaultMessageSize { parts.append("\(size)B") }
        if let rate = cell(.rate) { parts.append("rate=\(rate)/s") }
        // A swept column not shown above: n or calls.
        if let swept = sweepParameter?.column, ![.checkInterval, .switchIntervalMs, .churnN, .cpuThreads, .threads].contains(swept) {
            parts.append("\(swept.rawValue)=\(cell(swept) ?? "")")
        }
        if let counter = cell(.syscallCounter) { parts.append("[\(counter)]") }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
