import CGilBench
import GilBench
import GilBenchTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("perf system-call counter", .serialized, .requiresPerf)
struct PerfSyscallCounterTests {
    func counter() throws -> PerfSyscallCounter {
        try PerfSyscallCounter(events: PerfSyscallEvents(names: ["getppid", "futex"]))
    }

    @Test("Counts 1,000 getppid() calls exactly; the total has one call more, the disabling ioctl")
    func countsKnownCalls() throws {
        let counts = try SyscallCheckRegion.run(counter(), calls: 1000, threads: 0)
        #expect(counts.count("getppid") == 1000)
        #expect(counts.total == 1000 + PerfSyscallCounter.harnessCalls)
        #expect(counts.record[.syscallCounter] == "perf")
    }

    @Test("An idle region counts near zero")
    func idleRegion() throws {
        let probe = try counter()
        try probe.begin()
        _ = gb_churn(5_000_000)  // busy, no system call
        let counts = try probe.stop()
        #expect(counts.total <= PerfSyscallCounter.harnessCalls + 1)
        #expect(counts.count("getppid") == 0)
    }

    @Test("Threads created after the counters are opened are counted")
    func threadsCreatedLater() throws {
        let counts = try SyscallCheckRegion.run(counter(), calls: 4000, threads: 4)
        #expect(counts.count("getppid") == 4000)
        #expect(counts.total > 4000)  // plus each thread's creation and exit
    }

    @Test("Counts only inside the region: calls before begin() and after stop() are not counted")
    func confinedToRegion() throws {
        let probe = try counter()
        for _ in 0..<100 { _ = getppid() }
        try probe.begin()
        for _ in 0..<10 { _ = getppid() }
        let counts = try probe.stop()
        for _ in 0..<100 { _ = getppid() }
        #expect(counts.count("getppid") == 10)
    }

    @Test("One counter serves region after region: each counts its own calls, threads that exited included")
    func reusedAcrossRegions() throws {
        let probe = try counter()
        let first = try SyscallCheckRegion.run(probe, calls: 3000, threads: 3)
        for _ in 0..<50 { _ = getppid() }
        let second = try SyscallCheckRegion.run(probe, calls: 700, threads: 0)
        let third = try SyscallCheckRegion.run(probe, calls: 1000, threads: 2)
        #expect(first.count("getppid") == 3000)
        #expect(second.count("getppid") == 700)
        #expect(second.total == 700 + PerfSyscallCounter.harnessCalls)
        #expect(third.count("getppid") == 1000)
    }

    @Test("A countdown measured by the runner with the counter fills the syscall columns")
    func runnerFillsColumns() throws {
        var configuration = RunConfiguration()
        configuration.n = 1000
        configuration.mode = .threads
        let measurement = try Runner.measure(configuration, probes: [counter()])
        let total = try #require(measurement.record[.syscallsTotal].flatMap(Int.init))
        #expect(total > 0)
        #expect(measurement.record[.syscallCounter] == "perf")
        let futex = try #require(measurement.record[.syscallsFutex].flatMap(Int.init))
        #expect(futex >= 0 && futex <= total)
        #expect(measurement.record[.syscallsRead] == nil)  // not watched by this counter: empty, not zero
    }

    @Test("A sequential countdown's region holds only the harness's calls: the runner's own bookkeeping (clocks, /proc/stat) stays outside")
    func sequentialRegionIsQuiet() throws {
        var configuration = RunConfiguration()
        configuration.n = 100_000
        configuration.mode = .sequential
        let measurement = try Runner.measure(configuration, probes: [counter()])
        let total = try #require(measurement.syscalls?.total)
        // getrusage twice, the clock reads (vDSO: none) and the disabling ioctl: a handful.
        #expect(total <= 6, "\(total) system calls in a sequential countdown's region")
        // /proc/stat, read outside the region, still measured it: over every CPU the run was allowed.
        let disturbance = try #require(measurement.disturbance)
        #expect(disturbance.cpuCount == (try CPUAffinity.current()).count)
        #expect(disturbance.stealSeconds >= 0 && disturbance.foreignCPUSeconds >= 0)
    }
}
