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
            "sequential", "sequential-worker", "threads", "processes", "race", "race-locked", "long-tick", "convoy", "extension-sequential", "extension-threads", "hash-sequential",
            "hash-threads", "hash-pool", "coroutines",
            "pipeline-threads-stream", "pipeline-threads-request-reply", "pipeline-processes-stream",
            "pipeline-processes-request-reply", "pipeline-coroutines-stream", "pipeline-coroutines-request-reply",
            "server-threads", "server-events", "server-coroutines", "server-asyncio", "server-processes",
        ])
        #expect(Set(list.filter { $0.twin == "pipeline" }.map(\.configuration.messageSize)) == Set(PythonExperiment.pipelineMessageSizes))
        #expect(Set(list.map(\.twin)) == Set(PythonExperiment.twinNames))
        #expect(list.filter { $0.twin == "extension" }.map(\.configuration.churnN) == PythonExperiment.churnNs.flatMap { [$0, $0] })
        #expect(list.compactMap { $0.simulatorTwin(design: .interval) }.count == list.count - 3, "every twin but hashing's")
        #expect(list.filter { $0.twin == "server" }.count == 5 * PythonExperiment.serverConnections.count)
        #expect(list.contains { $0.program == "threads" && $0.configuration.cpus == .count(1) })
        #expect(list.filter { $0.configuration.sequentialThread == .worker }.map(\.program) == ["sequential-worker"])
        #expect(list.filter { $0.configuration.sweepParameter == .switchInterval }.count == 5)
        #expect(Set(list.map(\.configuration)).count == list.count, "configurations are distinct")
    }

    @Test("python3 runs the programs and its rows carry its engine", .requiresCPython3)
    func realPython() throws {
        var options = InterpreterComparison.Options()
        options.n = 20_000
        options.raceN = 1000
        options.sweep = []
        options.repetitions = 1
        options.simulator = false
        let session = Session(writer: nil)
        let compared = InterpreterComparison(options).measure("python3", in: session)
        let measured = try compared.result.get()
        let interpreter = try PythonBench.identify("python3")
        #expect(interpreter.implementation == "cpython" && measured.engine == interpreter.engine)
        #expect(session.rows.count == InterpreterComparison(options).experiments(for: interpreter).count)
        #expect(measured.rows.count == session.rows.count && measured.fidelity.entries.isEmpty, "no twin, no fidelity")
        for row in session.rows {
            #expect(row.engine == .interpreter(name: interpreter.engine, gil: interpreter.gilDesign))
            #expect(row.gil == interpreter.gilDesign)
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

@Suite("Python: real interpreters beside their twins")
struct InterpreterComparisonTests {
    @Test("An interpreter that cannot be measured says why, and the next one still runs beside its twins", .requiresCPython3)
    func missingThenReal() throws {
        var options = InterpreterComparison.Options()
        options.n = 50_000
        options.raceN = 1000
        options.twins = ["countdown"]
        options.repetitions = 2
        options.experimentLabels = ("real", "twin")
        let session = Session(writer: nil)
        var events: [String] = []
        let (_, comparisons) = InterpreterComparison(options).measure(.named(["no-such-python-here", "python3"]), in: session) { event in
            switch event {
            case .decided: events.append("decided")
            case .started(let start): events.append("started \(start.python) with \(start.simulatorTwins) twins")
            case .finished(let compared): events.append("finished \(compared.python)")
            }
        }
        #expect(comparisons.map(\.python) == ["no-such-python-here", "python3"])
        guard case .failure(let error) = comparisons[0].result else { Issue.record("a missing interpreter measured"); return }
        #expect(error.message.contains("no-such-python-here"))
        let measured = try comparisons[1].result.get()
        // The countdown's five programs (sequential on the main thread and on a worker, threads on 2
        // and 1 CPUs, processes), each beside its twin, twice.
        #expect(events == ["decided", "finished no-such-python-here", "started python3 with 5 twins", "finished python3"])
        #expect(measured.rows.count == 2 * 5 * 2 && measured.rows.count == session.rows.count)
        #expect(Set(measured.rows.map(\.key.experiment)) == ["real", "twin"])
        #expect(measured.rows.filter { $0.key.engine == .simulator }.allSatisfy { $0.gil == measured.design })
        #expect(Set(measured.fidelity.entries.map(\.ratio)).isSuperset(of: [.overSequential(.threads), .overSequential(.processes), .oneCPUOver(cpus: 2)]))
    }
}
