import GilBenchSimulator
import CGilBench
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One experiment of `gilbench python`: which of the slides' programs, and the configuration columns
/// its rows carry so that they line up with the simulator's.
public struct PythonExperiment: Sendable, Hashable {
    /// The program's name in `gilbench_programs.py`.
    public var program: String
    public var configuration: RunConfiguration
    /// Python 3's switch interval (seconds) or Python 2's check interval (ticks); nil leaves the default.
    public var interval: Double?

    /// The names `python --only` selects twins by: `countdown` (sequential on the main thread and on a
    /// worker thread, threads, 1 CPU, processes), `sweep` (the check/switch-interval sweep), `race`,
    /// `long-tick`, `extension`, `convoy`, `hashing`, `coroutines`, `pipeline`, `server`.
    public static let twinNames = ["countdown", "sweep", "race", "long-tick", "extension", "convoy", "hashing", "coroutines", "pipeline", "server"]

    /// This experiment's name among ``twinNames``.
    public var twin: String {
        switch configuration.workload {
        case .countdown where configuration.mode == .coroutines: "coroutines"
        case .countdown: configuration.sweepParameter == nil ? "countdown" : "sweep"
        case .race, .raceLocked: "race"
        case .longTick: "long-tick"
        case .extension: "extension"
        case .ioLatency: "convoy"
        case .hashing: "hashing"
        case .server: "server"
        default: configuration.workload.rawValue
        }
    }

    /// The size of the long-tick twin: `-1 in xrange(n)` on 2.7 runs about 0.1 s at this n (the
    /// simulator's default, 100,000,000, would make one run last seconds).
    public static let longTickN = 10_000_000

    /// The extension twin's native call lengths (`churn_n`): the reproduction's quick sizes
    /// (`Catalogue.churnNs`), so that each is paired with the simulator's.
    public static let churnNs = [0, 1_000, 10_000, 100_000]

    /// The extension twin's calls per thread at each call length: enough for a thread's calls to
    /// last 25 ms or more on CPython 2.7 (a call costs it about 0.25 µs besides `churn`,
    /// `results/python-extension-convoy*.txt`). With 5,000 calls at every length, a run at n = 0
    /// lasted a few milliseconds, and whether its two threads started on one CPU or on two (a few
    /// dozen voluntary context switches, or hundreds) decided its ratio more than the GIL did.
    public static func extensionCalls(churnN: Int) -> Int {
        switch churnN {
        case ..<1_000: 100_000
        case ..<10_000: 50_000
        case ..<100_000: 10_000
        default: 5_000
        }
    }

    /// The locked race's updates per thread: a tenth of the race's. Each update is then a lock round
    /// trip, and on CPython 2.7 `threading.Lock.acquire` releases the GIL around every blocking
    /// acquire (`Modules/threadmodule.c`, `lock_PyThread_acquire_lock`), so 1,000,000 updates took
    /// 2.5 s a run here (`reproduce` run 20261207T061104Z-40e9); whether x ends at 0 does not depend
    /// on how many there are.
    public static func lockedRaceN(_ raceN: Int) -> Int { max(raceN / 10, 1) }

    /// The convoy twin's requests per run: the reproduction's quick size.
    public static let convoyRequests = 100

    /// The simulator's run of the same experiment under `design` (the GIL the interpreter has): same
    /// workload, mode, CPUs, sizes, interval and check points (the interpreter's version's, which
    /// ``catalogue(for:n:raceN:longTickN:tree:repetitions:sweep:serverConnections:serverCPUThreads:serverWindow:)`` sets); nil without a design, or
    /// for hashing (the simulator's hashing pool is gilbench's own Swift code, not a model of the
    /// interpreter).
    public func simulatorTwin(design: GILDesign?) -> RunConfiguration? {
        guard let design, configuration.workload != .hashing else { return nil }
        var c = configuration
        c.engine = .simulator
        c.gil = design
        // The script's n is the pipeline's message count; the simulator's is in `messages`.
        if c.workload == .pipeline { c.n = c.workload.defaultN }
        // The long tick at least at the simulator's own size: at the script's 10,000,000 its one
        // CONTAINS_IN_RANGE scans natively in about 3 ms (CPython 2.7's `-1 in xrange(n)` takes
        // about 0.25 s), no longer than a wake-up across this VM's CPUs can take, so a waiter woken
        // late asked only after the instruction had ended and measured no wait (a delay of 0.3 µs in
        // 3 of 5 repetitions of one default reproduce). The claim both sides are judged by, the
        // waiter's delay over the instruction's length, does not depend on the size.
        if c.workload == .longTick { c.n = max(c.n, c.workload.defaultN) }
        // The asyncio twin is compared with the simulator's coroutines, the generators' twin too.
        if c.workload == .server && c.experiment == PythonExperiment.asyncioLabel { c.experiment = "" }
        return c
    }

    /// The tutorial twins' sizes: the countdown per generator task under slide 160's scheduler, and
    /// the pipeline's messages at each message size (64 B and 64 KiB, as issue 15 asks).
    public static let coroutineN = 1_000_000
    public static let pipelineMessages = 10_000
    public static let pipelineMessageSizes = [64, 65_536]

    /// The slides' experiments for `interpreter`: countdown sequential (on the main thread, and on a
    /// started thread as a control: `SequentialThread`), 2 threads, 2 threads on one CPU, 2
    /// processes, the race (without and with a lock), the long tick, the convoy, the extension, the hashing pool (when `tree`
    /// is given), the interval sweep, and the tutorial's coroutines and pipelines.
    /// The server's twins run at each of `serverConnections` connections, with each of
    /// `serverCPUThreads` CPU-bound threads beside them, for `serverWindow`
    /// (``server(for:connections:cpuThreads:window:repetitions:)``).
    public static func catalogue(
        for interpreter: PythonInterpreter, n: Int, raceN: Int, longTickN: Int = PythonExperiment.longTickN, tree: String?, repetitions: Int,
        sweep: [Double]?, serverConnections: [Int] = PythonExperiment.serverConnections, serverCPUThreads: [Int] = [0],
        serverWindow: (warmup: Double, duration: Double) = PythonExperiment.serverWindow
    ) -> [PythonExperiment] {
        func make(_ program: String, _ workload: Workload, _ mode: ExecutionMode, cpus: CPUSelection = .all, n: Int, interval: Double? = nil) -> PythonExperiment {
            var c = RunConfiguration()
            c.engine = .interpreter(name: interpreter.engine, gil: interpreter.gilDesign)
            c.checkPoints = interpreter.checkPoints
            c.workload = workload
            c.mode = mode
            c.n = n
            c.tasks = 2
            c.cpus = cpus
            c.repetitions = repetitions
            c.warmup = 0
            return PythonExperiment(program: program, configuration: c, interval: interval)
        }
        var sequentialOnWorker = make("sequential-worker", .countdown, .sequential, n: n)
        sequentialOnWorker.configuration.sequentialThread = .worker
        var list = [
            make("sequential", .countdown, .sequential, n: n),
            sequentialOnWorker,
            make("threads", .countdown, .threads, n: n),
            make("threads", .countdown, .threads, cpus: .count(1), n: n),
            make("processes", .countdown, .processes, n: n),
            make("race", .race, .threads, n: raceN),
            make("race-locked", .raceLocked, .threads, n: lockedRaceN(raceN)),
            make("long-tick", .longTick, .threads, n: longTickN),
        ]
        for cpuThreads in [0, 1] {
            var e = make("convoy", .ioLatency, .threads, n: convoyRequests)
            e.configuration.calls = convoyRequests
            e.configuration.cpuThreads = cpuThreads
            e.configuration.applyWorkloadShape()
            list.append(e)
        }
        for churnN in churnNs {
            for mode in [ExecutionMode.sequential, .threads] {
                var e = make("extension-\(mode.rawValue)", .extension, mode, n: 0)
                e.configuration.churnN = churnN
                e.configuration.calls = extensionCalls(churnN: churnN)
                list.append(e)
            }
        }
        if let tree {
            var sequential = make("hash-sequential", .hashing, .sequential, n: 0)
            sequential.configuration.tree = tree
            var threads = make("hash-threads", .hashing, .threads, n: 0)
            threads.configuration.tree = tree
            var pool = make("hash-pool", .hashing, .pool, n: 0)
            pool.configuration.tree = tree
            pool.configuration.processes = 2
            list += [sequential, threads, pool]
        }
        // Without a GIL there is no interval to sweep.
        let values = interpreter.hasGIL ? sweep ?? (interpreter.hasSwitchInterval ? [0.0005, 0.001, 0.005, 0.02, 0.1] : [10, 100, 1000, 10000]) : []
        for value in values {
            var e = make("threads", .countdown, .threads, n: n, interval: value)
            if interpreter.hasSwitchInterval {
                e.configuration.switchIntervalMilliseconds = value * 1000
                e.configuration.sweepParameter = .switchInterval
            } else {
                e.configuration.checkInterval = Int(value)
                e.configuration.sweepParameter = .checkInterval
            }
            list.append(e)
        }
        list += tutorial(
            for: interpreter, n: coroutineN, messages: pipelineMessages, sizes: pipelineMessageSizes, repetitions: repetitions)
        list += server(
            for: interpreter, connections: serverConnections, cpuThreads: serverCPUThreads, window: serverWindow, repetitions: repetitions)
        return list.filter { $0.requiredModules.allSatisfy { !interpreter.missingModules.contains($0) } }
    }

    /// The modules its program imports beyond the standard core: `multiprocessing` for processes
    /// and pools, `ctypes` for the extension.
    public var requiredModules: [String] {
        if configuration.workload == .extension { return ["ctypes"] }
        // The server's workers are os.fork()ed: no multiprocessing.
        if configuration.workload == .server { return [] }
        if configuration.mode == .processes || configuration.mode == .pool { return ["multiprocessing"] }
        return []
    }

    /// The twins `interpreter` cannot run, with why, in one line; nil when it runs them all:
    /// "jython-2.7.3 has no multiprocessing (processes and pools left out), no ctypes (the extension left out)".
    public static func leftOut(for interpreter: PythonInterpreter) -> String? {
        let what = ["multiprocessing": "processes and pools", "ctypes": "the extension"]
        let missing = interpreter.missingModules.filter { what[$0] != nil }
        let sweep = interpreter.hasGIL ? [] : ["no GIL (the interval sweep left out)"]
        let server = PythonExperiment.runsServerTwins(interpreter) ? [] : ["no os.fork, select.epoll or resource (the server left out)"]
        guard !missing.isEmpty || !sweep.isEmpty || !server.isEmpty else { return nil }
        return "\(interpreter.engine) has " + (missing.map { "no \($0) (\(what[$0]!) left out)" } + server + sweep).joined(separator: ", ")
    }
}

/// Runs the slides' Python programs on a real interpreter and measures each run from outside, with the
/// same clocks and counters as simulated runs: wall time of the region the script times, CPU time and context
/// switches from wait4 (the child and every process it waited for), system calls from the probes.
public final class PythonBench {
    public let interpreter: PythonInterpreter
    private let scriptPath: String
    /// Longest a single run may take before it is killed and reported.
    public var timeoutSeconds: Double = 600
    /// Whether to count the interpreter's GIL with uprobes (``InterpreterGILCounter``). Off by
    /// default: a uprobe traps into the kernel at every call, and CPython 2.7 takes its lock every 100
    /// ticks, so its two-thread countdown runs many times slower counted: 0.870 s against 0.043 s
    /// sequential for n = 1,000,000 in `results/python-gil-counts.txt` (run 20261130T080201Z-2ba3),
    /// where uncounted it takes about twice the sequential time. Counted runs give counts, not timings.
    public var countsGIL = false
    /// Whether each run records the GIL's timeline with ``GILProbeSampler`` (`python --timeline`); the
    /// last run's is in ``lastTimeline``. Its ring buffers are read once the program has ended, so a
    /// run that fills them loses samples, which the recording counts.
    public var recordsGILTimeline = false
    /// CLOCK_REALTIME minus CLOCK_MONOTONIC now, in nanoseconds: converts CPython 2.7's `time.time()`
    /// readings to the probes' clock.
    static func realtimeOffsetNanoseconds() -> Int64 {
        var real = timespec(), mono = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        clock_gettime(CLOCK_MONOTONIC, &mono)
        return (Int64(real.tv_sec) - Int64(mono.tv_sec)) * 1_000_000_000 + (Int64(real.tv_nsec) - Int64(mono.tv_nsec))
    }

    /// The probes ``recordsGILTimeline`` defines (all three by default).
    public var gilTimelineProbes: GILProbeSampler.ProbeSet = .timed
    /// The GIL's events of the last run, when ``recordsGILTimeline`` is on.
    public private(set) var lastTimeline: GILProbeRecording?
    /// The uprobes, opened at the first measurement on the measuring thread; or why they cannot be.
    private var gilCounter: Result<InterpreterGILCounter, GilBenchError>?

    /// Why the interpreter's GIL is not counted (one line), or nil when it is (or has not been tried yet).
    public var gilCountingProblem: String? {
        if case .failure(let error)? = gilCounter { return error.description }
        return nil
    }

    /// Identifies the interpreter by running the programs' `identify` experiment.
    /// - Throws: `GilBenchError` `.runFailed` in one line: missing, crashed, too old, printed garbage.
    public init(python: String) throws(GilBenchError) {
        scriptPath = try PythonBench.writeScript()
        do {
            interpreter = try PythonBench.identify(python, script: scriptPath)
        } catch {
            PythonBench.removeScript(scriptPath)
            throw error
        }
    }

    deinit { PythonBench.removeScript(scriptPath) }

    /// What `python` (a name on PATH or a path) is: its implementation, version and the library its
    /// GIL lives in, from the programs' `identify` experiment.
    /// - Throws: `GilBenchError` `.runFailed` in one line: missing, crashed, too old, printed garbage.
    public static func identify(_ python: String) throws(GilBenchError) -> PythonInterpreter {
        let script = try writeScript()
        defer { removeScript(script) }
        return try identify(python, script: script)
    }

    private static func identify(_ python: String, script: String) throws(GilBenchError) -> PythonInterpreter {
        let path = try PythonInterpreter.locate(python)
        let probe = PythonInterpreter(path: path, implementation: "python", version: "")
        let (result, _, _) = try PythonBench.execute(interpreter: probe, script: script, arguments: ["identify", "0"], timeout: 60, probes: [])
        let interpreter = PythonInterpreter(
            path: path, implementation: result.implementation, version: result.version, implementationVersion: result.pypyVersion,
            library: result.library, hasGIL: result.gilEnabled ?? true, isFreeThreaded: result.freeThreaded ?? false,
            missingModules: result.missingModules ?? [])
        let numbers = interpreter.versionNumbers
        guard numbers.count >= 2, (numbers[0], numbers[1]) >= (2, 6) else {
            throw GilBenchError(.runFailed, "\(python) is Python \(result.version); gilbench's programs need 2.6 or later")
        }
        return interpreter
    }

    /// Writes the programs to a folder of their own under the temporary directory; returns the script's path.
    private static func writeScript() throws(GilBenchError) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-python-\(getpid())-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = directory.appendingPathComponent(PythonPrograms.fileName)
            try PythonPrograms.source.write(to: script, atomically: true, encoding: .utf8)
            return script.path
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot write gilbench's Python programs to \(directory.path)")
        }
    }

    private static func removeScript(_ script: String) {
        try? FileManager.default.removeItem(atPath: (script as NSString).deletingLastPathComponent)
    }

    /// Runs `experiment` once and measures it.
    public func measure(_ experiment: PythonExperiment, probes: [any MeasurementProbe] = []) throws(GilBenchError) -> RunMeasurement {
        let c = experiment.configuration
        if c.workload == .server { return try measureServer(experiment, probes: probes) }
        var arguments = [experiment.program, String(c.n)]
        arguments.append(experiment.interval.map { DecimalText.compact($0) } ?? "-")
        if c.workload == .hashing { arguments.append(c.tree) }
        if c.workload == .pipeline { arguments.append(String(c.messageSize)) }
        if c.workload == .extension {
            arguments[1] = String(c.churnN)
            arguments += [try ChurnLibrary.path(), String(c.calls)]
        }
        let client = c.workload == .ioLatency ? try ConvoyClient(requests: c.calls) : nil
        if let client {
            arguments[1] = String(c.calls)
            arguments += [String(client.port), String(c.cpuThreads)]
        }
        let allowed = try CPUAffinity.current()
        let cpus = try CPUAffinity.resolve(c.cpus, allowed: allowed)
        let (result, usage, counted) = try CPUAffinity.pinning(to: cpus, restoring: allowed) { () throws(GilBenchError) in
            let counter = countsGIL ? openGILCounter() : nil
            try counter?.begin()
            let sampler = recordsGILTimeline ? try GILProbeSampler(interpreter: interpreter, target: .children, probes: gilTimelineProbes) : nil
            let (result, _, usage) = try PythonBench.execute(
                interpreter: interpreter, script: scriptPath, arguments: arguments, timeout: timeoutSeconds, probes: probes,
                cpus: cpus)
            lastTimeline = sampler?.finish()
            return (result, usage, try counter?.end())
        }
        if let window = result.regionNanoseconds(realtimeOffsetNanoseconds: PythonBench.realtimeOffsetNanoseconds()) {
            // Only the experiment's region, as its wall time: the interpreter's start-up takes the GIL
            // hundreds of times (each file its imports read releases it around the read, as
            // `Modules/_io/fileio.c` does), uncontended acquisitions the simulator's twin never makes.
            lastTimeline?.events.removeAll { !window.contains($0.nanoseconds) }
        }
        let answers = client?.finish()
        var outcome = WorkloadOutcome(
            raceFinalX: result.raceFinalX,
            files: result.files, bytes: result.bytes,
            unreadableFiles: c.workload == .hashing ? 0 : nil,
            messagesReceived: result.messages, messagesPerSecond: result.messagesPerSecond,
            messageLatencyP50Microseconds: result.messageLatencyP50Microseconds,
            messageLatencyP99Microseconds: result.messageLatencyP99Microseconds)
        outcome.longTickMicroseconds = result.longTickMicroseconds
        outcome.jitWarmups = result.jitWarmups
        if let latency = result.latencyMicroseconds {
            // One waiter, one sample: as the simulator's long-tick workload reports it.
            outcome.latencyP50Microseconds = latency
            outcome.latencyP99Microseconds = latency
            outcome.latencyMaxMicroseconds = latency
        }
        // wall_s is the region the script timed around the experiment (as the simulator's wall time is
        // its region): the interpreter's start-up, about 20 ms for CPython 3.13, would otherwise
        // weigh on every ratio of short runs. CPU time and context switches stay the whole tree's.
        var measurement = RunMeasurement(wallSeconds: result.regionSeconds, usage: usage.0, ticks: 0, instructions: 0, gil: nil, outcome: outcome, syscalls: usage.1)
        if let disturbance = usage.2 { measurement.record(disturbance: disturbance) }
        measurement.cpus = cpus
        measurement.interpreterGIL = counted
        if let problem = client?.problem { measurement.warnings.append("the convoy's client failed: \(problem)") }
        if let answers {
            measurement.outcome.latencyP50Microseconds = answers.latencyP50Microseconds
            measurement.outcome.latencyP99Microseconds = answers.latencyP99Microseconds
            measurement.outcome.latencyMaxMicroseconds = answers.latencyMaxMicroseconds
            measurement.outcome.requestsPerSecond = answers.requestsPerSecond
        }
        return measurement
    }

    /// Runs a server twin (`server-MODEL`, issue 24) and loads it with gilbench's client process
    /// (``ServerLoadClient``) on the port it prints, as the simulator's server is loaded: the
    /// client's requests per second and latencies, the interpreter's CPU time and context switches
    /// (wait4, its workers included), its processes' peak resident set as the twin reports it.
    private func measureServer(_ experiment: PythonExperiment, probes: [any MeasurementProbe]) throws(GilBenchError) -> RunMeasurement {
        let c = experiment.configuration
        let load = ServerLoad(
            connections: c.connections, messageSize: c.messageSize, rate: c.rate, warmupSeconds: c.serverWarmupSeconds,
            durationSeconds: c.durationSeconds, requests: c.requests)
        try load.validate()
        // The interpreter inherits gilbench's descriptor limit and holds one descriptor per connection.
        let raised = try FileDescriptorLimit.ensure(c.connections + ServerLoad.descriptorMargin)
        let arguments = [
            experiment.program, String(c.connections), "-", String(c.messageSize), String(c.requestWork), String(c.cpuThreads),
            String(c.processes),
        ]
        let allowed = try CPUAffinity.current()
        let cpus = try CPUAffinity.resolve(c.cpus, allowed: allowed)
        let (result, answers, usage) = try CPUAffinity.pinning(to: cpus, restoring: allowed) { () throws(GilBenchError) in
            try PythonBench.serve(
                interpreter: interpreter, script: scriptPath, arguments: arguments, load: load, timeout: timeoutSeconds, probes: probes,
                cpus: cpus)
        }
        var outcome = WorkloadOutcome(
            latencyP50Microseconds: answers.latencyP50Microseconds, latencyP99Microseconds: answers.latencyP99Microseconds,
            latencyMaxMicroseconds: answers.latencyMaxMicroseconds, requestsPerSecond: answers.requestsPerSecond)
        outcome.rssKiB = result.rssKiB
        var measurement = RunMeasurement(
            wallSeconds: result.regionSeconds, usage: usage.0, ticks: 0, instructions: 0, gil: nil, outcome: outcome, syscalls: usage.1)
        if let disturbance = usage.2 { measurement.record(disturbance: disturbance) }
        measurement.cpus = cpus
        if let raised { measurement.warnings.append(raised) }
        if answers.unsent > 0 {
            measurement.warnings.append("\(answers.unsent) requests due at --rate could not be sent: every connection was waiting for an answer")
        }
        if let served = result.connectionsServed, served != c.connections {
            measurement.warnings.append("\(experiment.program) served \(served) connections of \(c.connections)")
        }
        return measurement
    }

    /// Spawns a server twin, reads its `port <N>` line, runs gilbench's client process against that
    /// port, then reads the twin's result once the client has ended its connections and reaps it.
    /// Whatever fails (the twin dies, the client fails or times out), both are killed and reaped
    /// before the error is thrown: no process and no descriptor is left behind.
    /// - Throws: `GilBenchError` `.runFailed` naming the twin (its program and interpreter) and how it
    ///   ended, or the client and what it saw.
    static func serve(
        interpreter: PythonInterpreter, script: String, arguments: [String], load: ServerLoad, timeout: Double,
        probes: [any MeasurementProbe], cpus: [Int]
    ) throws(GilBenchError) -> (TwinMeasurement, ServerLoadResult, (ResourceUsage, SyscallCounts?, Result<CPUDisturbance, GilBenchError>?)) {
        let name = "\(interpreter.path) \(arguments[0])"
        let stat = CPUStatRegion(cpus: cpus)
        for probe in probes { try probe.begin() }
        let start = MonotonicClock.nanoseconds()
        let child = try ChildProcess.spawn(
            executable: "/bin/sh", arguments: ["sh", "-c", "exec \"$0\" \"$@\" 2>&1", interpreter.path, script] + arguments)
        child.closeInput()
        var client: ServerLoadClient?
        /// The twin's last line, for an error.
        func lastLine(_ output: [UInt8]) -> String {
            String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline).last.map { String($0.prefix(160)) } ?? "(nothing)"
        }
        /// Kills and reaps the client and the twin; how the twin had ended by itself, if it had.
        func stopBoth() -> ChildProcess.Termination? {
            client?.terminate()
            if let ended = child.termination {
                child.closeOutput()
                return ended
            }
            let ended = (try? child.wait(blocking: false)).flatMap { $0?.0 }
            if ended == nil {
                child.signal(SIGKILL)
                _ = try? child.wait(blocking: true)
            }
            child.closeOutput()
            return ended
        }
        var output: [UInt8] = []
        do throws(GilBenchError) {
            // The port line: `port <N>`, the twin's first once it listens.
            let (head, timedOut) = try child.readOutput(
                of: name, until: start &+ 60_000_000_000, stoppingWhen: { PythonBench.port(in: $0) != nil })
            output = head
            guard let port = PythonBench.port(in: head) else {
                let ended = stopBoth()
                let how = ended.map { "\($0)" } ?? (timedOut ? "did not listen within 60 s and was killed" : "closed its output and was killed")
                throw GilBenchError(.runFailed, "the server twin \(name) \(how) before listening: \(lastLine(head))")
            }
            client = try ServerLoadClient.start(executable: ServerLoadClient.ownExecutable, port: port, load: load)
            let answers: ServerLoadResult
            do throws(GilBenchError) {
                answers = try client!.finish()
            } catch {
                // Did the twin die first? Then it is the cause; the client's view follows.
                let (rest, _) = (try? child.readOutput(of: name, until: MonotonicClock.nanoseconds() &+ 200_000_000)) ?? ([], false)
                output += rest
                if let ended = stopBoth() {
                    throw GilBenchError(
                        .runFailed, "the server twin \(name) \(ended) mid-run (\(lastLine(output))); the server's client: \(error.message)")
                }
                throw GilBenchError(error.code == .usage ? .usage : .runFailed, "the server twin \(name): \(error.message)")
            }
            // The client has ended every connection: the twin ends once it has seen them all.
            let (rest, late) = try child.readOutput(of: name, until: MonotonicClock.nanoseconds() &+ UInt64(min(timeout, 60) * 1e9))
            output += rest
            if late {
                _ = stopBoth()
                throw GilBenchError(.runFailed, "the server twin \(name) did not end within 60 s of its client's last connection and was killed")
            }
            child.closeOutput()
            guard let (termination, usage) = try child.wait(blocking: true) else {
                throw GilBenchError(.runFailed, "the server twin \(name) could not be reaped")
            }
            var counted: SyscallCounts?
            for probe in probes { counted = try probe.end() }
            // The client process runs on the run's CPUs too: its CPU time is the run's, not a disturbance.
            let disturbance = stat.disturbance(usage: usage + (client?.usage ?? ResourceUsage()))
            guard termination == .exited(0) else {
                throw GilBenchError(.runFailed, "the server twin \(name) \(termination): \(lastLine(output))")
            }
            let result = try TwinMeasurement.decode(from: String(decoding: output, as: UTF8.self), interpreter: name)
            return (result, answers, (usage, counted, disturbance))
        } catch {
            _ = stopBoth()
            throw error
        }
    }

    /// The port of the first `port <N>` line in `bytes`, once the line is complete.
    static func port(in bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() where line.hasPrefix("port ") {
            if let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces)), (1...65535).contains(port) { return port }
        }
        return nil
    }

    /// The GIL counter, opened on this thread (an inherited perf event follows the opening thread's
    /// children only): reopened when measuring moved to another thread; nil when it cannot be opened.
    private func openGILCounter() -> InterpreterGILCounter? {
        if case .success(let counter)? = gilCounter, counter.thread == gb_gettid() { return counter }
        if case .failure? = gilCounter { return nil }
        gilCounter = Result { () throws(GilBenchError) in try InterpreterGILCounter(interpreter: interpreter) }
        return try? gilCounter?.get()
    }

    /// Spawns `interpreter script arguments` with stderr joined to stdout, reads everything it prints,
    /// reaps it and decodes its result line (``TwinMeasurement``). With `cpus` (those the run is pinned
    /// to), also samples their disturbance around it; nil when not measuring.
    static func execute(
        interpreter: PythonInterpreter, script: String, arguments: [String], timeout: Double, probes: [any MeasurementProbe],
        cpus: [Int]? = nil
    ) throws(GilBenchError) -> (TwinMeasurement, Double, (ResourceUsage, SyscallCounts?, Result<CPUDisturbance, GilBenchError>?)) {
        let name = interpreter.path
        // /proc/stat is read outside the probes' region, so that its reads are not counted as the run's calls.
        let stat = cpus.map { CPUStatRegion(cpus: $0) }
        for probe in probes { try probe.begin() }
        let start = MonotonicClock.nanoseconds()
        // sh joins the interpreter's stderr to the pipe we read, then execs it (same pid: wait4 sees python).
        let child = try ChildProcess.spawn(
            executable: "/bin/sh", arguments: ["sh", "-c", "exec \"$0\" \"$@\" 2>&1", name, script] + arguments)
        child.closeInput()
        let (output, timedOut) = try child.readOutput(of: name, until: start &+ UInt64(timeout * 1e9))
        if timedOut { child.signal(SIGKILL) }
        child.closeOutput()
        guard let (termination, usage) = try child.wait(blocking: true) else {
            throw GilBenchError(.runFailed, "\(name) could not be reaped")
        }
        let wall = Double(MonotonicClock.nanoseconds() &- start) / 1e9
        var counted: SyscallCounts?
        for probe in probes { counted = try probe.end() }
        let disturbance = stat?.disturbance(usage: usage)
        let text = String(decoding: output, as: UTF8.self)
        let lastLine = text.split(whereSeparator: \.isNewline).last.map { String($0.prefix(160)) } ?? "(nothing)"
        if timedOut {
            throw GilBenchError(.runFailed, "\(name) \(arguments.first ?? "") did not finish within \(Int(timeout)) s and was killed")
        }
        switch termination {
        case .exited(0):
            break
        case .exited(127) where output.isEmpty || text.contains("not found"):
            throw GilBenchError(.runFailed, "\(name): cannot be executed (\(lastLine))")
        case .exited(let status):
            throw GilBenchError(.runFailed, "\(name) \(arguments.first ?? "") exited with status \(status): \(lastLine)")
        case .signaled:
            throw GilBenchError(.runFailed, "\(name) \(arguments.first ?? "") \(termination): \(lastLine)")
        }
        let result = try TwinMeasurement.decode(from: text, interpreter: name)
        return (result, wall, (usage, counted, disturbance))
    }
}
