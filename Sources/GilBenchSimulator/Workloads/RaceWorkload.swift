/// Slide 43: two threads update one global without a lock.
///
/// Task 0 runs `x = x + 1` and task 1 runs `x = x - 1`, `n` times each, through LOAD_GLOBAL and
/// STORE_GLOBAL. LOAD_GLOBAL ticks (it ends in `continue` in CPython 2.7, in `DISPATCH()` up to 3.9),
/// so the GIL can change hands between the load and the store and an update is lost: the final x
/// is rarely 0. Under CPython 3.10's and later check points (``CheckPoints``) only the loop's
/// JUMP_ABSOLUTE is one, so the update is never split and x ends at 0. The
/// `race-locked` variant wraps each update in LOCK_ACQUIRE / LOCK_RELEASE (`with lock:`), and x
/// always ends at 0. The final x goes in `race_final_x`.
public enum RaceWorkload {
    /// The source of one thread's loop; `operation` is BINARY_ADD or BINARY_SUBTRACT.
    /// - Parameters:
    ///   - operation: BINARY_ADD or BINARY_SUBTRACT.
    ///   - locked: whether a user lock wraps each update (`race-locked`).
    ///   - yieldEvery: nil for threads; for coroutines, the iterations between yields.
    public static func source(operation: String, locked: Bool, yieldEvery: Int? = nil) -> String {
        """
        # def update(n):
        #     while n > 0:
        #         \(locked ? "with lock: " : "")x = x \(operation == "BINARY_ADD" ? "+" : "-") 1
        #         n -= 1
        .local n
        .global x
        .lock lock

        """ + Programs.countingLoop("n", body: """
            \(locked ? "LOCK_ACQUIRE lock" : "# (no lock)")
            LOAD_GLOBAL x
            LOAD_CONST 1
            \(operation)
            STORE_GLOBAL x
            \(locked ? "LOCK_RELEASE lock" : "# (no lock)")
            """, yieldEvery: yieldEvery)
    }

    /// The incrementing and the decrementing program.
    public static func programs(locked: Bool, yieldEvery: Int? = nil) -> (increment: Program, decrement: Program) {
        // The sources are constants of this file; a failure here is a bug caught by the tests.
        (try! Assembler.assemble(source(operation: "BINARY_ADD", locked: locked, yieldEvery: yieldEvery), name: "race+"),
         try! Assembler.assemble(source(operation: "BINARY_SUBTRACT", locked: locked, yieldEvery: yieldEvery), name: "race-"))
    }

    package static func plan(for configuration: RunConfiguration) -> WorkloadPlan {
        let (increment, decrement) = programs(
            locked: configuration.workload == .raceLocked, yieldEvery: configuration.generatorYieldEvery)
        let x = increment.globalNames.firstIndex(of: "x")!
        return WorkloadPlan(
            tasks: [InterpretedTask(program: increment, arguments: [configuration.n]),
                    InterpretedTask(program: decrement, arguments: [configuration.n])],
            shared: SharedState(globals: increment.globalNames.count, locks: increment.lockCount),
            report: { shared in
                WorkloadOutcome(raceFinalX: shared.global(x))
            })
    }
}
