import Foundation
import Glibc
import GilBenchTestSupport
import Testing
@testable import GilBench

/// The server workload's real twins (`gilbench python --only server`, issue 24): each Python server
/// loaded by gilbench's client process, on CPython 3.11 and 2.7.
@Suite("ServerTwins", .serialized)
struct ServerTwinTests {
    /// The twins of `version` at `connections`, with a short window.
    private static func twins(_ bench: PythonBench, connections: Int) -> [PythonExperiment] {
        PythonExperiment.server(for: bench.interpreter, connections: [connections], cpuThreads: [0], repetitions: 1).map {
            var e = $0
            e.configuration.serverWarmupSeconds = 0.05
            e.configuration.durationSeconds = 0.2
            return e
        }
    }

    /// Every model answers every request (the client fails a run on a wrong, missing or late answer)
    /// and serves every connection, on `python`.
    private static func answersEveryRequest(python: String, connections: Int, expectedPrograms: [String]) throws {
        let bench = try PythonBench(python: python)
        let experiments = twins(bench, connections: connections)
        #expect(experiments.map(\.program) == expectedPrograms)
        for experiment in experiments {
            let measurement = try bench.measure(experiment)
            let outcome = measurement.outcome
            #expect((outcome.requestsPerSecond ?? 0) > 0, "\(experiment.program)")
            let p50 = try #require(outcome.latencyP50Microseconds, "\(experiment.program)")
            let p99 = try #require(outcome.latencyP99Microseconds, "\(experiment.program)")
            #expect(p50 > 0 && p50 <= p99, "\(experiment.program)")
            #expect((outcome.rssKiB ?? 0) > 1_000, "\(experiment.program): its processes' peak RSS")
            #expect(measurement.warnings.allSatisfy { !$0.contains("served") }, "\(experiment.program): \(measurement.warnings)")
            #expect(experiment.configuration.record[.connections] == String(connections))
        }
    }

    static let python3Programs = ["server-threads", "server-events", "server-coroutines", "server-asyncio", "server-processes"]

    @Test("CPython 3.11: every model answers every request on 1 and 100 connections", .requiresPyenvPython("3.11.7"), arguments: [1, 100])
    func python311(connections: Int) throws {
        try Self.answersEveryRequest(
            python: try #require(Capabilities.pyenvPython("3.11.7")), connections: connections, expectedPrograms: Self.python3Programs)
    }

    @Test("CPython 2.7 (asyncore, select.epoll, no asyncio): every model answers every request on 1 and 100 connections",
          .requiresPyenvPython("2.7.18"), arguments: [1, 100])
    func python27(connections: Int) throws {
        try Self.answersEveryRequest(
            python: try #require(Capabilities.pyenvPython("2.7.18")), connections: connections,
            expectedPrograms: Self.python3Programs.filter { $0 != "server-asyncio" })
    }

    @Test("The asyncio twin is compared with the simulator's coroutines and keeps a configuration of its own")
    func asyncioTwin() throws {
        let python3 = PythonInterpreter(path: "python3", implementation: "cpython", version: "3.11.7")
        let experiments = PythonExperiment.server(for: python3, connections: [1, 100], cpuThreads: [0, 1], repetitions: 1)
        #expect(experiments.count == 2 * 2 * 5)
        #expect(Set(experiments.map(\.configuration)).count == experiments.count, "configurations are distinct")
        let asyncio = try #require(experiments.first { $0.program == "server-asyncio" })
        let generators = try #require(experiments.first { $0.program == "server-coroutines" })
        #expect(asyncio.configuration.mode == .coroutines && asyncio.serverModel == "asyncio")
        #expect(asyncio.simulatorTwin(design: .interval) == generators.simulatorTwin(design: .interval))
        for experiment in experiments {
            try experiment.simulatorTwin(design: .interval)?.validate()
        }
        let python2 = PythonInterpreter(path: "python2", implementation: "cpython", version: "2.7.18")
        #expect(!PythonExperiment.server(for: python2, connections: [1], cpuThreads: [0], repetitions: 1).contains { $0.program == "server-asyncio" })
    }

    @Test("The table pairs each real twin with the simulator's model and gives its error")
    func table() throws {
        func row(_ engine: Engine, _ mode: ExecutionMode, experiment: String = "", requestsPerSecond: Double, p99: Double) -> ResultRow {
            var c = RunConfiguration.server(mode, connections: 100)
            c.engine = engine
            c.gil = .interval
            c.experiment = experiment
            var row = ResultRow(key: ConfigurationKey(c))
            row.measurements.requestsPerSecond = requestsPerSecond
            row.measurements.latencyP99Us = p99
            row.measurements.latencyP50Us = p99 / 2
            row.measurements.rssKiB = 20_000
            return row
        }
        let real = Engine.interpreter(name: "cpython-3.11.7", gil: .interval)
        let rows = [
            row(real, .coroutines, requestsPerSecond: 10_000, p99: 2_000),
            row(real, .coroutines, experiment: PythonExperiment.asyncioLabel, requestsPerSecond: 5_000, p99: 4_000),
            row(.simulator, .coroutines, requestsPerSecond: 12_000, p99: 1_000),
            row(real, .threads, requestsPerSecond: 8_000, p99: 9_000),
        ]
        let table = ServerTwins(rows: rows)
        #expect(table.entries.map(\.model) == ["coroutines", "asyncio", "threads"])
        #expect(table.entries[0].requestsError.map { abs($0 - 0.2) < 1e-9 } == true)
        #expect(table.entries[1].requestsError.map { abs($0 - 1.4) < 1e-9 } == true)
        #expect(table.entries[1].p99Error.map { abs($0 + 0.75) < 1e-9 } == true)
        #expect(table.entries[2].requestsError == nil, "no simulator twin of threads")
        #expect(table.render().contains("+20%"))
        #expect(InterpreterComparison.serverTable(rows).contains("the server's real twins and the simulator's"))
    }

    @Test("Bad server sizes are refused with exit 64")
    func badSizes() {
        var options = InterpreterComparison.Options()
        options.serverConnections = [0]
        #expect(throws: GilBenchError.self) { try options.validate() }
        options.serverConnections = [1]
        options.serverCPUThreads = [-1]
        #expect(throws: GilBenchError.self) { try options.validate() }
    }

    @Test("A twin killed mid-run: exit 70 naming it, and no process or descriptor left behind", .requiresPyenvPython("3.11.7"))
    func twinDiesMidRun() async throws {
        // In a process of its own, where no other test opens descriptors or starts children meanwhile.
        await #expect(processExitsWith: .success) {
            let bench = try PythonBench(python: Capabilities.pyenvPython("3.11.7")!)
            var experiment = PythonExperiment.server(for: bench.interpreter, connections: [20], cpuThreads: [0], repetitions: 1)
                .first { $0.program == "server-threads" }!
            experiment.configuration.durationSeconds = 30
            let before = ProcessLeftovers.openDescriptors()
            // Kills the twin (the child whose command line names server-threads) half a second after it starts.
            Thread.detachNewThread {
                for _ in 0..<1000 {
                    for pid in ProcessLeftovers.children() {
                        let line = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
                        if line.contains("server-threads") {
                            usleep(500_000)
                            kill(pid, SIGKILL)
                            return
                        }
                    }
                    usleep(10_000)
                }
            }
            var message = ""
            var status: GilBench.ExitStatus?
            do throws(GilBenchError) {
                _ = try bench.measure(experiment)
            } catch {
                message = error.description
                status = error.exitStatus
            }
            usleep(100_000)
            let after = ProcessLeftovers.openDescriptors()
            let named = message.contains("the server twin") && message.contains("server-threads") && message.contains("signal 9")
            guard status == .runFailed, named, after.subtracting(before).count <= 1, ProcessLeftovers.children().isEmpty else {
                print("status \(String(describing: status)), message \(message), new descriptors \(after.subtracting(before)), children \(ProcessLeftovers.children())")
                exit(1)
            }
        }
    }
}
