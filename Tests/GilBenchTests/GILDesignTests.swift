import Glibc
import Synchronization
import GilBenchTestSupport
import Testing
@testable import GilBench

/// Wraps a GIL design and counts the threads that run interpreter code at the same moment.
///
/// A thread counts as running from the moment ``acquire(_:)`` (or a tick, or the return from
/// blocking) hands it the GIL until it calls into the design again. Two counted at once is a
/// violation of the GIL's one promise.
final class CheckedGIL<Inner: GlobalInterpreterLock>: GlobalInterpreterLock, @unchecked Sendable {
    // @unchecked Sendable: `inner` is Sendable; the counters are atomics.
    let inner: Inner
    private let holders = Atomic<Int>(0)
    let violations = Atomic<Int>(0)
    let entries = Atomic<Int>(0)

    init(_ inner: Inner) { self.inner = inner }

    private func enter() {
        let now = holders.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
        entries.wrappingAdd(1, ordering: .relaxed)
        if now > 1 { violations.wrappingAdd(1, ordering: .relaxed) }
    }

    private func leave() { holders.wrappingSubtract(1, ordering: .sequentiallyConsistent) }

    func acquire(_ thread: inout InterpreterThread) { inner.acquire(&thread); enter() }
    func release(_ thread: inout InterpreterThread) { leave(); inner.release(&thread) }
    func tick(_ thread: inout InterpreterThread) { leave(); inner.tick(&thread); enter() }
    func releaseForBlocking(_ thread: inout InterpreterThread) { leave(); inner.releaseForBlocking(&thread) }
    func acquireAfterBlocking(_ thread: inout InterpreterThread) { inner.acquireAfterBlocking(&thread); enter() }
    func counters() -> GILCounters { inner.counters() }
}

/// Every design under test, by name (the test arguments).
enum DesignUnderTest: String, CaseIterable, CustomTestStringConvertible {
    case ticksSemaphore, ticksCondvar, interval, fair, priority
    var testDescription: String { rawValue }

    /// The design's settings, with intervals short enough that threads switch often under stress.
    var settings: InterpreterSettings {
        let gil: GILDesign = switch self {
        case .ticksSemaphore, .ticksCondvar: .ticks
        case .interval: .interval
        case .fair: .fair
        case .priority: .priority
        }
        return InterpreterSettings(
            gil: gil, lock: self == .ticksCondvar ? .condvar : .semaphore, checkInterval: 3, switchIntervalMilliseconds: 0.01)
    }
}

/// Runs `tasks` in one thread each under `gil`, as the runner does, and waits for them.
func runThreads<G: GlobalInterpreterLock>(_ gil: G, _ tasks: [InterpretedTask], shared: SharedState) throws {
    var threads: [NativeThread] = []
    for (index, task) in tasks.enumerated() {
        threads.append(try NativeThread.spawn {
            var thread = InterpreterThread(id: index)
            gil.acquire(&thread)
            _ = VirtualMachine.run(task.program, arguments: task.arguments, gil: gil, thread: &thread, shared: shared)
            gil.release(&thread)
        })
    }
    for thread in threads { thread.join() }
}

/// Runs `tasks` in one thread each under the GIL the factory hands it; returns its counters.
struct ThreadedRun: GILBody {
    let tasks: [InterpretedTask]
    var shared = SharedState(globals: 0, locks: 0)

    func run<G: GlobalInterpreterLock>(_ gil: G) throws -> GILCounters {
        try runThreads(gil, tasks, shared: shared)
        return gil.counters()
    }
}

/// Two CPU-bound threads and two that call a GIL-releasing native function in a loop, so that
/// every path of a design (tick switches, blocking releases, returns from blocking) is taken.
func stressTasks() -> [InterpretedTask] {
    let countdown = InterpretedTask(program: Programs.countdown, arguments: [30_000])
    let calls = InterpretedTask(program: ExtensionWorkload.program, arguments: [2_000, 20])
    return [countdown, calls, countdown, calls]
}

/// Runs `tasks` in one thread each under the GIL the factory hands it, wrapped in a ``CheckedGIL``.
struct CheckedRun: GILBody {
    var tasks = stressTasks()

    func run<G: GlobalInterpreterLock>(_ gil: G) throws -> (violations: Int, entries: Int, counters: GILCounters) {
        let checked = CheckedGIL(gil)
        try runThreads(checked, tasks, shared: SharedState(globals: 0, locks: 0))
        return (checked.violations.load(ordering: .relaxed), checked.entries.load(ordering: .relaxed), checked.counters())
    }
}

func stress(_ design: DesignUnderTest, recordWaits: Bool = false) throws -> (violations: Int, entries: Int, counters: GILCounters) {
    try design.settings.withGIL(recordWaits: recordWaits, CheckedRun())
}

@Suite("GIL designs")
struct GILDesignTests {
    @Test("At most one thread runs interpreter code at any moment, under stress", arguments: DesignUnderTest.allCases)
    func mutualExclusion(design: DesignUnderTest) throws {
        let result = try stress(design)
        #expect(result.violations == 0)
        #expect(result.entries > 100_000)
        // The threads really took turns, so the exclusion was put to the test.
        // (At least one: on a loaded machine threads can run nearly one after another; 6 was seen.)
        #expect(result.counters.handoffs > 0)
    }

    @Test("The checker catches two threads at once when there is no GIL (negative control)")
    func checkerCatchesNoGIL() throws {
        // Without a GIL the threads overlap as soon as two CPUs run them; on one CPU they overlap
        // whenever the kernel preempts one inside its loop. Long enough for either to happen.
        let task = InterpretedTask(program: Programs.countdown, arguments: [2_000_000])
        let none = InterpreterSettings(gil: .none, lock: .semaphore, checkInterval: 100)
        #expect(try none.withGIL(CheckedRun(tasks: [task, task, task, task])).violations > 0)
    }

    @Test("Every design keeps the counters: acquisitions, hand-offs, waits and a wait histogram", arguments: DesignUnderTest.allCases)
    func countersAreKept(design: DesignUnderTest) throws {
        let counters = try stress(design, recordWaits: true).counters
        #expect(counters.acquisitions > counters.handoffs)
        #expect(counters.waitNanoseconds > 0)
        #expect((counters.waitSamples?.count ?? 0) > 0)
        switch design {
        case .ticksSemaphore:
            #expect(counters.failedAcquisitions == nil, "a semaphore hides failed wake-ups in the kernel")
        case .ticksCondvar:
            // Each contended acquisition's failures are in its power-of-two bucket of the histogram:
            // bucket 0 holds none, bucket k between 2^(k-1) and 2^k - 1.
            let failed = try #require(counters.failedAcquisitions)
            let histogram = try #require(counters.failedWakeupHistogram)
            let least = histogram.counts.indices.dropFirst().reduce(0) { $0 + histogram.counts[$1] * (1 << ($1 - 1)) }
            let most = histogram.counts.indices.dropFirst().reduce(0) { $0 + histogram.counts[$1] * ((1 << $1) - 1) }
            #expect((least...most).contains(failed), "\(failed) failed wake-ups against buckets \(histogram.counts)")
        case .fair:
            // Every release hands the GIL to a waiter that waits alone on its condition: no wake-up fails.
            #expect(counters.failedAcquisitions == 0)
        case .interval, .priority:
            // Counted (a waiter woken after another thread took the GIL first); how often is the
            // scheduler's doing, so only that the design sees them is checked.
            #expect(counters.failedAcquisitions != nil)
        }
        if [.interval, .priority].contains(design) {
            // Each forced switch hands the GIL to another thread (FORCE_SWITCHING; the priority design
            // counts one only when a waiter takes it).
            let forced = try #require(counters.forcedSwitches)
            #expect(forced <= counters.handoffs)
        } else {
            #expect(counters.forcedSwitches == nil)
        }
    }

    @Test("The factory builds the design the settings name, with a wait histogram exactly when asked",
          arguments: GILDesign.allCases, LockKind.allCases)
    func factoryBuildsTheNamedDesign(design: GILDesign, lock: LockKind) throws {
        struct Built: GILBody {
            func run<G: GlobalInterpreterLock>(_ gil: G) -> (type: String, counters: GILCounters) {
                var thread = InterpreterThread(id: 0)
                gil.acquire(&thread)
                gil.release(&thread)
                return (String(describing: G.self), gil.counters())
            }
        }
        let settings = InterpreterSettings(gil: design, lock: lock, checkInterval: 100)
        let expected = switch design {
        case .ticks: lock == .semaphore ? "TickGIL<SemaphoreLock>" : "TickGIL<ConditionVariableLock>"
        case .interval: "IntervalGIL"
        case .fair: "FairGIL"
        case .priority: "PriorityGIL"
        case .none: "NoGIL"
        }
        let recording = settings.withGIL(recordWaits: true, Built())
        #expect(recording.type == expected)
        #expect(recording.counters.acquisitions == 1)
        #expect(recording.counters.waitSamples?.count == 0)  // recorded, and nobody waited
        #expect(settings.withGIL(Built()).counters.waitSamples == nil)
    }

    @Test("interval: a waiter's drop request forces the holder off at its next tick, and another thread takes it")
    func intervalForcesSwitch() throws {
        let gil = IntervalGIL(switchIntervalMilliseconds: 1)
        var main = InterpreterThread(id: 0)
        gil.acquire(&main)
        let waiterGotIt = Atomic<Bool>(false)
        let waiter = try NativeThread.spawn {
            var thread = InterpreterThread(id: 1)
            gil.acquire(&thread)
            waiterGotIt.store(true, ordering: .releasing)
            gil.release(&thread)
        }
        // The holder runs "instructions" until the waiter has had its turn: only a forced switch
        // at a tick can give it one.
        while !waiterGotIt.load(ordering: .acquiring) { gil.tick(&main) }
        gil.release(&main)
        waiter.join()
        let counters = gil.counters()
        #expect(counters.forcedSwitches == 1)
        #expect(counters.handoffs == 2)  // to the waiter and back
        #expect(counters.acquisitions == 3)
    }

    @Test("interval: two CPU-bound threads switch by forced switches, each one a hand-off")
    func intervalForcedSwitchesUnderLoad() throws {
        let gil = IntervalGIL(switchIntervalMilliseconds: 0.1)
        let task = InterpretedTask(program: Programs.countdown, arguments: [3_000_000])
        try runThreads(gil, [task, task], shared: SharedState(globals: 0, locks: 0))
        let counters = gil.counters()
        let forced = try #require(counters.forcedSwitches)
        #expect(forced > 0)
        // FORCE_SWITCHING: the dropping thread waits until another took the GIL, so every forced
        // switch is a hand-off (and the dropper taking it back is one more).
        #expect(counters.handoffs >= forced)
    }

    @Test("fair: the GIL goes to waiters in the order they came, and the releasing thread queues behind them")
    func fairIsFIFO() throws {
        let gil = FairGIL(checkInterval: 100)
        var main = InterpreterThread(id: 0)
        gil.acquire(&main)
        let order = Mutex<[Int]>([])
        var threads: [NativeThread] = []
        for id in 1...3 {
            threads.append(try NativeThread.spawn {
                var thread = InterpreterThread(id: id)
                gil.acquire(&thread)
                order.withLock { $0.append(id) }
                gil.release(&thread)
            })
            try waitUntil { gil.waitingCount == id }
        }
        gil.release(&main)
        gil.acquire(&main)  // cannot retake it ahead of the three waiters
        order.withLock { $0.append(0) }
        gil.release(&main)
        for thread in threads { thread.join() }
        #expect(order.withLock { $0 } == [1, 2, 3, 0])
        #expect(gil.counters().failedAcquisitions == 0)
    }

    @Test("priority: a thread back from I/O preempts the CPU-bound holder at once and goes ahead of CPU-bound waiters")
    func priorityLetsIOThreadIn() throws {
        // A switch interval far longer than the test: only the priority rule can ask for a drop.
        let gil = PriorityGIL(switchIntervalMilliseconds: 60_000)
        var cpu = InterpreterThread(id: 0)
        gil.acquire(&cpu)
        let order = Mutex<[Int]>([])
        let cpuWaiter = try NativeThread.spawn {
            var thread = InterpreterThread(id: 1)
            gil.acquire(&thread)
            order.withLock { $0.append(1) }
            gil.release(&thread)
        }
        try waitUntil { gil.waitingCount == 1 }
        #expect(!gil.dropRequested)  // a CPU-bound waiter waits for the interval
        let ioThread = try NativeThread.spawn {
            var thread = InterpreterThread(id: 2)
            gil.acquireAfterBlocking(&thread)  // back from I/O: I/O-bound
            order.withLock { $0.append(2) }
            gil.release(&thread)
        }
        try waitUntil { gil.waitingCount == 2 }
        #expect(gil.dropRequested)  // preempts at once
        gil.tick(&cpu)  // the holder's next check point: forced off, queues behind the CPU-bound waiter
        order.withLock { $0.append(0) }
        gil.release(&cpu)
        cpuWaiter.join()
        ioThread.join()
        #expect(order.withLock { $0 } == [2, 1, 0])
        #expect(gil.counters().forcedSwitches == 1)
    }

    @Test("priority: the preempting I/O thread takes the hand-off while spinning, or asleep when spinning is off", arguments: [0.0, 10_000_000])
    func prioritySpinsForTheHandOff(spinMicroseconds: Double) throws {
        let gil = PriorityGIL(switchIntervalMilliseconds: 60_000, spinMicroseconds: spinMicroseconds)
        let ioDone = Atomic<Bool>(false)
        let holderStarted = Atomic<Bool>(false)
        // The CPU-bound holder ticks until the I/O thread has had its turn.
        let holder = try NativeThread.spawn {
            var cpu = InterpreterThread(id: 0)
            gil.acquire(&cpu)
            holderStarted.store(true, ordering: .releasing)
            while !ioDone.load(ordering: .acquiring) { gil.tick(&cpu) }
            gil.release(&cpu)
        }
        try waitUntil { holderStarted.load(ordering: .acquiring) }
        var io = InterpreterThread(id: 1)
        gil.acquireAfterBlocking(&io)
        ioDone.store(true, ordering: .releasing)
        gil.release(&io)
        holder.join()
        #expect(gil.handoffsWhileSpinning == (spinMicroseconds > 0 ? 1 : 0))
        #expect(gil.counters().forcedSwitches == 1)
    }

    @Test("race-locked ends at x = 0 under every design; race reports its final x", arguments: GILDesign.allCases)
    func raceWithLockIsZero(design: GILDesign) throws {
        var configuration = RunConfiguration.testing(.raceLocked, .threads, gil: design, n: 20_000, switchIntervalMilliseconds: 0.05, checkInterval: 20, shaped: true)
        let locked = try Runner.measure(configuration)
        #expect(locked.record[.raceFinalX] == "0")
        configuration.workload = .race
        let unlocked = try Runner.measure(configuration)
        // Updates lost either way: x ends between -n (every increment lost) and n (every decrement).
        let x = try #require(unlocked.record[.raceFinalX].flatMap(Int.init))
        #expect((-configuration.n...configuration.n).contains(x))
    }

    @Test("race run sequentially ends at x = 0")
    func raceSequentialIsZero() throws {
        let configuration = RunConfiguration.testing(.race, .sequential, n: 100_000, shaped: true)
        #expect(try Runner.measure(configuration).record[.raceFinalX] == "0")
    }
}

/// Waits (yielding) until `condition` holds; fails instead of hanging after 30 s.
func waitUntil(_ condition: () -> Bool) throws {
    let deadline = MonotonicClock.nanoseconds() + 30_000_000_000
    while !condition() {
        if MonotonicClock.nanoseconds() > deadline { throw WaitTimedOut() }
        sched_yield()
    }
}

struct WaitTimedOut: Error {}
