import GilBench
import SystemPackage
import Testing

/// A fake kernel: every call succeeds with plausible values unless a test makes it fail.
func fakeSystem(
    open: @escaping @Sendable (UInt64, Int32) -> Result<Int32, Errno> = { _, _ in .success(100) },
    tracefs: Bool = true, root: Bool = false,
    mount: @escaping @Sendable (String) -> Result<Void, Errno> = { _ in .failure(.notPermitted) },
    spawn: @escaping @Sendable (String, [String], Int32) -> Result<Int32, Errno> = { _, _, _ in .failure(.notPermitted) }
) -> SyscallCounterSystem {
    SyscallCounterSystem(
        perfTracepointOpen: open,
        perfControl: { _, _, _ in .success(()) },
        readCounter: { _ in .success(7) },
        close: { _ in },
        readFile: { path in
            if path == "/proc/sys/kernel/perf_event_paranoid" { return .success("2\n") }
            guard tracefs, path.hasPrefix("/sys/kernel/tracing/") else { return .failure(.noSuchFileOrDirectory) }
            return .success(path.hasSuffix("/id") ? "42\n" : "raw_syscalls:sys_enter\n")
        },
        mountTracefs: mount,
        isRoot: { root },
        spawnTraced: spawn)
}

@Suite("System-call counters fail with a clear reason (injected errno)")
struct SyscallCounterFailureTests {
    func openError(_ errno: Errno) -> GilBenchError? {
        let system = fakeSystem(open: { _, _ in .failure(errno) })
        do {
            _ = try PerfSyscallCounter(events: PerfSyscallEvents(system: system))
            return nil
        } catch {
            return error
        }
    }

    @Test("perf refused (EACCES) names perf_event_paranoid")
    func perfRefused() throws {
        let error = try #require(openError(.permissionDenied))
        #expect(error.description.contains("perf_event_open refused raw_syscalls:sys_enter"))
        #expect(error.description.contains("perf_event_paranoid is 2"))
        #expect(error.errno == .permissionDenied)
    }

    @Test("A kernel without the event (ENOENT) says so")
    func eventMissing() throws {
        let error = try #require(openError(.noSuchFileOrDirectory))
        #expect(error.description.contains("this kernel has no raw_syscalls:sys_enter event"))
    }

    @Test("A kernel without perf_event_open (ENOSYS) says so")
    func noPerf() throws {
        let error = try #require(openError(.noFunction))
        #expect(error.description.contains("no perf_event_open"))
    }

    @Test("tracefs missing, not root: how to mount it")
    func tracefsMissing() {
        #expect {
            _ = try PerfSyscallEvents(system: fakeSystem(tracefs: false))
        } throws: { error in
            (error as? GilBenchError)?.message.contains("tracefs is not mounted") == true
                && (error as? GilBenchError)?.message.contains("mount -t tracefs nodev /sys/kernel/tracing") == true
        }
    }

    @Test("tracefs missing, root, mount refused: the mount's errno")
    func tracefsMountRefused() {
        #expect {
            _ = try PerfSyscallEvents(system: fakeSystem(tracefs: false, root: true))
        } throws: { error in
            (error as? GilBenchError)?.description == "tracefs is not mounted and mounting it on /sys/kernel/tracing failed: Operation not permitted"
        }
    }

    @Test("ptrace refused (EPERM) says why")
    func ptraceRefused() {
        #expect {
            _ = try PtraceTracer.run(arguments: ["gilbench"], replyFlag: "--ptrace-reply-fd", system: fakeSystem())
        } throws: { error in
            (error as? GilBenchError)?.description.hasPrefix("ptrace refused") == true
                && (error as? GilBenchError)?.errno == .notPermitted
        }
    }

    @Test("auto falls back from perf to ptrace with one notice; explicit perf falls back to none")
    func fallbacks() throws {
        let system = fakeSystem(open: { _, _ in .failure(.permissionDenied) })
        var notices: [String] = []
        let auto = try SyscallCounting.prepare([.auto], system: system, notify: { notices.append($0) })
        guard case .traceChild = auto else { Issue.record("auto without perf should trace a child"); return }
        #expect(notices.count == 1)
        #expect(notices.first?.contains("counting with ptrace instead") == true)
        notices = []
        let perf = try SyscallCounting.prepare([.perf], system: system, notify: { notices.append($0) })
        guard case .count(let counting) = perf else { Issue.record("explicit perf should count with none"); return }
        #expect(counting.counters == [.none])
        #expect(notices.count == 1)
        #expect(notices.first?.contains("system-call columns left empty") == true)
    }

    @Test("ptrace cannot share a run with another counter")
    func ptraceAlone() {
        #expect(throws: GilBenchError.self) {
            _ = try SyscallCounting.prepare([.ptrace, .none], system: fakeSystem(), notify: { _ in })
        }
    }

    @Test("Unmeasured syscall columns are empty, not zero")
    func emptyNotZero() {
        let perf = SyscallCounts(counter: .perf, total: 5, calls: ["futex": 3], isComplete: false)
        #expect(perf.record[.syscallsFutex] == "3")
        #expect(perf.record[.syscallsRead] == nil)
        let ptrace = SyscallCounts(counter: .ptrace, total: 5, calls: ["futex": 3], isComplete: true)
        #expect(ptrace.record[.syscallsRead] == "0")
        #expect(RunConfiguration().record[.syscallsTotal] == nil)
    }

    @Test("The tracer's reply survives a round trip and a torn reply is refused")
    func replyParsing() {
        let counts = PtraceReply.parse("total 12 1\nfutex 10 1\ngetppid 2 0\nend\n")
        #expect(counts?.total == 12)
        #expect(counts?.totalErrors == 1)
        #expect(counts?.count("futex") == 10)
        #expect(counts?.count("read") == 0)
        #expect(PtraceReply.parse("total 12 1\nfutex 10") == nil)
    }

    @Test("System-call names for both architectures")
    func names() {
        #expect(SyscallNames.x86_64[202] == "futex")
        #expect(SyscallNames.aarch64[98] == "futex")
        #expect(SyscallNames.x86_64[110] == "getppid")
        #expect(SyscallNames.aarch64[173] == "getppid")
        #expect(SyscallNames.name(99_999) == "syscall_99999")
    }
}
