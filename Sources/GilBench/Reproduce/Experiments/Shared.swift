import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// What several experiments' claims share: the typed queries that pick a configuration out of an
// experiment's rows, and the figures they print.

extension Catalogue {
    // MARK: Queries

    /// The sequential run.
    static func sequential(_ key: ConfigurationKey) -> Bool { key.mode == .sequential }
    /// Threads allowed every CPU.
    static func threadsAll(_ key: ConfigurationKey) -> Bool { key.mode == .threads && key.cpuList == allCPUs }
    /// Threads pinned to one CPU.
    static func oneCPU(_ key: ConfigurationKey) -> Bool { key.mode == .threads && key.cpus == 1 }

    /// The CPUs of a run allowed every CPU (its `cpu_list`).
    static var allCPUs: [Int] { (try? CPUAffinity.current()) ?? [] }

    // MARK: Figures

    /// "0.62 s for 2 × count(4,000,000), 77 ns/iteration".
    static func countdownFigure(_ g: Summary.Group?) -> String {
        guard let g, let w = g.median(.wallSeconds) else { return "—" }
        let n = Double(g.key.n ?? 0), tasks = Double(g.key.tasks ?? 0)
        var s = Summary.Group.seconds(w) + " for \(Int(tasks)) × count(\(grouped(n)))"
        if n * tasks > 0 { s += ", \(grouped(w * 1e9 / (n * tasks))) ns/iteration" }
        return s
    }
}
