import GilBenchSimulator
import Foundation

/// What one run of gilbench's Python programs (``PythonPrograms``) reports about itself, decoded once
/// from the one JSON object it prints after `GILBENCH-RESULT `:
///
///     GILBENCH-RESULT {"impl": "cpython", "region_s": 0.081234, "version": "3.11.7"}
///
/// gilbench measures the process from outside; this is what only the script knows: which interpreter
/// it is, how long the experiment's region took, and the experiment's own figures.
public struct TwinMeasurement: Sendable, Equatable, Decodable {
    /// `cpython`, `pypy`, ...
    public var implementation: String
    /// The language version, e.g. `3.11.7`.
    public var version: String
    /// Seconds the experiment's region took, start-up and imports left out.
    public var regionSeconds: Double
    /// PyPy's own version, e.g. `7.3.11`.
    public var pypyVersion: String?
    /// `identify`: the file the interpreter's GIL code lives in (its `libpython*.so`, or the executable).
    public var library: String?
    /// `identify`: whether the interpreter runs with a GIL (false for Jython, and for a free-threaded
    /// CPython whose `sys._is_gil_enabled()` says so); nil from programs that do not say.
    public var gilEnabled: Bool?
    /// `identify`: whether it is a free-threaded build (`Py_GIL_DISABLED`, PEP 703).
    public var freeThreaded: Bool?
    /// `identify`: the modules some twins need that it lacks (`multiprocessing`, `ctypes`).
    public var missingModules: [String]?
    /// A JIT interpreter's runs of the experiment before the measured one, in the same process.
    public var jitWarmups: Int?
    /// `race`: the shared `x` after the two threads.
    public var raceFinalX: Int?
    /// Hashing: files hashed and their bytes.
    public var files: Int?
    public var bytes: Int?
    /// Pipelines: messages received, their rate and latency percentiles.
    public var messages: Int?
    public var messagesPerSecond: Double?
    public var messageLatencyP50Microseconds: Double?
    public var messageLatencyP99Microseconds: Double?
    /// Long tick: the long instruction's length, and how long the waiter waited for the GIL after it.
    public var longTickMicroseconds: Double?
    public var latencyMicroseconds: Double?
    /// Server (`server-MODEL`): the connections it served, the peak resident set of its processes
    /// summed in KiB (its own `VmHWM` from `/proc/self/status`, each worker's `ru_maxrss` from `os.wait4`),
    /// the loop it ran (`asyncore`, `selectors`, `epoll`) and its worker processes.
    public var connectionsServed: Int?
    public var rssKiB: Int?
    public var serverLoop: String?
    public var workerProcesses: Int?

    enum CodingKeys: String, CodingKey {
        case implementation = "impl"
        case version
        case regionSeconds = "region_s"
        case pypyVersion = "pypy_version"
        case library
        case gilEnabled = "gil_enabled"
        case freeThreaded = "free_threaded"
        case missingModules = "missing_modules"
        case jitWarmups = "jit_warmups"
        case raceFinalX = "race_final_x"
        case files
        case bytes
        case messages
        case messagesPerSecond = "messages_per_s"
        case messageLatencyP50Microseconds = "message_latency_p50_us"
        case messageLatencyP99Microseconds = "message_latency_p99_us"
        case longTickMicroseconds = "long_tick_us"
        case latencyMicroseconds = "latency_us"
        case connectionsServed = "connections_served"
        case rssKiB = "rss_kib"
        case serverLoop = "server_loop"
        case workerProcesses = "worker_processes"
    }

    package init(implementation: String, version: String, regionSeconds: Double) {
        self.implementation = implementation
        self.version = version
        self.regionSeconds = regionSeconds
    }

    /// What starts the result line.
    public static let prefix = "GILBENCH-RESULT "

    /// Decodes the last `GILBENCH-RESULT` line of `output`, what interpreter `name` printed.
    /// - Throws: `GilBenchError` `.runFailed` naming the interpreter and what it printed: its last line
    ///   when there is no result line, else the result line and what is wrong with it (not JSON, a
    ///   field missing or of the wrong type).
    public static func decode(from output: String, interpreter name: String) throws(GilBenchError) -> TwinMeasurement {
        let lines = output.split(whereSeparator: \.isNewline)
        guard let line = lines.last(where: { $0.hasPrefix(prefix) }) else {
            let last = lines.last.map(String.init) ?? "(nothing)"
            throw GilBenchError(.runFailed, "\(name) did not print a result (its last line: \(last.prefix(160)))")
        }
        func malformed(_ problem: String) -> GilBenchError {
            GilBenchError(.runFailed, "\(name): printed a malformed result (\(problem)): \(line.prefix(160))")
        }
        let json = Data(line.dropFirst(prefix.count).utf8)
        // JSONDecoder says "not valid JSON" also of a number that does not fit its field (2.5 for an
        // Int): JSONSerialization tells the two apart.
        guard let object = try? JSONSerialization.jsonObject(with: json) else { throw malformed("not JSON") }
        guard object is [String: Any] else { throw malformed("not a JSON object") }
        do {
            return try JSONDecoder().decode(TwinMeasurement.self, from: json)
        } catch let error as DecodingError {
            throw malformed(problem(error))
        } catch {
            throw malformed("\(error)")
        }
    }

    /// What is wrong with a JSON object, in a few words: `no region_s`, `region_s is not a number`.
    private static func problem(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, _): return "no \(key.stringValue)"
        case .valueNotFound(_, let context): return "\(field(context.codingPath)) is null"
        case .typeMismatch(let type, let context):
            let expected = type == Double.self ? "a number" : type == Int.self ? "a whole number" : type == String.self ? "a string" : "\(type)"
            return "\(field(context.codingPath)) is not \(expected)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "a value does not fit its field" : "\(field(context.codingPath)) is not valid"
        @unknown default:
            return "undecodable"
        }
    }
}
