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

    @Option(help: "io-latency: CPU-bound threads beside the thread that answers requests.")
    var cpuThreads: Int = defaultConfiguration.cpuThreads

    /// Copies the options into `configuration` and fixes its thread count where the workload does.
    func apply(to configuration: inout RunConfiguration) {
        configuration.switchIntervalMilliseconds = switchInterval
        configuration.churnN = churnN
        configuration.calls = calls ?? configuration.workload.defaultCalls
        configuration.cpuThreads = cpuThreads
        configuration.applyWorkloadShape()
    }
}
