/// A setting of a run that a value can be wrong for. The library names it in words; each front end
/// names it its own way (the command line as its option, `--check-interval`), so that the core knows
/// nothing of flags.
public enum RunSetting: Sendable, Hashable, CaseIterable {
    case n, checkInterval, switchInterval, tasks, repetitions, warmup, processes, chunkSize, workerTimeout
    case churnN, calls, cpuThreads, mode, workload, cpuCount, cpuList, sweepValues, tree
    case yieldEvery, messages, messageSize
    case gil, lock, sequentialThread, gilDuringHash, sha512Core
    case raceN, longTickN
    case connections, requestWork, rate, duration, requests

    /// The setting in words, for messages read outside the command line.
    public var name: String {
        switch self {
        case .n: "n"
        case .checkInterval: "the check interval"
        case .switchInterval: "the switch interval"
        case .tasks: "the number of threads"
        case .repetitions: "the number of repetitions"
        case .warmup: "the number of warm-ups"
        case .processes: "the number of processes"
        case .chunkSize: "the chunk size"
        case .workerTimeout: "the worker timeout"
        case .churnN: "churn n"
        case .calls: "the number of calls"
        case .cpuThreads: "the number of CPU-bound threads"
        case .mode: "the mode"
        case .workload: "the workload"
        case .cpuCount: "the number of CPUs"
        case .cpuList: "the CPU list"
        case .sweepValues: "the swept values"
        case .tree: "the tree to hash"
        case .yieldEvery: "the iterations between yields"
        case .messages: "the number of messages"
        case .messageSize: "the message size"
        case .gil: "the GIL design"
        case .lock: "the lock"
        case .sequentialThread: "the sequential run's thread"
        case .gilDuringHash: "the GIL during a hash"
        case .sha512Core: "the SHA-512 core"
        case .raceN: "the race's updates per thread"
        case .longTickN: "the long tick's size"
        case .connections: "the number of connections"
        case .requestWork: "the work per request"
        case .rate: "the request rate"
        case .duration: "the measured window"
        case .requests: "the number of requests"
        }
    }
}
