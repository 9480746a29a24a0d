import GilBench

extension RunSetting {
    /// The command-line option that sets it, as error messages name it.
    var option: String {
        switch self {
        case .n: "--n"
        case .checkInterval: "--check-interval"
        case .switchInterval: "--switch-interval"
        case .tasks: "--threads"
        case .repetitions: "--repeat"
        case .warmup: "--warmup"
        case .processes: "--processes"
        case .chunkSize: "--chunk-size"
        case .workerTimeout: "--worker-timeout"
        case .churnN: "--churn-n"
        case .calls: "--calls"
        case .cpuThreads: "--cpu-threads"
        case .mode: "--mode"
        case .workload: "--workload"
        case .cpuCount: "--cpus"
        case .cpuList: "--cpu-list"
        case .sweepValues: "--values"
        case .tree: "--tree"
        case .yieldEvery: "--yield-every"
        case .messages: "--messages"
        case .messageSize: "--message-size"
        }
    }
}

extension GilBenchError {
    /// The one line the command line prints: the wrong setting named as its option.
    var commandLineMessage: String { description(naming: \.option) }
}
