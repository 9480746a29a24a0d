import ArgumentParser
import GilBench

/// Options of the GIL designs beyond Python 2 and of the workloads that tell them apart.
struct DesignOptions: ParsableArguments {
    @Option(help: "Milliseconds a waiter waits before it asks for the GIL (interval, priority; Python 3's sys.setswitchinterval).")
    var switchInterval: Double = defaultConfiguration.switchIntervalMilliseconds

    @Option(help: "extension: iterations of the native churn(n) per call.")
    var churnN: Int = defaultConfiguration.churnN

    @Option(help: "extension: native calls per thread (default 1000000); io-latency: requests (default 500).")
    var calls: Int?

    @Option(help: "io-latency, server: CPU-bound threads beside the server, counting down until it ends (default: io-latency 1, server 0).")
    var cpuThreads: Int?

    @Option(help: "coroutines: loop iterations between two yields of a task (slide 160: 1).")
    var yieldEvery: Int = defaultConfiguration.yieldEvery

    @Option(help: "pipeline: messages the producer sends.")
    var messages: Int = defaultConfiguration.messages

    @Option(help: "pipeline: bytes per message (default 64); server: bytes per request (default 8, the request number; 8 to 16777216, 16 MiB).")
    var messageSize: Int?

    @Option(help: "pipeline: \(MessagePattern.allCases.map(\.rawValue).joined(separator: " or ")) (the consumer answers each message, the producer waits).")
    var pattern: MessagePattern = defaultConfiguration.pattern

    /// Copies the options into `configuration` and fixes its thread count where the workload does.
    func apply(to configuration: inout RunConfiguration) {
        configuration.switchIntervalMilliseconds = switchInterval
        configuration.churnN = churnN
        configuration.calls = calls ?? configuration.workload.defaultCalls
        configuration.cpuThreads = cpuThreads ?? configuration.workload.defaultCPUThreads
        configuration.yieldEvery = yieldEvery
        configuration.messages = messages
        configuration.messageSize = messageSize ?? configuration.workload.defaultMessageSize
        configuration.pattern = pattern
        configuration.applyWorkloadShape()
    }
}
