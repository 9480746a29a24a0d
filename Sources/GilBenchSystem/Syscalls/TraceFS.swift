import GilBenchSimulator
import Foundation
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Finds tracepoint ids in tracefs, mounting tracefs first when it is missing and we are root.
///
/// perf_event_open names a tracepoint by the number in `events/<system>/<event>/id`, under
/// `/sys/kernel/tracing` (tracefs) or `/sys/kernel/debug/tracing` (older kernels, through debugfs).
public struct TraceFS: Sendable {
    /// Where tracefs is looked for, in order; the first is where gilbench mounts it.
    public static let roots = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]

    /// The tracefs directory in use.
    public let root: String
    let system: SyscallCounterSystem

    /// Locates tracefs; when it is not mounted and the process is root, mounts it on
    /// `/sys/kernel/tracing` and says so through `notify`.
    /// - Throws: `GilBenchError` (`.system`) saying tracefs is missing and how to mount it.
    public init(system: SyscallCounterSystem = .live, notify: (String) -> Void = { _ in }) throws(GilBenchError) {
        self.system = system
        if let found = TraceFS.mounted(system) {
            root = found
            return
        }
        let target = TraceFS.roots[0]
        if system.isRoot() {
            switch system.mountTracefs(target) {
            case .success:
                if let found = TraceFS.mounted(system) {
                    notify("tracefs was not mounted: mounted it on \(target)")
                    root = found
                    return
                }
            case .failure(let error):
                throw GilBenchError(
                    .system, "tracefs is not mounted and mounting it on \(target) failed", errno: error.rawValue)
            }
        }
        throw GilBenchError(
            .system,
            "tracefs is not mounted (no events under \(TraceFS.roots.joined(separator: " or "))); as root: mount -t tracefs nodev \(target)")
    }

    /// The first root that holds tracefs' events (its `raw_syscalls` or any `available_events`).
    static func mounted(_ system: SyscallCounterSystem) -> String? {
        TraceFS.roots.first { root in
            if case .success = system.readFile(root + "/available_events") { return true }
            return false
        }
    }

    /// The id of tracepoint `system:event` (such as `raw_syscalls:sys_enter`).
    /// - Throws: `GilBenchError` (`.system`) when this kernel has no such event.
    public func eventID(_ event: String) throws(GilBenchError) -> UInt64 {
        let parts = event.split(separator: ":", maxSplits: 1)
        let path = root + "/events/" + parts.joined(separator: "/") + "/id"
        switch system.readFile(path) {
        case .success(let text):
            guard let id = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw GilBenchError(.system, "\(path) does not hold a tracepoint id")
            }
            return id
        case .failure(let error):
            throw GilBenchError(.system, "this kernel has no \(event) tracepoint (\(path))", errno: error.rawValue)
        }
    }

    /// Appends one line to `uprobe_events` (the kernel's `Documentation/trace/uprobetracer.rst`):
    /// defines a uprobe, or removes one with `-:`. The GIL's counting probes and its timed probes
    /// both define theirs here.
    /// - Parameters:
    ///   - what: the probe in words, for the error.
    ///   - failure: the error's code, given the errno when the file cannot be opened, nil when the
    ///     kernel refuses the line.
    package func appendUprobeEvent(_ line: String, what: String, failure: (_ openErrno: Int32?) -> GilBenchError.Code) throws(GilBenchError) {
        let path = root + "/uprobe_events"
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw GilBenchError(failure(errno), "cannot define \(what): \(path) cannot be opened", errno: errno) }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw GilBenchError(failure(nil), "the kernel refused \(what) (\(path))", errno: errno)
        }
    }
}
