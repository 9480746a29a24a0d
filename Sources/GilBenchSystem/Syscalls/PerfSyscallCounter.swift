import GilBenchSimulator
import CGilBench
import Foundation
import SystemPackage

/// The tracepoints the perf counter opens, resolved once from tracefs for a whole run.
public struct PerfSyscallEvents: Sendable {
    /// `raw_syscalls:sys_enter`: every system call entered.
    public var total: UInt64
    /// `syscalls:sys_enter_<name>` for each name this kernel has (a missing one leaves its column empty).
    public var named: [(name: String, id: UInt64)]
    /// `raw_syscalls:sys_exit` and `syscalls:sys_exit_<name>`, filtered to failures (`ret < 0`); empty
    /// unless errors were asked for.
    public var totalErrors: UInt64?
    public var namedErrors: [(name: String, id: UInt64)]
    let system: SyscallCounterSystem

    /// Resolves the events from tracefs.
    /// - Parameters:
    ///   - names: the calls counted by name (default: `CountedSyscall/named`).
    ///   - countErrors: also open exit events filtered to failed calls (for `--syscall-table`).
    ///   - system: the system calls used (``SyscallCounterSystem/live`` but in tests).
    ///   - notify: one-line notices (tracefs mounted, a named event missing).
    /// - Throws: `GilBenchError` when tracefs or `raw_syscalls:sys_enter` is missing.
    public init(
        names: [String] = CountedSyscall.names, countErrors: Bool = false,
        system: SyscallCounterSystem = .live, notify: (String) -> Void = { _ in }
    ) throws(GilBenchError) {
        self.system = system
        let tracefs = try TraceFS(system: system, notify: notify)
        total = try tracefs.eventID("raw_syscalls:sys_enter")
        named = []
        namedErrors = []
        var missing: [String] = []
        for name in names {
            if let id = try? tracefs.eventID("syscalls:sys_enter_\(name)") {
                named.append((name, id))
                if countErrors, let exit = try? tracefs.eventID("syscalls:sys_exit_\(name)") { namedErrors.append((name, exit)) }
            } else {
                missing.append(name)
            }
        }
        if !missing.isEmpty {
            notify("this kernel has no syscalls:sys_enter_ tracepoint for \(missing.joined(separator: ", ")): those columns stay empty")
        }
        totalErrors = countErrors ? try? tracefs.eventID("raw_syscalls:sys_exit") : nil
    }
}

/// Counts the system calls of the measured region with perf_event_open tracepoints, in the kernel.
///
/// All events form one group led by `raw_syscalls:sys_enter`, opened disabled on the calling thread with
/// `inherit`, so that every thread and process it creates afterwards is counted too (threads that already
/// existed are not). ``begin()`` reads each counter and enables the group with one ioctl, ``end()``
/// disables it with one ioctl and reads each counter again: the region's counts are the differences. The
/// region's count therefore includes exactly one call of the harness's own: the disabling ioctl (its entry
/// fires while the group is still enabled); the reads and the enabling ioctl are not counted.
///
/// One counter serves every region of a run. Opening is cheap, but closing is not: the kernel
/// unregisters each tracepoint with an RCU grace period, measured at 36 to 45 ms per event on a 2-core
/// VM (`strace -r` on `gilbench run --syscalls perf`), so a counter of 7 events costs about 0.25 s to
/// close. Reading the differences, rather than resetting, also covers the counts of exited threads and
/// processes, which `PERF_EVENT_IOC_RESET` does not clear (`child_count` in the kernel's perf core).
///
/// Must be created, begun and ended on the thread that will create the workers.
public final class PerfSyscallCounter: MeasurementProbe {
    /// Calls of the counter's own counted in ``SyscallCounts/total``: the disabling ioctl.
    public static let harnessCalls = 1

    private let system: SyscallCounterSystem
    private var descriptors: [(role: Role, fd: Int32)] = []
    /// Each counter's value when the current region began.
    private var baseline: [UInt64] = []
    /// The counts of the last region, kept for tables.
    public private(set) var last: SyscallCounts?

    enum Role: Equatable {
        case total, named(String), totalErrors, namedErrors(String)
    }

    /// Opens the events (disabled).
    /// - Throws: `GilBenchError` naming the event and the reason perf_event_open refused it.
    public init(events: PerfSyscallEvents) throws(GilBenchError) {
        system = events.system
        do {
            let leader = try open(events.total, "raw_syscalls:sys_enter", group: -1)
            descriptors.append((.total, leader))
            for (name, id) in events.named {
                descriptors.append((.named(name), try open(id, "syscalls:sys_enter_\(name)", group: leader)))
            }
            if let id = events.totalErrors {
                let fd = try open(id, "raw_syscalls:sys_exit", group: leader)
                descriptors.append((.totalErrors, fd))
                try filterFailures(fd, "raw_syscalls:sys_exit")
            }
            for (name, id) in events.namedErrors {
                let fd = try open(id, "syscalls:sys_exit_\(name)", group: leader)
                descriptors.append((.namedErrors(name), fd))
                try filterFailures(fd, "syscalls:sys_exit_\(name)")
            }
        } catch {
            closeAll()
            throw error
        }
    }

    deinit { closeAll() }

    public func begin() throws(GilBenchError) {
        guard let leader = descriptors.first?.fd else { return }
        baseline = try readAll()
        if case .failure(let error) = system.perfControl(leader, GB_PERF_ENABLE, nil) {
            throw GilBenchError(.system, "cannot enable the perf system-call counters", errno: error.rawValue)
        }
    }

    public func end() throws(GilBenchError) -> SyscallCounts {
        try stop()
    }

    /// Disables the group and reads every counter once.
    public func stop() throws(GilBenchError) -> SyscallCounts {
        guard let leader = descriptors.first?.fd else { throw GilBenchError(.system, "the perf counter has no events") }
        if case .failure(let error) = system.perfControl(leader, GB_PERF_DISABLE, nil) {
            throw GilBenchError(.system, "cannot disable the perf system-call counters", errno: error.rawValue)
        }
        var counts = SyscallCounts(counter: .perf, total: 0, calls: [:], isComplete: false)
        let values = try readAll()
        for (index, (role, _)) in descriptors.enumerated() {
            let start = index < baseline.count ? baseline[index] : 0
            let value = Int(clamping: values[index] &- min(start, values[index]))
            switch role {
            case .total: counts.total = value
            case .named(let name): counts.calls[name] = value
            case .totalErrors: counts.totalErrors = value
            case .namedErrors(let name): counts.errors[name] = value
            }
        }
        last = counts
        return counts
    }

    /// Every counter's value, in the order of ``descriptors``.
    private func readAll() throws(GilBenchError) -> [UInt64] {
        var values: [UInt64] = []
        for (_, fd) in descriptors {
            switch system.readCounter(fd) {
            case .success(let v): values.append(v)
            case .failure(let error): throw GilBenchError(.system, "cannot read a perf system-call counter", errno: error.rawValue)
            }
        }
        return values
    }

    private func open(_ id: UInt64, _ event: String, group: Int32) throws(GilBenchError) -> Int32 {
        switch system.perfTracepointOpen(id, group) {
        case .success(let fd): return fd
        case .failure(let error): throw PerfSyscallCounter.openError(error, event: event, system: system)
        }
    }

    private func filterFailures(_ fd: Int32, _ event: String) throws(GilBenchError) {
        if case .failure(let error) = system.perfControl(fd, GB_PERF_SET_FILTER, "ret < 0") {
            throw GilBenchError(.system, "cannot filter \(event) to failed calls", errno: error.rawValue)
        }
    }

    private func closeAll() {
        for (_, fd) in descriptors { system.close(fd) }
        descriptors = []
    }

    /// Why perf_event_open refused `event`, in words a user can act on.
    static func openError(_ error: Errno, event: String, system: SyscallCounterSystem) -> GilBenchError {
        let message = switch error {
        case .permissionDenied, .notPermitted:
            "perf_event_open refused \(event) (kernel.perf_event_paranoid is \(paranoid(system)); run as root or lower it)"
        case .noSuchFileOrDirectory: "perf_event_open: this kernel has no \(event) event"
        case .noFunction: "this kernel has no perf_event_open (built without CONFIG_PERF_EVENTS)"
        default: "perf_event_open failed for \(event)"
        }
        return GilBenchError(.system, message, errno: error)
    }

    /// The kernel's perf_event_paranoid setting, or "unknown".
    private static func paranoid(_ system: SyscallCounterSystem) -> String {
        (try? system.readFile("/proc/sys/kernel/perf_event_paranoid").get())?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
    }
}
