import GilBenchSimulator
import GilBenchSystem
import SystemPackage

/// The GIL's events in the Trace Event Format (its JSON object form), which chrome://tracing and
/// Perfetto open: one track per interpreter thread, holding and waiting for the GIL as complete
/// events, failed wake-ups as instants.
///
/// Times are microseconds from the first event. An acquisition without its release, a release
/// without its acquisition or a wait without its acquisition (the recorder's buffer filled up, say)
/// is left out and counted in `otherData` as `unpaired_events`.
public enum TraceEventFile {
    /// A value of `otherData`.
    public enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
        case number(Double)
    }

    /// The file's text and what it holds.
    public struct Trace: Sendable {
        /// The JSON text.
        public var text: String
        /// Trace events (holds, waits, failed wake-ups; metadata not counted) per interpreter thread.
        public var eventsPerThread: [Int: Int]
        /// Recorded events left out because their pair is missing.
        public var unpaired: Int
    }

    /// The name of the complete events of a thread that holds the GIL.
    public static let holdsName = "holds GIL"
    /// The name of the complete events of a thread that waits for the GIL.
    public static let waitsName = "waits for GIL"
    /// The name of the instant events of failed wake-ups.
    public static let failedWakeupName = "failed wake-up"

    /// Converts a run's GIL events into a trace.
    /// - Parameters:
    ///   - events: the recorded events in time order, as `GILEventRecorder.events()` gives them.
    ///   - processName: the name of the one process (pid 1).
    ///   - otherData: written in `otherData` in this order, followed by `unpaired_events`.
    public static func render(
        _ events: [GILEventRecorder.Event], processName: String, otherData: [(key: String, value: Value)] = []
    ) -> Trace {
        let origin = events.first?.nanoseconds ?? 0
        var lines: [String] = []
        var perThread: [Int: Int] = [:]
        var unpaired = 0
        var waitStart: [Int: UInt64] = [:]
        var holdStart: [Int: UInt64] = [:]
        func complete(_ name: String, _ thread: Int, from start: UInt64, to end: UInt64) {
            lines.append(
                "{\"name\":\(quoted(name)),\"cat\":\"gil\",\"ph\":\"X\",\"pid\":1,\"tid\":\(thread),"
                    + "\"ts\":\(microseconds(start &- origin)),\"dur\":\(microseconds(end >= start ? end - start : 0))}")
            perThread[thread, default: 0] += 1
        }
        for e in events {
            switch e.kind {
            case .waiting:
                if waitStart.updateValue(e.nanoseconds, forKey: e.thread) != nil { unpaired += 1 }
            case .acquired:
                if let start = waitStart.removeValue(forKey: e.thread) {
                    complete(waitsName, e.thread, from: start, to: e.nanoseconds)
                }
                if holdStart.updateValue(e.nanoseconds, forKey: e.thread) != nil { unpaired += 1 }
            case .released:
                if let start = holdStart.removeValue(forKey: e.thread) {
                    complete(holdsName, e.thread, from: start, to: e.nanoseconds)
                } else {
                    unpaired += 1
                }
            case .failedWakeup:
                lines.append(
                    "{\"name\":\(quoted(failedWakeupName)),\"cat\":\"gil\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":\(e.thread),"
                        + "\"ts\":\(microseconds(e.nanoseconds &- origin))}")
                perThread[e.thread, default: 0] += 1
            }
        }
        unpaired += waitStart.count + holdStart.count
        let threads = Set(events.map(\.thread)).sorted()
        var metadata = ["{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\(quoted(processName))}}"]
        for t in threads {
            metadata.append("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":\(t),\"args\":{\"name\":\(quoted("thread \(t)"))}}")
            metadata.append("{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":\(t),\"args\":{\"sort_index\":\(t)}}")
        }
        let other = (otherData + [(key: "unpaired_events", value: .int(unpaired))])
            .map { "\(quoted($0.key)):\(json($0.value))" }.joined(separator: ",")
        var text = "{\"traceEvents\":[\n"
        text += (metadata + lines).joined(separator: ",\n")
        text += "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{\(other)}}\n"
        return Trace(text: text, eventsPerThread: perThread, unpaired: unpaired)
    }

    /// `nanoseconds` as microseconds with three decimals, exactly.
    static func microseconds(_ nanoseconds: UInt64) -> String {
        let fraction = String(nanoseconds % 1000)
        return "\(nanoseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    static func json(_ value: Value) -> String {
        switch value {
        case .string(let s): quoted(s)
        case .int(let i): String(i)
        case .number(let d): d.isFinite ? String(d) : "null"
        }
    }

    /// `s` as a JSON string literal.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension TraceEventFile.Trace {
    /// Writes the text to `path`, replacing what was there.
    /// - Throws: `GilBenchError` `.unwritableOutput` when the file cannot be opened or written.
    public func write(to path: String) throws(GilBenchError) {
        do {
            let fd = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
            defer { try? fd.close() }
            _ = try fd.writeAll(Array(text.utf8))
        } catch let error as Errno {
            throw GilBenchError(.unwritableOutput, "cannot write \(path)", errno: error)
        } catch {
            throw GilBenchError(.unwritableOutput, "cannot write \(path)")
        }
    }
}

extension TraceEventFile {
    /// The process name of a trace of `configuration`: `gilbench <design>` (with the lock for ticks).
    public static func processName(_ configuration: RunConfiguration) -> String {
        configuration.gil == .ticks ? "gilbench ticks (\(configuration.lock.rawValue))" : "gilbench \(configuration.gil.rawValue)"
    }

    /// `otherData` of a trace: the configuration, the run's wall time, the GIL's counters, the events
    /// the recorder dropped and gilbench's version.
    public static func otherData(
        _ configuration: RunConfiguration, _ measurement: RunMeasurement, dropped: Int
    ) -> [(key: String, value: Value)] {
        var out: [(key: String, value: Value)] = [
            ("workload", .string(configuration.workload.rawValue)),
            ("mode", .string(configuration.mode.rawValue)),
            ("gil", .string(configuration.gil.rawValue)),
            ("lock", .string(configuration.lock.rawValue)),
            ("n", .int(configuration.n)),
            ("threads", .int(configuration.tasks)),
            ("check_interval", .int(configuration.checkInterval)),
            ("switch_interval_ms", .number(configuration.switchIntervalMilliseconds)),
            ("cpus", .string(configuration.cpus.description)),
            ("wall_s", .number(measurement.wallSeconds)),
        ]
        if let gil = measurement.gil {
            out.append(("gil_acquisitions", .int(gil.acquisitions)))
            out.append(("gil_handoffs", .int(gil.handoffs)))
            if let failed = gil.failedAcquisitions { out.append(("gil_failed_wakeups", .int(failed))) }
            out.append(("gil_wait_ns", .int(Int(clamping: gil.waitNanoseconds))))
            if let forced = gil.forcedSwitches { out.append(("gil_forced_switches", .int(forced))) }
        }
        out.append(("dropped_events", .int(dropped)))
        out.append(("gilbench_version", .string(MachineInfo.gilbenchVersion)))
        return out
    }
}
