import GilBenchSimulator
import CGilBench
import SystemPackage
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The GIL counted inside a real interpreter: how often its acquire and release functions ran during
/// one measured run, with uprobes through perf_event_open (no `perf` binary).
public struct InterpreterGILCounts: Sendable, Equatable {
    /// Calls of the acquire function (`take_gil`, `PyThread_acquire_lock`): the `gil_acquisitions` column.
    public var acquisitions: Int
    /// Calls of the release function (`drop_gil`, `PyThread_release_lock`): `gil_releases`.
    public var releases: Int
    /// The acquire function counted: the `gil_probe` column.
    public var probe: String

    package init(acquisitions: Int, releases: Int, probe: String) {
        (self.acquisitions, self.releases, self.probe) = (acquisitions, releases, probe)
    }
}

/// Counts a real interpreter's GIL acquisitions and releases over its whole process tree with two
/// uprobes on the functions that take and drop it:
/// - CPython 3.2+: `take_gil` and `drop_gil` (`Python/ceval_gil.h`, `Python/ceval_gil.c` from 3.12), static
///   functions found in the library's `.symtab`: every acquisition of the GIL goes through `take_gil`;
/// - CPython 2: `PyThread_acquire_lock` and `PyThread_release_lock` (`Python/thread_pthread.h`), which
///   `PyEval_AcquireLock`/`PyEval_RestoreThread` call on `interpreter_lock` (`Python/ceval.c`). They are
///   every lock's functions: a `threading.Lock`, `Thread.join`'s condition and the import lock are
///   counted too, so on 2.x the column is an upper bound of the GIL's acquisitions.
///
/// The probes sit on the file offsets of those symbols in the file the interpreter actually maps
/// (`PythonInterpreter/library`: its `libpython*.so`, or the executable when statically linked), read by
/// ``ELFSymbolTable``. Each is defined as a uprobe trace event in tracefs (`uprobe_events`, the kernel's
/// `Documentation/trace/uprobetracer.rst`; what `perf probe -x` does) and opened with perf_event_open as a
/// tracepoint, through `PerfSyscallCounter`'s own path (`SyscallCounterSystem/perfTracepointOpen`): disabled,
/// on the calling thread, with `inherit`, so the interpreter spawned afterwards and every thread and
/// process it creates are counted (gilbench itself never runs that code). The `uprobe` PMU
/// (`/sys/bus/event_source/devices/uprobe`, path in config1) cannot be inherited: when a counted process
/// creates a thread, the kernel copies the event and re-reads the path from the *creating* process's
/// memory (`perf_uprobe_init` through `inherit_event`), where the pointer means nothing, and the clone
/// fails: CPython 3.11 said "can't start new thread" on this machine. ``begin()`` and ``end()`` read the
/// differences. Must be begun and ended on the thread that created it, which also spawns the interpreter.
public final class InterpreterGILCounter {
    /// The functions probed, acquire then release.
    public let symbols: (acquire: String, release: String)
    /// The thread that opened the events (an inherited counter follows only that thread's children).
    public let thread: Int32
    private let tracefs: TraceFS
    private let system: SyscallCounterSystem
    /// The trace events defined (`gilbench/<name>`), removed again on deinit.
    private var defined: [String] = []
    private var descriptors: [Int32] = []
    private var baseline: [UInt64] = [0, 0]

    /// The functions counted for `interpreter`, or why gilbench knows none.
    public static func symbols(for interpreter: PythonInterpreter) -> Result<(acquire: String, release: String), GilBenchError> {
        guard interpreter.hasGIL else {
            return .failure(GilBenchError(.runFailed, "\(interpreter.engine): no GIL to count (it runs without one)"))
        }
        guard interpreter.implementation == "cpython" else {
            return .failure(GilBenchError(.runFailed, "\(interpreter.engine) has no take_gil: gilbench probes CPython's GIL functions only"))
        }
        return .success(interpreter.gilDesign == .interval ? ("take_gil", "drop_gil") : ("PyThread_acquire_lock", "PyThread_release_lock"))
    }

    /// Defines and opens the two probes for `interpreter`.
    /// - Throws: `GilBenchError` with one line saying why the GIL cannot be counted: not CPython, no
    ///   library known, symbol missing (a stripped build), no tracefs, uprobes refused.
    public init(interpreter: PythonInterpreter, system: SyscallCounterSystem = .live) throws(GilBenchError) {
        let sites = try GILProbeSites(interpreter, failure: .runFailed)
        symbols = sites.symbols
        let (library, acquire, release) = (sites.library, sites.acquire, sites.release)
        self.system = system
        tracefs = try TraceFS(system: system)
        thread = gb_gettid()
        do throws(GilBenchError) {
            for (symbol, offset) in [(symbols.acquire, acquire), (symbols.release, release)] {
                let event = "\(symbol)_\(getpid())_\(InterpreterGILCounter.nextEvent.add(1, ordering: .relaxed).newValue)"
                try define("p:gilbench/\(event) \(library):0x\(String(offset, radix: 16))", what: "a uprobe on \(symbol) in \(library)")
                defined.append(event)
                let id = try tracefs.eventID("gilbench:\(event)")
                switch system.perfTracepointOpen(id, descriptors.first ?? -1) {
                case .success(let fd): descriptors.append(fd)
                case .failure(let error): throw PerfSyscallCounter.openError(error, event: "gilbench:\(event)", system: system)
                }
            }
        } catch {
            removeAll()
            throw error
        }
    }

    deinit { removeAll() }

    private static let nextEvent = Atomic<Int>(0)

    /// Appends one line to tracefs's `uprobe_events`.
    private func define(_ line: String, what: String) throws(GilBenchError) {
        try tracefs.appendUprobeEvent(line, what: what) { _ in .runFailed }
    }

    private func removeAll() {
        for fd in descriptors { system.close(fd) }
        descriptors = []
        for event in defined { try? define("-:gilbench/\(event)", what: "the removal of gilbench:\(event)") }
        defined = []
    }

    /// Reads both counters and enables them.
    public func begin() throws(GilBenchError) {
        baseline = try descriptors.map { fd throws(GilBenchError) in try read(fd) }
        if case .failure(let error) = system.perfControl(descriptors[0], GB_PERF_ENABLE, nil) {
            throw GilBenchError(.system, "cannot enable the GIL uprobes", errno: error.rawValue)
        }
    }

    /// Disables both counters; returns the calls since ``begin()``.
    public func end() throws(GilBenchError) -> InterpreterGILCounts {
        if case .failure(let error) = system.perfControl(descriptors[0], GB_PERF_DISABLE, nil) {
            throw GilBenchError(.system, "cannot disable the GIL uprobes", errno: error.rawValue)
        }
        let values = try descriptors.map { fd throws(GilBenchError) in try read(fd) }
        func counted(_ i: Int) -> Int { Int(clamping: values[i] &- min(baseline[i], values[i])) }
        return InterpreterGILCounts(acquisitions: counted(0), releases: counted(1), probe: symbols.acquire)
    }

    private func read(_ fd: Int32) throws(GilBenchError) -> UInt64 {
        switch system.readCounter(fd) {
        case .success(let value): return value
        case .failure(let error): throw GilBenchError(.system, "cannot read a GIL uprobe counter", errno: error.rawValue)
        }
    }
}

/// Where a real interpreter's GIL functions lie, for uprobes: the functions
/// (``InterpreterGILCounter/symbols(for:)``), the file its GIL code lives in
/// (`PythonInterpreter/library`), that file's symbol table, and the two functions' file offsets.
/// The counting probes (``InterpreterGILCounter``) and the timed ones (`GILProbeSampler`) both start here.
package struct GILProbeSites {
    package let symbols: (acquire: String, release: String)
    package let library: String
    package let table: ELFSymbolTable
    package let acquire: UInt64
    package let release: UInt64

    /// - Throws: `GilBenchError` with code `failure`, in one line: no GIL functions known for the
    ///   interpreter, no library known, or a symbol missing (a stripped build).
    package init(_ interpreter: PythonInterpreter, failure: GilBenchError.Code) throws(GilBenchError) {
        symbols = try InterpreterGILCounter.symbols(for: interpreter).mapError { GilBenchError(failure, $0.message) }.get()
        guard let library = interpreter.library else {
            throw GilBenchError(failure, "\(interpreter.engine) did not say which file holds its GIL code")
        }
        let table = try ELFSymbolTable(path: library)
        guard let acquire = table.fileOffset(of: symbols.acquire), let release = table.fileOffset(of: symbols.release) else {
            let missing = table.functions[symbols.acquire] == nil ? symbols.acquire : symbols.release
            throw GilBenchError(failure, "\(library) has no \(missing) in its symbol tables (a stripped build?)")
        }
        (self.library, self.table, self.acquire, self.release) = (library, table, acquire, release)
    }
}
