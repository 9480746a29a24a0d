import GilBenchSimulator
/// System-call counting for a whole run: which counters the configurations use, the probe of every
/// measurement (one perf counter for the whole run: see ``PerfSyscallCounter`` for why). Each
/// measurement carries its detailed counts (`RunMeasurement.syscalls`).
///
/// Made by ``prepare(_:names:countErrors:system:notify:)``, which decides what `--syscalls`
/// means on this machine: a counter that cannot be used is reported in one line and replaced (auto: perf,
/// else ptrace, else none; an explicit perf or ptrace: none), so a run always completes.
public final class SyscallCounting {
    /// The counters the configurations are run with (each configuration once per counter, alternating).
    public let counters: [SyscallCounterKind]
    /// The run's one perf counter, opened by ``prepare(_:names:countErrors:system:notify:)``.
    private let perfCounter: PerfSyscallCounter?
    private let replyFD: Int32?

    init(counters: [SyscallCounterKind], perfCounter: PerfSyscallCounter?, replyFD: Int32?) {
        self.counters = counters
        self.perfCounter = perfCounter
        self.replyFD = replyFD
    }

    /// What `--syscalls` resolved to.
    public enum Preparation {
        /// Count in this process with these counters.
        case count(SyscallCounting)
        /// Counting needs ptrace: re-run this command as a traced child (``PtraceTracer``), then count
        /// with none (``SyscallCounting/none()``) if the child cannot be traced.
        case traceChild
    }

    /// No counting (every syscall column empty).
    public static func none() -> SyscallCounting { SyscallCounting(counters: [.none], perfCounter: nil, replyFD: nil) }

    /// This process is the ptrace tracer's child: count with markers and read the tracer's replies.
    public static func tracedChild(replyFD: Int32) -> SyscallCounting {
        SyscallCounting(counters: [.ptrace], perfCounter: nil, replyFD: replyFD)
    }

    /// Resolves `--syscalls`.
    /// - Parameters:
    ///   - requests: the counters asked for; several (such as perf and none) run every configuration
    ///     with each, alternating, to measure a counter's overhead in one run.
    ///   - names: the calls counted by name (default: `CountedSyscall/named`).
    ///   - countErrors: count failed calls too (perf: exit tracepoints filtered on `ret < 0`).
    ///   - system: the system calls used (``SyscallCounterSystem/live`` but in tests).
    ///   - notify: one line per counter that cannot be used, and why.
    /// - Throws: `GilBenchError` (`.usage`) when ptrace is combined with other counters: it traces the
    ///   whole run, so no configuration of that run would be untraced.
    public static func prepare(
        _ requests: [SyscallCounterRequest], names: [String] = CountedSyscall.names, countErrors: Bool = false,
        system: SyscallCounterSystem = .live, notify: (String) -> Void
    ) throws(GilBenchError) -> Preparation {
        var counters: [SyscallCounterKind] = []
        var perfCounter: PerfSyscallCounter?
        var perfFailure: GilBenchError?
        func perfUsable() -> Bool {
            if perfCounter != nil { return true }
            if perfFailure != nil { return false }
            do {
                let events = try PerfSyscallEvents(names: names, countErrors: countErrors, system: system, notify: notify)
                perfCounter = try PerfSyscallCounter(events: events)  // proves perf_event_open works, and is kept
                return true
            } catch {
                perfFailure = error
                return false
            }
        }
        /// perf when it works; else `fallback`, with a notice of why and of what that means.
        func perfOr(_ fallback: SyscallCounterKind, _ meaning: String) -> SyscallCounterKind {
            guard !perfUsable() else { return .perf }
            notify("perf system-call counter unavailable: \(perfFailure!); \(meaning)")
            return fallback
        }
        for request in requests {
            let kind: SyscallCounterKind
            switch request {
            case .none: kind = .none
            case .ptrace: kind = .ptrace
            case .perf: kind = perfOr(.none, "system-call columns left empty")
            case .auto: kind = perfOr(.ptrace, "counting with ptrace instead (slow: timings not comparable)")
            }
            if !counters.contains(kind) { counters.append(kind) }
        }
        if counters.contains(.ptrace) {
            guard counters.count == 1 else {
                throw GilBenchError(
                    .usage, "--syscalls ptrace traces the whole run and cannot be combined with other counters in one run")
            }
            return .traceChild
        }
        // A counter opened for perf, then not used (ptrace asked for), closes here.
        return .count(SyscallCounting(
            counters: counters.isEmpty ? [.none] : counters, perfCounter: counters.contains(.perf) ? perfCounter : nil, replyFD: nil))
    }

    /// Each configuration once per counter, the counters of one configuration next to each other.
    public func expand(_ configurations: [RunConfiguration]) -> [RunConfiguration] {
        configurations.flatMap { configuration in
            counters.map { counter in
                var c = configuration
                c.syscallCounter = counter
                return c
            }
        }
    }

    /// Measures `configuration` once with its counter (a `Session` measure function).
    /// - Throws: `GilBenchError` from the run or the counter.
    public func measure(_ configuration: RunConfiguration) throws(GilBenchError) -> RunMeasurement {
        switch configuration.syscallCounter {
        case .none:
            return try Runner.measure(configuration)
        case .perf:
            guard let counter = perfCounter else { return try Runner.measure(configuration) }
            return try Runner.measure(configuration, probes: [counter])
        case .ptrace:
            guard let replyFD else { return try Runner.measure(configuration) }
            return try Runner.measure(configuration, probes: [PtraceRegionProbe(replyFD: replyFD)])
        }
    }

    /// A probe for a region of the caller's own (not a ``Runner`` measurement), with the first counter;
    /// nil when that counter is `none`.
    /// - Throws: `GilBenchError` when the perf events cannot be opened.
    public func makeProbe() throws(GilBenchError) -> (any SyscallProbe)? {
        switch counters.first ?? .none {
        case .none: return nil
        case .perf: return perfCounter
        case .ptrace: return replyFD.map { PtraceRegionProbe(replyFD: $0) }
        }
    }
}

/// A system-call counter around a region: `begin()` then ``stop()`` for the counts.
public protocol SyscallProbe: MeasurementProbe {
    /// Ends the region and returns what it counted.
    func stop() throws(GilBenchError) -> SyscallCounts
}

extension PerfSyscallCounter: SyscallProbe {}
extension PtraceRegionProbe: SyscallProbe {}
