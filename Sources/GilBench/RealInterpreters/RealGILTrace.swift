import Foundation

/// `gilbench trace --python PATH -- SCRIPT [ARGS...]` and `--pid PID --duration S`: a real program's GIL,
/// hand-off by hand-off (``GILProbeSampler``), written as the simulator's trace is (``TraceEventFile``: the
/// same "holds GIL" and "waits for GIL" spans, one track per thread) with a per-thread summary
/// (``GILHoldWaitSummary``) as a table and a CSV, and optionally the probes' cost, measured.
public enum RealGILTrace {
    public struct Options: Sendable {
        /// The interpreter (a path, or a name on PATH).
        public var python: String
        /// The script and its arguments (empty with `pid`).
        public var command: [String]
        /// Attach to this running interpreter instead.
        public var pid: Int32?
        /// How long to attach for, in seconds.
        public var duration: Double?
        /// The Trace Event Format file to write.
        public var output: String
        /// The summary CSV to write, if any.
        public var csv: String?
        /// Extra runs without and with the probes, alternating, to measure their cost (0: none).
        public var costRounds: Int

        public init(python: String, command: [String], pid: Int32?, duration: Double?, output: String, csv: String?, costRounds: Int) {
            (self.python, self.command, self.pid, self.duration, self.output, self.csv, self.costRounds) =
                (python, command, pid, duration, output, csv, costRounds)
        }

        /// Checks the combination of options.
        /// - Throws: `GilBenchError` `.usage` naming what to change.
        public func validate() throws(GilBenchError) {
            if let pid {
                guard command.isEmpty else { throw GilBenchError(.usage, "give either --pid or a script after --, not both") }
                guard pid > 0 else { throw GilBenchError(.usage, "--pid must be a process id (got \(pid))") }
                guard let duration, duration > 0, duration.isFinite else { throw GilBenchError(.usage, "--pid needs --duration S (seconds, more than 0)") }
                guard costRounds == 0 else { throw GilBenchError(.usage, "--cost-rounds needs a script to run, not --pid") }
            } else {
                guard !command.isEmpty else { throw GilBenchError(.usage, "--python needs a script: gilbench trace --python PATH --output FILE -- SCRIPT [ARGS...]") }
                guard duration == nil else { throw GilBenchError(.usage, "--duration goes with --pid") }
            }
            guard (0...50).contains(costRounds) else { throw GilBenchError(.usage, "--cost-rounds must be 0 to 50 (got \(costRounds))") }
        }
    }

    /// The probes' cost: wall times of the same program without and with them, alternating.
    public struct Cost: Sendable {
        public var unprobedSeconds: [Double]
        public var probedSeconds: [Double]
        /// Probe hits of each probed run.
        public var hits: [Int]

        /// Median probed over median unprobed wall time.
        public var ratio: Double? {
            guard let a = Statistics.median(probedSeconds), let b = Statistics.median(unprobedSeconds), b > 0 else { return nil }
            return a / b
        }
        /// (median probed - median unprobed) / median hits, in microseconds per probe hit.
        public var microsecondsPerHit: Double? {
            guard let a = Statistics.median(probedSeconds), let b = Statistics.median(unprobedSeconds),
                  let h = Statistics.median(hits.map(Double.init)), h > 0 else { return nil }
            return (a - b) / h * 1e6
        }

        public var line: String {
            func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "-" }
            return "probe cost over \(probedSeconds.count) rounds (alternating): median wall \(f(Statistics.median(unprobedSeconds))) s without, "
                + "\(f(Statistics.median(probedSeconds))) s with the probes (x\(ratio.map { String(format: "%.2f", $0) } ?? "-")), "
                + "\(Statistics.median(hits.map(Double.init)).map { String(Int($0)) } ?? "-") probe hits per run, "
                + "\(microsecondsPerHit.map { String(format: "%.2f", $0) } ?? "-") us per hit"
        }
    }

    /// What a trace produced. The files are written before ``failure`` is looked at.
    public struct Outcome: Sendable {
        public var run: RealGILRun
        public var summary: GILHoldWaitSummary
        public var trace: TraceEventFile.Trace
        public var cost: Cost?
        public var runID: String
        /// The report: notes, the table and the cost.
        public var report: String
        /// Why the command must end with a non-zero status (the program failed, Ctrl-C), files kept.
        public var failure: GilBenchError?
    }

    /// Runs or attaches, writes `--output` (and `--csv`), and returns what to print.
    /// - Throws: `GilBenchError` when nothing could be recorded (missing script, stripped interpreter,
    ///   uprobes refused) or a file cannot be written.
    public static func perform(_ options: Options, interrupted: @escaping () -> Bool = { Interruption.requested }) throws(GilBenchError) -> Outcome {
        try options.validate()
        let runID = Session.makeRunID()
        let python = options.pid.map { pid in (try? RealGILTracer.executable(of: pid)) ?? options.python } ?? options.python
        if options.pid == nil, let script = options.command.first, !FileManager.default.isReadableFile(atPath: script) {
            throw GilBenchError(.unreadableInput, "\(script): no such script (or it cannot be read)")
        }
        let interpreter = try PythonBench.identify(options.pid == nil ? options.python : python)
        let run: RealGILRun
        if let pid = options.pid {
            run = try RealGILTracer.attach(interpreter: interpreter, pid: pid, seconds: options.duration ?? 1, interrupted: interrupted)
        } else {
            run = try RealGILTracer.run(
                interpreter: interpreter, script: options.command[0], arguments: Array(options.command.dropFirst()), interrupted: interrupted)
        }
        let summary = GILHoldWaitSummary(events: run.recording.events, wallNanoseconds: run.wallNanoseconds)
        let name = options.pid.map { "\(interpreter.engine) pid \($0)" } ?? "\(interpreter.engine) \((options.command[0] as NSString).lastPathComponent) (pid \(run.pid))"
        var other: [(key: String, value: TraceEventFile.Value)] = [
            ("interpreter", .string(interpreter.engine)), ("python", .string(interpreter.path)),
            ("command", .string(options.pid == nil ? options.command.joined(separator: " ") : "attached to pid \(options.pid!)")),
            ("probes", .string("\(run.recording.symbols.acquire) entry and return, \(run.recording.symbols.release) entry")),
            ("wall_s", .number(Double(run.wallNanoseconds) / 1e9)),
            ("gil_acquisitions", .int(summary.acquisitions)), ("gil_handoffs", .int(summary.handoffs)),
            ("lost_samples", .int(Int(clamping: run.recording.lostSamples))), ("dropped_hits", .int(run.recording.droppedHits)),
            ("unmatched_returns", .int(run.recording.unmatched)),
        ]
        if let termination = run.termination { other.append(("termination", .string(termination.description))) }
        other += [("run_id", .string(runID)), ("gilbench_version", .string(MachineInfo.gilbenchVersion))]
        let trace = TraceEventFile.render(run.recording.events, processName: name, otherData: other)
        try trace.write(to: options.output)
        if let csv = options.csv {
            try write(summary.csv(interpreter: interpreter.engine, runID: runID, lostSamples: run.recording.lostSamples), to: csv)
        }

        var cost: Cost?
        if options.costRounds > 0, options.pid == nil, !run.interrupted {
            cost = try measureCost(interpreter: interpreter, command: options.command, rounds: options.costRounds, interrupted: interrupted)
        }

        var report = "\(options.output): \(trace.eventCounts) (run \(runID))\n"
        if let csv = options.csv { report += "\(csv): \(summary.threads.count + 1) rows\n" }
        report += summary.table
        report += "probe hits \(run.recording.hits), samples lost by the kernel \(run.recording.lostSamples)"
            + (run.recording.droppedHits > 0 ? ", hits dropped (store full) \(run.recording.droppedHits)" : "")
            + ", unpaired events \(trace.unpaired)\n"
        if let cost { report += cost.line + "\n" }

        var failure: GilBenchError?
        if run.interrupted {
            failure = GilBenchError(.interrupted, "interrupted: the trace holds the events recorded until then")
        } else if let termination = run.termination, termination != .exited(0) {
            let tail = run.errorTail.split(separator: "\n").suffix(5).joined(separator: "\n  ")
            failure = GilBenchError(.runFailed, "\(options.command[0]) \(termination); the events so far are kept" + (tail.isEmpty ? "" : "; its stderr ended with:\n  " + tail))
        }
        return Outcome(run: run, summary: summary, trace: trace, cost: cost, runID: runID, report: report, failure: failure)
    }

    /// Runs the program `rounds` times without and `rounds` times with the probes, alternating (without
    /// first), and keeps each wall time.
    public static func measureCost(
        interpreter: PythonInterpreter, command: [String], rounds: Int, interrupted: @escaping () -> Bool = { Interruption.requested }
    ) throws(GilBenchError) -> Cost {
        var cost = Cost(unprobedSeconds: [], probedSeconds: [], hits: [])
        for _ in 0..<rounds {
            for probed in [false, true] {
                if interrupted() { return cost }
                let run = try RealGILTracer.run(
                    interpreter: interpreter, script: command[0], arguments: Array(command.dropFirst()), probed: probed, echo: false,
                    interrupted: interrupted)
                let seconds = Double(run.wallNanoseconds) / 1e9
                if probed {
                    cost.probedSeconds.append(seconds)
                    cost.hits.append(run.recording.hits)
                } else {
                    cost.unprobedSeconds.append(seconds)
                }
            }
        }
        return cost
    }

    static func write(_ text: String, to path: String) throws(GilBenchError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot write \(path)")
        }
    }
}
