import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGilBench
import SystemPackage

/// The system calls the system-call counters make, one closure each, so that tests can replace any of
/// them and inject an errno (as swift-system's `Mocking.swift` replaces its syscalls), without a broken
/// machine. ``live`` calls the kernel.
///
/// Each closure is the raw layer of swift-system's three: it returns `Result<_, Errno>` and never throws;
/// the counters turn failures into `GilBenchError`s with context.
public struct SyscallCounterSystem: Sendable {
    /// perf_event_open(2) of a tracepoint, inheriting, on the calling thread (`gb_perf_tracepoint_open`).
    public var perfTracepointOpen: @Sendable (_ tracepointID: UInt64, _ groupFD: Int32) -> Result<Int32, Errno>
    /// ioctl(2) on a perf event descriptor (`gb_perf_control`).
    public var perfControl: @Sendable (_ fd: Int32, _ operation: gb_perf_control_op, _ filter: String?) -> Result<Void, Errno>
    /// read(2) of a counting perf event: its 64-bit value.
    public var readCounter: @Sendable (_ fd: Int32) -> Result<UInt64, Errno>
    /// close(2).
    public var close: @Sendable (_ fd: Int32) -> Void
    /// A small text file (tracefs event ids, /proc/sys settings).
    public var readFile: @Sendable (_ path: String) -> Result<String, Errno>
    /// mount(2) of tracefs on `target`.
    public var mountTracefs: @Sendable (_ target: String) -> Result<Void, Errno>
    /// Whether the process runs as root (effective uid 0).
    public var isRoot: @Sendable () -> Bool
    /// Forks a child that asks to be traced and executes `path` (`gb_spawn_traced`).
    public var spawnTraced: @Sendable (_ path: String, _ arguments: [String], _ keepFD: Int32) -> Result<Int32, Errno>

    public init(
        perfTracepointOpen: @escaping @Sendable (UInt64, Int32) -> Result<Int32, Errno>,
        perfControl: @escaping @Sendable (Int32, gb_perf_control_op, String?) -> Result<Void, Errno>,
        readCounter: @escaping @Sendable (Int32) -> Result<UInt64, Errno>,
        close: @escaping @Sendable (Int32) -> Void,
        readFile: @escaping @Sendable (String) -> Result<String, Errno>,
        mountTracefs: @escaping @Sendable (String) -> Result<Void, Errno>,
        isRoot: @escaping @Sendable () -> Bool,
        spawnTraced: @escaping @Sendable (String, [String], Int32) -> Result<Int32, Errno>
    ) {
        self.perfTracepointOpen = perfTracepointOpen
        self.perfControl = perfControl
        self.readCounter = readCounter
        self.close = close
        self.readFile = readFile
        self.mountTracefs = mountTracefs
        self.isRoot = isRoot
        self.spawnTraced = spawnTraced
    }

    /// The real kernel.
    public static let live = SyscallCounterSystem(
        perfTracepointOpen: { id, group in
            let fd = gb_perf_tracepoint_open(id, group)
            return fd >= 0 ? .success(fd) : .failure(Errno(rawValue: -fd))
        },
        perfControl: { fd, operation, filter in
            let status = filter.map { gb_perf_control(fd, operation, $0) } ?? gb_perf_control(fd, operation, nil)
            return status == 0 ? .success(()) : .failure(Errno(rawValue: -status))
        },
        readCounter: { fd in
            var value: UInt64 = 0
            let read = withUnsafeMutableBytes(of: &value) { bytes in Result { () throws(Errno) in try SystemCall.read(fd, into: bytes) } }
            // A counter's read is all 8 bytes or a failure; anything else is not a count.
            return read.flatMap { $0 == 8 ? .success(value) : .failure(.ioError) }
        },
        close: { fd in _ = Glibc.close(fd) },
        readFile: { path in
            Result { () throws(Errno) in try FileIO.readText(path) }
        },
        mountTracefs: { target in
            Glibc.mount("nodev", target, "tracefs", 0, nil) == 0 ? .success(()) : .failure(Errno(rawValue: errno))
        },
        isRoot: { geteuid() == 0 },
        spawnTraced: { path, arguments, keepFD in
            // argv as C strings that live until gb_spawn_traced returns (the child has exec'd or failed by then).
            let cStrings = arguments.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            var argv: [UnsafeMutablePointer<CChar>?] = cStrings + [nil]
            let pid = argv.withUnsafeMutableBufferPointer { gb_spawn_traced(path, $0.baseAddress, keepFD) }
            return pid > 0 ? .success(pid) : .failure(Errno(rawValue: -pid))
        })
}
