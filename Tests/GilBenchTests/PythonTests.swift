import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("Real interpreters")
struct PythonTests {
    @Test("A result line is decoded once into a typed measurement")
    func decodesResult() throws {
        let result = try TwinMeasurement.decode(
            from: #"noise\#nGILBENCH-RESULT {"impl": "cpython", "latency_us": 12.5, "race_final_x": -3, "region_s": 1.5, "version": "3.11.7"}\#n"#,
            interpreter: "python3")
        #expect(result.implementation == "cpython" && result.version == "3.11.7" && result.regionSeconds == 1.5)
        #expect(result.raceFinalX == -3 && result.latencyMicroseconds == 12.5)
        #expect(result.pypyVersion == nil && result.files == nil && result.messagesPerSecond == nil)
    }

    @Test("Garbage, a missing field or a non-number gets one line naming the interpreter and what it printed", arguments: [
        ("Traceback (most recent call last):\nSyntaxError: invalid syntax", "py did not print a result (its last line: SyntaxError: invalid syntax)"),
        (#"GILBENCH-RESULT {"impl": "cpython", "version": "3.11.7"}"#,
         #"py: printed a malformed result (no region_s): GILBENCH-RESULT {"impl": "cpython", "version": "3.11.7"}"#),
        (#"GILBENCH-RESULT {"impl": "cpython", "region_s": "fast", "version": "3"}"#, "py: printed a malformed result (region_s is not a number)"),
        (#"GILBENCH-RESULT {"impl": "cpython", "region_s": 1, "version": "3", "files": 2.5}"#, "(a value does not fit its field)"),
        (#"GILBENCH-RESULT {"impl": "cpython", "region_s": 1, "version": 3}"#, "(version is not a string)"),
        ("GILBENCH-RESULT impl=cpython version=3.11.7 region_s=1.5", "py: printed a malformed result (not JSON): GILBENCH-RESULT impl=cpython"),
        ("GILBENCH-RESULT [1, 2]", "py: printed a malformed result (not a JSON object)"),
        ("", "py did not print a result (its last line: (nothing))"),
    ])
    func refusesGarbage(output: String, fragment: String) throws {
        let error = try #require(throws: GilBenchError.self, "accepted \(output)") {
            try TwinMeasurement.decode(from: output, interpreter: "py")
        }
        #expect(error.code == .runFailed)
        #expect(error.message.hasPrefix("py"), "\(error.message)")
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test("Engines are named by implementation and version, with the GIL design gilbench models")
    func engineNames() {
        let cpython3 = PythonInterpreter(path: "/usr/bin/python3", implementation: "cpython", version: "3.11.7")
        #expect(cpython3.engine == "cpython-3.11.7")
        #expect(cpython3.gilDesign == .interval)
        #expect(cpython3.hasSwitchInterval)
        let cpython2 = PythonInterpreter(path: "python2", implementation: "cpython", version: "2.7.18")
        #expect(cpython2.gilDesign == .ticks)
        #expect(!cpython2.hasSwitchInterval)
        let pypy = PythonInterpreter(path: "pypy3", implementation: "pypy", version: "3.9.16", implementationVersion: "7.3.11")
        #expect(pypy.engine == "pypy-7.3.11")
        #expect(pypy.gilDesign == nil)
    }

    @Test("A missing interpreter is one clear line")
    func missing() {
        #expect(throws: GilBenchError(.runFailed, "no-such-python-here: not found on PATH")) {
            try PythonBench(python: "no-such-python-here")
        }
    }

    @Test("The catalogue covers the slides' programs and the interval sweep")
    func catalogue() {
        let py = PythonInterpreter(path: "python3", implementation: "cpython", version: "3.11.7")
        let list = PythonExperiment.catalogue(for: py, n: 1000, raceN: 10, tree: "/tmp", repetitions: 1, sweep: nil)
        let programs = Set(list.map(\.program))
        #expect(programs == [
            "sequential", "sequential-worker", "threads", "processes", "race", "long-tick", "convoy", "extension-sequential", "extension-threads", "hash-sequential",
            "hash-threads", "hash-pool", "coroutines",
            "pipeline-threads-stream", "pipeline-threads-request-reply", "pipeline-processes-stream",
            "pipeline-processes-request-reply", "pipeline-coroutines-stream", "pipeline-coroutines-request-reply",
        ])
        #expect(Set(list.filter { $0.twin == "pipeline" }.map(\.configuration.messageSize)) == Set(PythonExperiment.pipelineMessageSizes))
        #expect(Set(list.map(\.twin)) == Set(PythonExperiment.twinNames))
        #expect(list.filter { $0.twin == "extension" }.map(\.configuration.churnN) == PythonExperiment.churnNs.flatMap { [$0, $0] })
        #expect(list.compactMap { $0.simulatorTwin(design: .interval) }.count == list.count - 3, "every twin but hashing's")
        #expect(list.contains { $0.program == "threads" && $0.configuration.cpus == .count(1) })
        #expect(list.filter { $0.configuration.sequentialThread == .worker }.map(\.program) == ["sequential-worker"])
        #expect(list.filter { $0.configuration.sweepParameter == .switchInterval }.count == 5)
        #expect(Set(list.map(\.configuration)).count == list.count, "configurations are distinct")
    }

    @Test("python3 runs the programs and its rows carry its engine", .requiresCPython3)
    func realPython() throws {
        let bench = try PythonBench(python: "python3")
        #expect(bench.interpreter.implementation == "cpython")
        let experiments = PythonExperiment.catalogue(for: bench.interpreter, n: 20_000, raceN: 1000, tree: nil, repetitions: 1, sweep: [])
        let session = Session(writer: nil)
        let byConfiguration = Dictionary(experiments.map { ($0.configuration, $0) }, uniquingKeysWith: { a, _ in a })
        try session.run(experiments.map(\.configuration), measure: { c throws(GilBenchError) in try bench.measure(byConfiguration[c]!) })
        #expect(session.rows.count == experiments.count)
        for row in session.rows {
            #expect(row.engine == .interpreter(name: bench.interpreter.engine, gil: bench.interpreter.gilDesign))
            #expect(row.gil == bench.interpreter.gilDesign)
            #expect(row.wallSeconds ?? 0 > 0)
            #expect(row.userSeconds ?? 0 > 0, "the child's CPU time is measured from outside")
            #expect(ResultRow(record: row.record) == row, "a real interpreter's row round-trips")
        }
        // race: 1,000 increments against 1,000 decrements, some lost.
        let x = try #require(session.rows.first { $0.workload == .race }?.raceFinalX)
        #expect((-1000...1000).contains(x))
        // gilbench's client timed the interpreter's answers, pausing 1 ms after each.
        let convoy = try #require(session.rows.first { $0.workload == .ioLatency })
        let p50 = try #require(convoy.latencyP50Us)
        let max = try #require(convoy.latencyMaxUs)
        #expect(p50 > 0 && p50 <= max)
        #expect(convoy.requestsPerSecond.map { $0 > 0 && $0 <= 1_000 } == true)
        #expect(try #require(session.rows.first { $0.workload == .longTick }?.longTickUs) > 0)
        #expect(Set(session.rows.compactMap(\.churnN)) == Set(PythonExperiment.churnNs), "each extension row keeps its churn n")
    }
}
