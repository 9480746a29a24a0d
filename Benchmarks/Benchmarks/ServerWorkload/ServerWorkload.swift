import Benchmark
import Foundation
import GilBench

/// The simulator's server workload (`gilbench run --workload server`, issue 24): requests per second
/// and p99 latency, as gilbench's client process measures them, in each server model at 1, 100 and
/// 1,000 connections, alone and beside one CPU-bound thread, on the default GIL design. The
/// configurations are the `events` experiment's (`Sources/GilBench/Reproduce/Experiments/Events.swift`)
/// with a longer window. One iteration is one run: start the client, accept its connections, warm
/// up, measure the window.
///
/// A run starts processes from a gilbench binary (the client; the `processes` model's workers), and
/// this benchmark is not gilbench: the binary is `GILBENCH_EXECUTABLE`, else the main package's
/// `.build/release/gilbench` (`swift build -c release --product gilbench` at the repository root).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [ServerMetric.requestsPerSecond, ServerMetric.latencyP99],
        units: [ServerMetric.requestsPerSecond: .count, ServerMetric.latencyP99: .count],
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(4),
        maxIterations: 10
        // No thresholds: Benchmarks/README.md says why.
    )

    // Found once, before any benchmark runs: without it no run can start, so the suite stops at once
    // with gilbench's one line and exit status 69 (a benchmark that fails at run time is only listed
    // by ordo-one/benchmark 1.38.1, which then exits 0).
    let executable: String
    do throws(GilBenchError) {
        executable = try GilbenchExecutable.resolve(default: ServerRun.defaultExecutable)
    } catch {
        FileHandle.standardError.write(Data("ServerWorkload: \(error.description)\n".utf8))
        exit(error.exitStatus.rawValue)
    }

    for cpuThreads in [0, 1] {
        for connections in [1, 100, 1_000] {
            for model in ServerRun.models {
                let configuration = ServerRun.configuration(model, connections: connections, cpuThreads: cpuThreads)
                // A run at 1,000 connections starts 1,000 connections (and threads, in the threads model).
                let iterations = connections >= 1_000 ? 5 : 10
                Benchmark(
                    ServerRun.name(model, connections: connections, cpuThreads: cpuThreads),
                    configuration: .init(maxIterations: iterations)
                ) { benchmark in
                    ServerRun.measure(configuration, executable: executable, benchmark)
                }
            }
        }
    }
}

/// The suite's metrics, both as gilbench's client measured them over the window.
enum ServerMetric {
    /// Answers per second over all connections (`requests_per_s`).
    static let requestsPerSecond = BenchmarkMetric.custom("requestsPerSecond", polarity: .prefersLarger, useScalingFactor: false)
    /// The 99th percentile of request latency, in µs (`latency_p99_us`).
    static let latencyP99 = BenchmarkMetric.custom("latencyP99Microseconds", polarity: .prefersSmaller, useScalingFactor: false)
}

enum ServerRun {
    /// The server models, in the `events` experiment's order.
    static let models: [ExecutionMode] = [.threads, .events, .coroutines, .processes]

    /// The main package's release build of gilbench, found from this file's place in the repository.
    static let defaultExecutable: String = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }  // Benchmarks/Benchmarks/ServerWorkload/ServerWorkload.swift
        return root.appendingPathComponent(".build/release/gilbench").path
    }()

    /// The `events` experiment's configuration (`scale.configuration("events") { ... }`): the
    /// server's default request size, 2 worker processes in the `processes` model, the workload's
    /// shape, and the default GIL design; with a 0.1 s warm-up and a 0.25 s window (the experiment's
    /// quick scale measures 0.05 s, too few answers at 1,000 connections beside a CPU-bound thread).
    static func configuration(_ model: ExecutionMode, connections: Int, cpuThreads: Int) -> RunConfiguration {
        ExperimentScale.quick.configuration("events") {
            $0.workload = .server; $0.mode = model; $0.connections = connections; $0.cpuThreads = cpuThreads
            $0.messageSize = Workload.server.defaultMessageSize
            $0.serverWarmupSeconds = 0.1; $0.durationSeconds = 0.25
            if model == .processes { $0.processes = 2 }
            $0.warmup = 0
            $0.applyWorkloadShape()
        }
    }

    /// `events-1000-connections-1-cpu-thread`: no spaces or slashes (Benchmarks/README.md).
    static func name(_ model: ExecutionMode, connections: Int, cpuThreads: Int) -> String {
        "\(model.rawValue)-\(connections)-connections-\(cpuThreads)-cpu-thread\(cpuThreads == 1 ? "" : "s")"
    }

    /// One run of `configuration`, its client process started from `executable`, its figures
    /// recorded; a failed run fails the benchmark with gilbench's one-line message.
    static func measure(_ configuration: RunConfiguration, executable: String, _ benchmark: Benchmark) {
        do throws(GilBenchError) {
            let measurement = try Runner.measure(configuration, workerExecutable: executable)
            guard let rate = measurement.outcome.requestsPerSecond, let p99 = measurement.outcome.latencyP99Microseconds else {
                benchmark.error("the run measured no requests per second or p99 latency")
                return
            }
            benchmark.measurement(ServerMetric.requestsPerSecond, Int(rate.rounded()))
            benchmark.measurement(ServerMetric.latencyP99, Int(p99.rounded()))
        } catch {
            benchmark.error(error.description)
        }
    }
}
