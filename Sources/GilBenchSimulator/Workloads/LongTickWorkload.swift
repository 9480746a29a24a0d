import Synchronization

/// Slide 90: one instruction that runs for a long time while another thread waits for the GIL.
///
/// Task 0 first waits (GIL released) until task 1 runs, so that task 1 is not simply stuck in its
/// first acquisition; then it marks its start and runs `-1 in range(n)`: one CONTAINS_IN_RANGE
/// instruction, one tick, however long it scans. Task 1 says it runs, waits (GIL released, as in
/// blocking I/O) until task 0 has started, notes the time, and asks for the GIL back. In
/// `sequential` mode there is no hand-shake (task 1 runs after task 0) and the delay is about 0. No design can hand the GIL over in the middle of an
/// instruction: check intervals and switch intervals are counted or checked *between* instructions.
/// So the waiter's delay (`latency_max_us`, also in `latency_p50_us`/`latency_p99_us`: one sample)
/// is the rest of the instruction's length (`long_tick_us`: from the start mark to the first
/// thing that ran after the instruction, an upper bound by a few microseconds), whatever
/// `--check-interval` or `--switch-interval` says.
public enum LongTickWorkload {
    public static let longSource = """
        # wait_for_waiter(); started(); -1 in range(n); finished()
        .local n
        .native wait_for_waiter started finished
            LOAD_CONST 0
            CALL_NATIVE wait_for_waiter
            CALL_NATIVE started
            POP_TOP
            LOAD_FAST n
            CONTAINS_IN_RANGE
            CALL_NATIVE finished
            RETURN_VALUE
        """

    public static let waiterSource = """
        # wait_for_start()   (says it runs, then blocks with the GIL released, like I/O)
        # got_gil()          (the first thing run once the GIL is back)
        .local n
        .native wait_for_start got_gil
            LOAD_CONST 0
            CALL_NATIVE wait_for_start
            CALL_NATIVE got_gil
            RETURN_VALUE
        """

    /// The timestamps of one run (monotonic nanoseconds, 0 until set).
    final class Timeline: Sendable {
        let started = Atomic<UInt64>(0)
        let finished = Atomic<UInt64>(0)
        let asked = Atomic<UInt64>(0)
        let got = Atomic<UInt64>(0)
        /// One-shot signals between the two tasks.
        let startSignal = Semaphore(value: 0)
        let waiterSignal = Semaphore(value: 0)
    }

    package static func plan(for configuration: RunConfiguration) throws(GilBenchError) -> WorkloadPlan {
        let timeline = Timeline()
        let handshake = configuration.mode == .threads
        let waitForWaiter = NativeFunction(name: "wait_for_waiter", releasesGIL: true) { _ in
            if handshake { timeline.waiterSignal.wait() }
            return 0
        }
        let started = NativeFunction(name: "started", releasesGIL: false) { _ in
            timeline.started.store(MonotonicClock.nanoseconds(), ordering: .releasing)
            timeline.startSignal.post()
            return 0
        }
        let finished = NativeFunction(name: "finished", releasesGIL: false) { _ in
            timeline.finished.store(MonotonicClock.nanoseconds(), ordering: .releasing)
            return 0
        }
        let waitForStart = NativeFunction(name: "wait_for_start", releasesGIL: true) { _ in
            timeline.waiterSignal.post()
            timeline.startSignal.wait()
            timeline.asked.store(MonotonicClock.nanoseconds(), ordering: .releasing)
            return 0
        }
        let gotGIL = NativeFunction(name: "got_gil", releasesGIL: false) { _ in
            timeline.got.store(MonotonicClock.nanoseconds(), ordering: .releasing)
            return 0
        }
        // The sources are constants of this file; a failure here is a bug caught by the tests.
        let long = try! Assembler.assemble(longSource, name: "long-tick", natives: [waitForWaiter, started, finished])
        let waiter = try! Assembler.assemble(waiterSource, name: "long-tick-waiter", natives: [waitForStart, gotGIL])
        return WorkloadPlan(
            tasks: [InterpretedTask(program: long, arguments: [configuration.n]),
                    InterpretedTask(program: waiter, arguments: [0])],
            shared: SharedState(globals: 0, locks: 0),
            report: { _ in
                var outcome = WorkloadOutcome()
                let started = timeline.started.load(ordering: .acquiring), finished = timeline.finished.load(ordering: .acquiring)
                let asked = timeline.asked.load(ordering: .acquiring), got = timeline.got.load(ordering: .acquiring)
                // The instruction ended before `finished`, and before `got` when the waiter took the GIL at
                // the tick that follows it (a GIL never moves in the middle of an instruction).
                let end = got > 0 ? min(finished, got) : finished
                if end >= started && started > 0 { outcome.longTickMicroseconds = Double(end - started) / 1000 }
                if got >= asked && asked > 0 {
                    let delay = Double(got - asked) / 1000
                    outcome.latencyP50Microseconds = delay
                    outcome.latencyP99Microseconds = delay
                    outcome.latencyMaxMicroseconds = delay
                }
                return outcome
            })
    }
}
