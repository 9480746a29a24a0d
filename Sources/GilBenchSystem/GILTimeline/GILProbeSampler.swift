import GilBenchSimulator
import CGilBench
import Foundation
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// One hit of a GIL probe, decoded from a perf sample.
public struct GILProbeHit: Sendable, Equatable {
    /// What the probed code was doing.
    public enum Role: UInt8, Sendable {
        /// Entry of the acquire function (`take_gil`, `PyThread_acquire_lock`): the thread asks for the lock.
        case request
        /// Return of the acquire function: the lock is the thread's.
        case granted
        /// Entry of the release function (`drop_gil`, `PyThread_release_lock`).
        case release
    }
    public var nanoseconds: UInt64
    public var pid: Int32
    public var tid: Int32
    public var role: Role
    /// Whether the lock is the GIL: always on 3.x; on 2.7 whether the lock argument is `interpreter_lock`
    /// (a return probe cannot see its argument: it is paired with its thread's last request).
    public var onGIL: Bool

    public init(nanoseconds: UInt64, pid: Int32, tid: Int32, role: Role, onGIL: Bool = true) {
        (self.nanoseconds, self.pid, self.tid, self.role, self.onGIL) = (nanoseconds, pid, tid, role, onGIL)
    }
}

/// How the raw records of the GIL probes are read: which tracepoint id is which probe, and (CPython 2)
/// where the lock argument and the value of `interpreter_lock` sit in an entry probe's record (after
/// the 8-byte common fields and the 8-byte `__probe_ip`, as the uprobe's tracefs `format` file says).
public struct GILProbeDecoding: Sendable {
    public var roles: [UInt16: GILProbeHit.Role]
    /// Offsets of the `lock` and `gil` fields in entry records, when the probed functions serve every
    /// lock (CPython 2); nil when every call concerns the GIL (`take_gil`/`drop_gil`).
    public var lockFields: (lock: Int, gil: Int)?

    public init(roles: [UInt16: GILProbeHit.Role], lockFields: (lock: Int, gil: Int)?) {
        (self.roles, self.lockFields) = (roles, lockFields)
    }

    /// The hit `sample` is, or nil when it is no probe of ours or a release of another lock than the GIL.
    public func hit(_ sample: PerfSample) -> GILProbeHit? {
        sample.raw.withUnsafeBytes { hit(pid: sample.pid, tid: sample.tid, nanoseconds: sample.nanoseconds, raw: $0) }
    }

    /// The hit a sample with this raw record is (see ``hit(_:)``).
    public func hit(pid: Int32, tid: Int32, nanoseconds: UInt64, raw: UnsafeRawBufferPointer) -> GILProbeHit? {
        guard raw.count >= 2, let role = roles[UInt16(littleEndian: raw.loadUnaligned(as: UInt16.self))] else { return nil }
        var onGIL = true
        if let lockFields, role != .granted {
            guard raw.count >= max(lockFields.lock, lockFields.gil) + 8 else { return nil }
            let lock = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: lockFields.lock, as: UInt64.self))
            let gil = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: lockFields.gil, as: UInt64.self))
            onGIL = gil != 0 && lock == gil
            if role == .release && !onGIL { return nil }
        }
        return GILProbeHit(nanoseconds: nanoseconds, pid: pid, tid: tid, role: role, onGIL: onGIL)
    }

    /// The GIL's events of `hits` in time order, in the simulator's recorder's terms (thread = the
    /// kernel's thread id): a request is `.waiting`, its return `.acquired`, a release `.released`.
    /// A return without its request (the probes began in the middle of the call) is left out and counted.
    public static func timeline(_ hits: [GILProbeHit]) -> (events: [GILEventRecorder.Event], unmatched: Int) {
        let ordered = hits.enumerated().sorted { ($0.element.nanoseconds, $0.offset) < ($1.element.nanoseconds, $1.offset) }
        var pending: [Int32: Bool] = [:]
        var events: [GILEventRecorder.Event] = []
        events.reserveCapacity(hits.count)
        var unmatched = 0
        for (_, hit) in ordered {
            let thread = Int(hit.tid)
            switch hit.role {
            case .request:
                pending[hit.tid] = hit.onGIL
                if hit.onGIL { events.append(.init(nanoseconds: hit.nanoseconds, thread: thread, kind: .waiting)) }
            case .granted:
                switch pending.removeValue(forKey: hit.tid) {
                case true?: events.append(.init(nanoseconds: hit.nanoseconds, thread: thread, kind: .acquired))
                case false?: break
                case nil: unmatched += 1
                }
            case .release:
                events.append(.init(nanoseconds: hit.nanoseconds, thread: thread, kind: .released))
            }
        }
        return (events, unmatched)
    }
}

/// What the GIL probes recorded.
public struct GILProbeRecording: Sendable {
    /// The GIL's events, in time order (thread: the kernel's thread id).
    public var events: [GILEventRecorder.Event]
    /// Samples the kernel dropped because a ring buffer was full (`PERF_RECORD_LOST`).
    public var lostSamples: UInt64
    /// Hits not kept because gilbench's own store was full.
    public var droppedHits: Int
    /// Returns of the acquire function without their request.
    public var unmatched: Int
    /// Probe hits decoded (every lock's, on CPython 2).
    public var hits: Int
    /// The functions probed, `take_gil`/`drop_gil` or `PyThread_acquire_lock`/`PyThread_release_lock`.
    public var symbols: (acquire: String, release: String)
}

/// Timed GIL events from a real CPython: uprobes on entry and return of the function that takes the GIL
/// and on entry of the one that drops it (`InterpreterGILCounter` says which, and where they are), defined
/// in tracefs and opened with perf_event_open as sampling tracepoints, one event per probe and per CPU,
/// each CPU's events writing into one mmap ring buffer; no `perf` binary.
///
/// - CPython 3.2+: `take_gil` entry (the request), `take_gil` return (the grant), `drop_gil` entry.
/// - CPython 2: `PyThread_acquire_lock` entry and return, `PyThread_release_lock` entry, which every lock
///   uses; the entry probes also fetch the first argument (the lock, `%di` on x86-64, `%x0` on arm64)
///   and the value of `interpreter_lock` (`Python/ceval.c`, a static found in `.symtab`, fetched with
///   `@+OFFSET`), and only calls on the GIL are kept.
///
/// The events are opened per CPU because the kernel maps the buffer of an inherited event only when it
/// is bound to one CPU (`perf_mmap` refuses `inherit` with cpu -1). ``Target/children`` opens them on the
/// calling thread with `inherit`, so that the interpreter it spawns next, with all its threads, is
/// followed (the tracepoint form, not the `uprobe` PMU, for the reason `InterpreterGILCounter` gives);
/// ``Target/process(_:)`` opens them on each thread of a running process (threads it creates later are
/// inherited). Samples carry the thread ids and the CLOCK_MONOTONIC time (`use_clockid`).
///
/// The probes are removed from `uprobe_events` when the sampler ends, and by a watcher process if
/// gilbench dies first (a watcher process, `ProbeRemovalWatcher`).
public final class GILProbeSampler {
    /// Which probes are defined.
    public enum ProbeSet: Sendable, Equatable {
        /// Entry and return of the acquire function and entry of the release function: every request,
        /// grant and release, timed.
        case timed
        /// The release function's entry alone. Who released the GIL, release after release, tells the
        /// hand-offs (a release by another thread than the previous one means the GIL changed hands)
        /// with no probe between a release and the re-acquisition that follows it: on CPython 2.7, whose
        /// running thread calls `PyThread_release_lock` and at once `PyThread_acquire_lock` every 100
        /// ticks, a probe on the acquire function sits inside that window and changes who wins the race
        /// for the lock (see `GILTimelineComparison`).
        case releases
    }

    public enum Target: Sendable, Equatable {
        /// The processes the calling thread starts after the sampler is made.
        case children
        /// A running process, by pid.
        case process(Int32)
    }

    public let symbols: (acquire: String, release: String)
    /// The trace events defined (`gilbench/<name>`).
    public private(set) var defined: [String] = []
    private let tracefs: TraceFS
    private let system: SyscallCounterSystem
    private var descriptors: [Int32] = []
    private var rings: [PerfSampleRing] = []
    private var decoding = GILProbeDecoding(roles: [:], lockFields: nil)
    private var watcher: ProbeRemovalWatcher?
    private var hits: [GILProbeHit] = []
    private var lost: UInt64 = 0
    private var dropped = 0
    private var decoded = 0
    /// Hits kept at most (24 bytes each); more are counted in ``GILProbeRecording/droppedHits``.
    public let capacity: Int

    /// Defines the probes for `interpreter` and opens them for `target`.
    /// - Parameters:
    ///   - pages: data pages of each CPU's ring buffer (a power of two).
    ///   - capacity: hits kept at most.
    /// - Throws: `GilBenchError`: `.unavailable` when the interpreter lacks the symbols (a stripped build),
    ///   when uprobes are refused or tracefs is missing; `.system` for other failures.
    ///   - probes: the probes to define (``ProbeSet/timed``: all three).
    public init(
        interpreter: PythonInterpreter, target: Target, probes probeSet: ProbeSet = .timed, pages: Int = 4096,
        capacity: Int = 40_000_000, system: SyscallCounterSystem = .live
    ) throws(GilBenchError) {
        let sites = try GILProbeSites(interpreter, failure: .unavailable)
        symbols = sites.symbols
        let (library, table, acquire, release) = (sites.library, sites.table, sites.acquire, sites.release)
        var lockArguments = ""
        var lockFields: (lock: Int, gil: Int)?
        if interpreter.gilDesign == .ticks {
            guard let gil = table.fetchOffset(of: "interpreter_lock", probing: symbols.acquire) else {
                throw GilBenchError(.unavailable, "\(library) has no interpreter_lock in its symbol tables (a stripped build?)")
            }
            #if arch(arm64)
            let register = "%x0"
            #else
            let register = "%di"
            #endif
            lockArguments = " lock=\(register):u64 gil=@+0x\(String(gil, radix: 16)):u64"
            lockFields = (16, 24)
        }
        self.system = system
        self.capacity = capacity
        do {
            tracefs = try TraceFS(system: system)
        } catch {
            throw GilBenchError(.unavailable, error.message, errno: error.errno)
        }
        var roles: [UInt16: GILProbeHit.Role] = [:]
        let releaseProbe: (GILProbeHit.Role, String, UInt64, String) = (.release, "p", release, lockArguments)
        let probes: [(GILProbeHit.Role, String, UInt64, String)] = switch probeSet {
        case .timed: [(.request, "p", acquire, lockArguments), (.granted, "r", acquire, ""), releaseProbe]
        case .releases: [releaseProbe]
        }
        do throws(GilBenchError) {
            for (role, kind, offset, arguments) in probes {
                let event = "gt_\(role)_\(getpid())_\(GILProbeSampler.nextEvent.add(1, ordering: .relaxed).newValue)"
                try define("\(kind):gilbench/\(event) \(library):0x\(String(offset, radix: 16))\(arguments)", what: "a uprobe on \(kind == "r" ? "the return of " : "")\(role == .release ? symbols.release : symbols.acquire) in \(library)")
                defined.append(event)
                if watcher == nil { watcher = ProbeRemovalWatcher(tracefs: tracefs.root) }
                watcher?.watch(event)
                let id = try tracefs.eventID("gilbench:\(event)")
                roles[UInt16(truncatingIfNeeded: id)] = role
            }
            decoding = GILProbeDecoding(roles: roles, lockFields: lockFields)
            let tasks: [Int32]
            switch target {
            case .children: tasks = [0]
            case .process(let pid): tasks = try GILProbeSampler.threads(of: pid)
            }
            for cpu in GILProbeSampler.onlineCPUs() {
                var leader: Int32 = -1
                for task in tasks {
                    for event in defined {
                        let id = try tracefs.eventID("gilbench:\(event)")
                        let fd = gb_perf_sampler_open(id, task, Int32(cpu), 1)
                        guard fd >= 0 else {
                            if fd == -ESRCH { continue }  // a thread of the target ended meanwhile
                            let error = PerfSyscallCounter.openError(Errno(rawValue: -fd), event: "gilbench:\(event)", system: system)
                            throw GilBenchError(fd == -EACCES || fd == -EPERM ? .unavailable : .system, error.message, errno: error.errno)
                        }
                        descriptors.append(fd)
                        if leader < 0 {
                            leader = fd
                            rings.append(try PerfSampleRing(fd: fd, pages: pages))
                        } else if gb_perf_set_output(fd, leader) != 0 {
                            throw GilBenchError(.system, "cannot join the GIL probes of CPU \(cpu) into one ring buffer", errno: errno)
                        }
                    }
                }
            }
            if descriptors.isEmpty { throw GilBenchError(.runFailed, "no GIL probe could be opened") }
        } catch {
            removeAll()
            throw error
        }
    }

    deinit { removeAll() }

    private static let nextEvent = Atomic<Int>(0)

    /// Reads every ring buffer and keeps the GIL's hits. Call often enough that no buffer fills up
    /// (each holds `pages` pages; a full one loses samples, which are counted).
    public func drain() {
        let decoding = decoding
        for ring in rings {
            let records = ring.drain { pid, tid, time, raw in
                guard let hit = decoding.hit(pid: pid, tid: tid, nanoseconds: time, raw: raw) else { return }
                decoded += 1
                if hits.count < capacity { hits.append(hit) } else { dropped += 1 }
            }
            lost &+= records.lost
        }
    }

    /// Drains the buffers a last time, closes the events, removes the probes and returns the events.
    public func finish() -> GILProbeRecording {
        drain()
        removeAll()
        let (events, unmatched) = GILProbeDecoding.timeline(hits)
        hits = []
        return GILProbeRecording(events: events, lostSamples: lost, droppedHits: dropped, unmatched: unmatched, hits: decoded, symbols: symbols)
    }

    private func removeAll() {
        rings = []
        for fd in descriptors { system.close(fd) }
        descriptors = []
        for event in defined { try? define("-:gilbench/\(event)", what: "the removal of gilbench:\(event)") }
        defined = []
        watcher = nil
    }

    /// Appends one line to tracefs's `uprobe_events`.
    private func define(_ line: String, what: String) throws(GilBenchError) {
        // No permission to open it means uprobes are not to be had here (69); the kernel refusing a
        // line too; any other failure to open is the system's.
        try tracefs.appendUprobeEvent(line, what: what) { openErrno in
            guard let openErrno else { return .unavailable }
            return openErrno == EACCES || openErrno == EPERM ? .unavailable : .system
        }
    }

    /// The online CPUs (`/sys/devices/system/cpu/online`, such as `0-3,5`); 0..<n from sysconf otherwise.
    static func onlineCPUs() -> [Int] {
        if let text = try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8) {
            var cpus: [Int] = []
            for part in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
                let bounds = part.split(separator: "-").compactMap { Int($0) }
                if bounds.count == 2, bounds[0] <= bounds[1] { cpus += Array(bounds[0]...bounds[1]) } else if bounds.count == 1 { cpus.append(bounds[0]) }
            }
            if !cpus.isEmpty { return cpus }
        }
        return Array(0..<max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }

    /// The thread ids of process `pid` (`/proc/PID/task`).
    static func threads(of pid: Int32) throws(GilBenchError) -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else {
            throw GilBenchError(.runFailed, "no process \(pid) (nothing in /proc/\(pid)/task)")
        }
        return names.compactMap { Int32($0) }.sorted()
    }
}

/// A process that outlives gilbench and removes its uprobes from tracefs once gilbench's end of a pipe
/// closes, whatever ended gilbench (a crash, SIGKILL): a background `sh` (the subshell of a spawned `sh`,
/// so that the parent-death signal `ChildProcess` sets is cleared for it, and which ignores SIGINT and
/// SIGHUP) waits for the end of its input, then writes `-:gilbench/<event>` for each event still listed
/// in `uprobe_events`, retrying for 5 s while the kernel still holds them (their perf events close with
/// the dead process). After a normal end gilbench has removed them already and the watcher finds none.
final class ProbeRemovalWatcher {
    private var child: ChildProcess?

    init?(tracefs: String) {
        let script = """
            exec 3<&0
            ( trap '' INT HUP TERM
              events=$(cat <&3)
              n=0
              while [ $n -lt 50 ]; do
                left=0
                for e in $events; do
                  if grep -q "^[pr]:gilbench/$e " "$0/uprobe_events" 2>/dev/null; then
                    echo "-:gilbench/$e" >> "$0/uprobe_events" 2>/dev/null || left=1
                  fi
                done
                [ $left = 0 ] && exit 0
                n=$((n+1)); sleep 0.1
              done ) </dev/null >/dev/null 2>&1 3<&3 &
            """
        guard let child = try? ChildProcess.spawn(executable: "/bin/sh", arguments: ["sh", "-c", script, tracefs]) else { return nil }
        _ = try? child.wait(blocking: true)
        self.child = child
    }

    /// Adds `event` to the events removed.
    func watch(_ event: String) {
        guard let fd = child?.input, fd >= 0 else { return }
        let bytes = Array((event + "\n").utf8)
        _ = write(fd, bytes, bytes.count)
    }

    deinit { child?.closeInput() }
}
