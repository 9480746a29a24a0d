import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("Python: the tutorial's real twins")
struct PythonTutorialTests {
    @Test("python3 runs the coroutine scheduler and every pipeline model and pattern, and reports messages",
          .requiresCPython3)
    func tutorialTwins() throws {
        let bench = try PythonBench(python: "python3")
        let experiments = PythonExperiment.tutorial(for: bench.interpreter, n: 2_000, messages: 200, sizes: [64], repetitions: 1)
        #expect(experiments.count == 1 + 3 * 2)
        #expect(Set(experiments.map(\.configuration)).count == experiments.count, "configurations are distinct")
        for experiment in experiments {
            let measurement = try bench.measure(experiment)
            let record = experiment.configuration.record
            if experiment.configuration.workload == .pipeline {
                #expect(measurement.outcome.messagesReceived == 200, "\(experiment.program)")
                #expect((measurement.outcome.messagesPerSecond ?? 0) > 0, "\(experiment.program)")
                let p50 = try #require(measurement.outcome.messageLatencyP50Microseconds, "\(experiment.program)")
                let p99 = try #require(measurement.outcome.messageLatencyP99Microseconds, "\(experiment.program)")
                #expect(p50 > 0 && p50 <= p99, "\(experiment.program)")
                #expect(record[.messages] == "200" && record[.messageSize] == "64" && record[.n] == nil)
            } else {
                #expect(record[.mode] == "coroutines" && record[.n] == "2000")
            }
        }
    }

    @Test("Each twin's simulator run is valid and lines up with the real row but for engine and gil")
    func simulatorTwins() throws {
        let python3 = PythonInterpreter(path: "python3", implementation: "cpython", version: "3.11.7")
        for experiment in PythonExperiment.tutorial(for: python3, n: 1_000, messages: 50, sizes: [64], repetitions: 1) {
            let twin = try #require(experiment.simulatorTwin(design: python3.gilDesign))
            try twin.validate()
            #expect(twin.engine == .simulator && twin.gil == .interval)
            var real = ConfigurationKey(experiment.configuration), simulated = ConfigurationKey(twin)
            real.engine = nil
            simulated.engine = nil
            #expect(real.matches(simulated, ignoring: [.gil, .lock, .checkInterval, .switchIntervalMs, .yieldEvery]))
        }
    }
}
