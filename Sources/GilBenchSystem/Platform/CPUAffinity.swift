import GilBenchSimulator
import CGilBench

/// The CPU affinity of the calling thread, which threads it creates inherit (sched_setaffinity).
public enum CPUAffinity {
    /// The CPUs the calling thread may run on now.
    public static func current() throws(GilBenchError) -> [Int] {
        var buffer = [Int32](repeating: 0, count: 1024)
        let n = gb_get_affinity(&buffer, Int32(buffer.count))
        guard n >= 0 else { throw GilBenchError(.system, "sched_getaffinity failed", errno: -n) }
        return buffer.prefix(Int(n)).map(Int.init)
    }

    /// The concrete CPU list a selection means, given the CPUs allowed now.
    /// - Throws: `GilBenchError` with code `.usage` when the selection asks for CPUs that are not there.
    public static func resolve(_ selection: CPUSelection, allowed: [Int]) throws(GilBenchError) -> [Int] {
        switch selection {
        case .all:
            return allowed
        case .count(let n):
            guard n <= allowed.count else {
                throw GilBenchError(.cpuCount, "\(n) asks for more CPUs than the \(allowed.count) this process may use (\(allowed.map(String.init).joined(separator: ",")))")
            }
            return Array(allowed.prefix(n))
        case .list(let cpus):
            for cpu in cpus where !allowed.contains(cpu) {
                throw GilBenchError(.cpuList, "names CPU \(cpu), which this process may not use (allowed: \(allowed.map(String.init).joined(separator: ",")))")
            }
            return Array(Set(cpus)).sorted()
        }
    }

    /// Pins the calling thread to `cpus`; threads and processes it starts afterwards inherit it.
    public static func set(_ cpus: [Int]) throws(GilBenchError) {
        let values = cpus.map(Int32.init)
        let status = gb_set_affinity(values, Int32(values.count))
        guard status == 0 else { throw GilBenchError(.system, "sched_setaffinity(\(cpus)) failed", errno: -status) }
    }

    /// Runs `body` with the calling thread pinned to `cpus`, then gives it back the CPUs `allowed`.
    /// - Throws: what `body` throws; or, when the affinity cannot be given back, `GilBenchError`
    ///   `.system` (the thread would stay pinned, and the runs after this one would be measured on,
    ///   and their rows would say, the wrong CPUs).
    public static func pinning<T>(
        to cpus: [Int], restoring allowed: [Int], _ body: () throws(GilBenchError) -> T
    ) throws(GilBenchError) -> T {
        try set(cpus)
        let result = Result { () throws(GilBenchError) in try body() }
        do {
            try set(allowed)
        } catch {
            throw GilBenchError(
                .system, "cannot give this thread back CPUs \(allowed.map(String.init).joined(separator: ",")) after a run pinned to \(cpus.map(String.init).joined(separator: ",")); the runs after it would be pinned too",
                errno: error.errno)
        }
        return try result.get()
    }
}
