/// Which counter counts a configuration's system calls (the CSV column `syscall_counter`).
///
/// It is part of the configuration: rows counted by different counters are different configurations,
/// so that timings slowed by ptrace are never summarised or compared with untraced ones.
public enum SyscallCounterKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// perf_event_open tracepoints counted by the kernel: cheap, timings stay comparable.
    case perf
    /// A ptrace tracer stopping the run at every call: exact but hundreds of times slower.
    case ptrace
    /// No counting; the syscall columns stay empty.
    case none

    /// What `syscall_counter` holds: empty when nothing was counted.
    public var column: String { self == .none ? "" : rawValue }
}

/// What `--syscalls` asks for: a counter, or `auto` (perf, else ptrace, else none).
public enum SyscallCounterRequest: String, Sendable, Hashable, CaseIterable {
    case auto, perf, ptrace, none
}

