import GilBenchSimulator
extension SweepParameter {
    /// Sets the parameter to `value` in `configuration`.
    /// - Throws: `GilBenchError` `.usage` when the value is not a number of the right kind.
    public func apply(_ value: String, to configuration: inout RunConfiguration) throws(GilBenchError) {
        func integer() throws(GilBenchError) -> Int {
            guard let v = Int(value.replacingOccurrences(of: "_", with: "")) else {
                throw GilBenchError(.sweepValues, "'\(value)' is not an integer (sweeping \(rawValue))")
            }
            return v
        }
        switch self {
        case .checkInterval: configuration.checkInterval = try integer()
        case .switchInterval:
            guard let v = Double(value) else {
                throw GilBenchError(.sweepValues, "'\(value)' is not a number of milliseconds (sweeping switch-interval)")
            }
            configuration.switchIntervalMilliseconds = v
        case .threads: configuration.tasks = try integer()
        case .churnN: configuration.churnN = try integer()
        case .cpuThreads:
            configuration.cpuThreads = try integer()
            configuration.applyWorkloadShape()
        case .n: configuration.n = try integer()
        case .calls: configuration.calls = try integer()
        }
    }

    /// Whether the parameter changes anything in `configuration` (a check interval means nothing to
    /// the interval design, for example).
    public func matters(for configuration: RunConfiguration) -> Bool {
        switch self {
        case .checkInterval: [.ticks, .fair].contains(configuration.gil)
        case .switchInterval: [.interval, .priority].contains(configuration.gil)
        case .threads: configuration.workload.fixedTasks(cpuThreads: configuration.cpuThreads) == nil
        case .churnN: configuration.workload == .extension
        case .cpuThreads: configuration.workload == .ioLatency
        case .n: configuration.workload.usesN
        case .calls: [.extension, .ioLatency].contains(configuration.workload)
        }
    }

    /// Every configuration of `base` at every value, value by value, each labelled with the parameter.
    /// - Throws: `GilBenchError` `.usage` for an empty list, a bad value, or a parameter that
    ///   means nothing to one of the configurations.
    public func configurations(_ base: [RunConfiguration], values: [String]) throws(GilBenchError) -> [RunConfiguration] {
        guard !values.isEmpty else { throw GilBenchError(.sweepValues, "needs at least one value") }
        var out: [RunConfiguration] = []
        for value in values {
            for configuration in base {
                guard matters(for: configuration) else {
                    throw GilBenchError(.usage, "sweeping \(rawValue) changes nothing for --workload \(configuration.workload.rawValue) --gil \(configuration.gil.rawValue)")
                }
                var c = configuration
                try apply(value, to: &c)
                c.sweepParameter = self
                try c.validate()
                out.append(c)
            }
        }
        return out
    }
}
