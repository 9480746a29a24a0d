import GilBenchSimulator
import GilBenchSystem

/// A ratio of two configurations' wall times, typed: which configuration is over which, the name
/// tables print, the name `gilbench compare` takes, and which way is better.
///
/// ``Summary/ratioPairs`` makes one ``Summary/RatioPair`` per kind it finds, `gilbench compare`
/// compares each as a metric of its own (``ComparedMetric/ratio(_:)``), and ``Fidelity`` pairs a
/// real interpreter's ratio with the simulator's of the same kind. The 2009 figure of a kind, where
/// the slides give one, is `SlideReference.ratio(_:)` in GilBench.
public enum RatioKind: Hashable, Sendable {
    /// A run in `mode` over the sequential run of the same work (same GIL, lock, CPUs; any thread and
    /// process counts): `threads/sequential`, `processes/sequential`.
    case overSequential(ExecutionMode)
    /// Threads on one CPU over the same threads on `cpus` CPUs (any CPU list): `1 cpu/2 cpus`.
    case oneCPUOver(cpus: Int)
    /// A sequential run on a started thread over the same run on the main thread (`SequentialThread`):
    /// what the thread alone changes, with no second thread to wait for.
    case workerOverMainThread
    /// The threaded run over the sequential run on a started thread: the threads/sequential ratio
    /// without what running on the main thread changes.
    case threadsOverWorkerThread
    /// A threaded run swept to a check interval of this many ticks over the same run at Python 2's
    /// default, 100 ticks: `check interval 10/100`.
    case checkInterval(Int)
    /// A threaded run swept to a switch interval of this many milliseconds over the same run at
    /// Python 3's default, 5 ms: `switch interval 0.5/5 ms`.
    case switchInterval(milliseconds: Double)

    /// The name tables print: `threads/sequential`, `1 cpu/2 cpus`, `worker thread/main thread`,
    /// `threads/sequential on a worker thread`, `check interval 10/100`, `switch interval 0.5/5 ms`.
    public var name: String {
        let defaults = RunConfiguration()
        switch self {
        case .overSequential(let mode): return "\(mode.rawValue)/sequential"
        case .oneCPUOver(let cpus): return "1 cpu/\(cpus) cpus"
        case .workerOverMainThread: return "worker thread/main thread"
        case .threadsOverWorkerThread: return "threads/sequential on a worker thread"
        case .checkInterval(let ticks): return "check interval \(ticks)/\(defaults.checkInterval)"
        case .switchInterval(let milliseconds):
            return "switch interval \(DecimalText.compact(milliseconds))/\(DecimalText.compact(defaults.switchIntervalMilliseconds)) ms"
        }
    }

    /// The name without spaces, as `gilbench compare` prints it and `--metrics` and `--threshold` take
    /// it: `threads/sequential`, `1cpu/2cpus`, `checkinterval10/100`.
    public var compactName: String { name.replacingOccurrences(of: " ", with: "") }

    /// The kind whose ``compactName`` is `compactName`; nil for any other text. The inverse of
    /// ``compactName``: the sequential mode over itself, and an interval over another denominator than
    /// Python's default, are no ratio gilbench makes.
    public init?(compactName: String) {
        let defaults = RunConfiguration()
        let kind: RatioKind
        if let fixed = Self.fixed.first(where: { $0.compactName == compactName }) {
            kind = fixed
        } else if let mode = compactName.strippingSuffix("/sequential").flatMap(ExecutionMode.init(rawValue:)), mode != .sequential {
            kind = .overSequential(mode)
        } else if let cpus = compactName.strippingPrefix("1cpu/")?.strippingSuffix("cpus").flatMap({ Int($0) }) {
            kind = .oneCPUOver(cpus: cpus)
        } else if let ticks = compactName.strippingPrefix("checkinterval")?.strippingSuffix("/\(defaults.checkInterval)").flatMap({ Int($0) }) {
            kind = .checkInterval(ticks)
        } else if let milliseconds = compactName.strippingPrefix("switchinterval")?
            .strippingSuffix("/\(DecimalText.compact(defaults.switchIntervalMilliseconds))ms").flatMap({ Double($0) }), milliseconds.isFinite {
            kind = .switchInterval(milliseconds: milliseconds)
        } else {
            return nil
        }
        // One spelling per kind: `checkinterval010/100` or `switchinterval.50/5ms` name none.
        guard kind.compactName == compactName else { return nil }
        self = kind
    }

    /// The kinds with no value of their own.
    private static let fixed: [RatioKind] = [.workerOverMainThread, .threadsOverWorkerThread]

    /// Which way the ratio should move: lower for every ratio but one CPU over more, where higher
    /// means the extra CPUs hurt less (Beazley's slide 80: they hurt).
    public var direction: Direction {
        if case .oneCPUOver = self { return .higherIsBetter }
        return .lowerIsBetter
    }

    /// The relative change `gilbench compare` takes for "unchanged" when no `--threshold` names the ratio.
    public var defaultThreshold: Double { 0.10 }

    // MARK: Configurations

    /// The denominator's configuration for the numerator's `key`, in every column but
    /// ``denominatorIgnores``: `key` with the mode, thread, CPUs or interval the kind changes.
    public func denominator(of key: ConfigurationKey) -> ConfigurationKey {
        let defaults = RunConfiguration()
        var key = key
        switch self {
        case .overSequential: key.mode = .sequential
        case .oneCPUOver(let cpus): key.cpus = cpus
        case .workerOverMainThread: key.sequentialThread = nil
        case .threadsOverWorkerThread:
            key.mode = .sequential
            key.sequentialThread = .worker
        case .checkInterval: key.checkInterval = defaults.checkInterval
        case .switchInterval: key.switchIntervalMs = defaults.switchIntervalMilliseconds
        }
        return key
    }

    /// The columns in which the denominator may differ from ``denominator(of:)`` as well: the thread
    /// and process counts and CPU list that follow a change of mode (``ConfigurationKey/followingMode``),
    /// and the CPU list of another CPU count.
    public var denominatorIgnores: Set<Column> {
        switch self {
        case .overSequential, .threadsOverWorkerThread: ConfigurationKey.followingMode
        case .oneCPUOver: [.cpuList]
        case .workerOverMainThread, .checkInterval, .switchInterval: []
        }
    }

    /// The ratio of a threaded run swept to another interval than Python's default (100 ticks, 5 ms)
    /// over the run at the default: ``checkInterval(_:)`` or ``switchInterval(milliseconds:)``; nil for
    /// other keys and for the default itself.
    public static func sweptInterval(of key: ConfigurationKey) -> RatioKind? {
        let defaults = RunConfiguration()
        switch key.sweepParameter {
        case .checkInterval:
            guard let ticks = key.checkInterval, ticks != defaults.checkInterval else { return nil }
            return .checkInterval(ticks)
        case .switchInterval:
            guard let milliseconds = key.switchIntervalMs, milliseconds != defaults.switchIntervalMilliseconds else { return nil }
            return .switchInterval(milliseconds: milliseconds)
        default:
            return nil
        }
    }
}

extension RatioKind: CustomStringConvertible {
    public var description: String { name }
}

extension String {
    /// The string without `suffix`; nil when it does not end with it.
    fileprivate func strippingSuffix(_ suffix: String) -> String? {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : nil
    }

    /// The string without `prefix`; nil when it does not start with it.
    fileprivate func strippingPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
