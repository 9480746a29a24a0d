import GilBenchSimulator
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One real program run (or attached to) under the GIL probes.
public struct RealGILRun: Sendable {
    public var interpreter: PythonInterpreter
    public var recording: GILProbeRecording
    /// From the spawn (or attach) to the reaping (or the end of `--duration`).
    public var wallNanoseconds: UInt64
    /// How the program ended; nil when gilbench attached to it.
    public var termination: ChildProcess.Termination?
    /// The last lines the program wrote to its standard error (at most ``RealGILTracer/tailBytes``).
    public var errorTail: String
    /// Ctrl-C stopped the run.
    public var interrupted: Bool
    /// The program's pid.
    public var pid: Int32
}

/// Runs a Python program, or attaches to a running interpreter, with ``GILProbeSampler`` on.
public enum RealGILTracer {
    /// How much of the program's standard error is kept for the report.
    public static let tailBytes = 2048
    /// How often the ring buffers are drained (and the program's output read), in milliseconds.
    public static let drainMilliseconds: Int32 = 10
    /// How long a program has to end after gilbench forwarded Ctrl-C to it before it is killed.
    public static let interruptGraceSeconds = 3.0

    /// Runs `interpreter script arguments...` under the probes. The program's standard output goes to
    /// gilbench's standard error (gilbench's own output is the table), its standard error too, and its
    /// tail is kept. Ctrl-C (``Interruption``) is forwarded to the program as SIGINT; SIGKILL follows
    /// after ``interruptGraceSeconds``. The events recorded so far are always returned.
    /// - Parameters:
    ///   - probed: false to run without the probes (the cost measurement's other arm).
    ///   - echo: pass the program's output on (false in tests and cost rounds).
    /// - Throws: `GilBenchError`: `.unreadableInput` when the script does not exist, or from the sampler.
    public static func run(
        interpreter: PythonInterpreter, script: String, arguments: [String], probed: Bool = true, echo: Bool = true,
        interrupted: () -> Bool = { Interruption.requested }
    ) throws(GilBenchError) -> RealGILRun {
        guard FileManager.default.isReadableFile(atPath: script) else {
            throw GilBenchError(.unreadableInput, "\(script): no such script (or it cannot be read)")
        }
        let sampler = probed ? try GILProbeSampler(interpreter: interpreter, target: .children) : nil
        let start = MonotonicClock.nanoseconds()
        // sh swaps the program's two outputs (stderr to the pipe gilbench reads, stdout to gilbench's
        // stderr) and execs it: the same pid.
        let child = try ChildProcess.spawn(
            executable: "/bin/sh", arguments: ["sh", "-c", "exec \"$0\" \"$@\" 3>&1 1>&2 2>&3 3>&-", interpreter.path, script] + arguments)
        child.closeInput()
        var tail: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var forwarded: UInt64?
        var stopped = false
        while true {
            var descriptors = [pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)]
            let ready = (try? SystemCall.poll(&descriptors, timeoutMilliseconds: drainMilliseconds)) ?? 0
            sampler?.drain()
            if interrupted() {
                stopped = true
                if forwarded == nil {
                    child.signal(SIGINT)
                    forwarded = MonotonicClock.nanoseconds()
                } else if let forwarded, Double(MonotonicClock.nanoseconds() &- forwarded) / 1e9 > interruptGraceSeconds {
                    child.signal(SIGKILL)
                }
            }
            guard ready > 0 else { continue }
            let n = read(child.output, &buffer, buffer.count)
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 { break }
            if echo { _ = buffer.withUnsafeBytes { write(2, $0.baseAddress, n) } }
            tail += buffer[..<n]
            if tail.count > 4 * tailBytes { tail.removeFirst(tail.count - tailBytes) }
        }
        child.closeOutput()
        let reaped = try child.wait(blocking: true)
        let wall = MonotonicClock.nanoseconds() &- start
        let recording = sampler?.finish() ?? GILProbeRecording(
            events: [], lostSamples: 0, droppedHits: 0, unmatched: 0, hits: 0, symbols: ("", ""))
        return RealGILRun(
            interpreter: interpreter, recording: recording, wallNanoseconds: wall, termination: reaped?.0,
            errorTail: tailLines(tail), interrupted: stopped, pid: child.pid)
    }

    /// Attaches to the running interpreter `pid` for `seconds` (or until it ends, or Ctrl-C).
    public static func attach(
        interpreter: PythonInterpreter, pid: Int32, seconds: Double, interrupted: () -> Bool = { Interruption.requested }
    ) throws(GilBenchError) -> RealGILRun {
        let sampler = try GILProbeSampler(interpreter: interpreter, target: .process(pid))
        let start = MonotonicClock.nanoseconds()
        var stopped = false
        while Double(MonotonicClock.nanoseconds() &- start) / 1e9 < seconds {
            usleep(UInt32(drainMilliseconds) * 1000)
            sampler.drain()
            if interrupted() { stopped = true; break }
            if kill(pid, 0) != 0 && errno == ESRCH { break }
        }
        let wall = MonotonicClock.nanoseconds() &- start
        return RealGILRun(
            interpreter: interpreter, recording: sampler.finish(), wallNanoseconds: wall, termination: nil, errorTail: "",
            interrupted: stopped, pid: pid)
    }

    /// The executable a running process runs (`/proc/PID/exe`).
    public static func executable(of pid: Int32) throws(GilBenchError) -> String {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe") else {
            throw GilBenchError(.runFailed, "no process \(pid) (or its executable cannot be read: /proc/\(pid)/exe)")
        }
        return path
    }

    /// The last lines of `bytes` within ``tailBytes``, from a line start when there is one.
    static func tailLines(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes.suffix(tailBytes), as: UTF8.self)
        if bytes.count > tailBytes, let newline = text.firstIndex(of: "\n") { text = String(text[text.index(after: newline)...]) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
