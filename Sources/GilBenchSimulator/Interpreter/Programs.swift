/// The programs gilbench ships, in the text form ``Assembler`` reads.
public enum Programs {
    /// Slide 80's countdown: `def count(n): while n > 0: n -= 1`, as CPython 2.7 compiles it
    /// (SETUP_LOOP/POP_BLOCK omitted: they run once, outside the loop).
    public static let countdownSource = """
        # def count(n):
        #     while n > 0:
        #         n -= 1
        .local n

        """ + countingLoop("n")

    /// The countdown, assembled.
    public static var countdown: Program {
        // The source is a constant of this file; a failure here is a bug caught by the tests.
        try! Assembler.assemble(countdownSource, name: "countdown")
    }

    /// Slide 160's countdown task: the countdown as a generator that yields every `yieldEvery`
    /// iterations (`while n > 0: yield; n -= 1` for 1).
    public static func countdownGenerator(yieldEvery: Int) -> Program {
        // The source is built from constants of this file; a failure here is a bug caught by the tests.
        try! Assembler.assemble(".local n\n" + countingLoop("n", yieldEvery: yieldEvery), name: "countdown-generator")
    }

    /// The round-robin scheduler of slide 160, run as interpreted code over the generators of a run:
    ///
    ///     def scheduler():
    ///         while tasks:
    ///             t = tasks.popleft()
    ///             try:
    ///                 t.next()
    ///                 tasks.append(t)
    ///             except StopIteration:
    ///                 pass
    ///
    /// `tasks` (a `collections.deque`) is ``TaskQueue``, reached through three native calls:
    /// `len(tasks)`, `tasks.popleft()` and `tasks.append(t)`, each one CALL_NATIVE where CPython
    /// runs LOAD_GLOBAL, LOAD_ATTR and CALL_FUNCTION (a departure: fewer instructions, the same
    /// number of calls). `t.next()` is GEN_SEND with None (0), jumping past the append on StopIteration.
    public static func roundRobinScheduler(_ tasks: TaskQueue) -> Program {
        let source = """
            .local t
            .native len popleft append
            loop:
                LOAD_CONST 0
                CALL_NATIVE len
                POP_JUMP_IF_FALSE end
                LOAD_CONST 0
                CALL_NATIVE popleft
                STORE_FAST t
                LOAD_FAST t
                LOAD_CONST 0
                GEN_SEND finished
                POP_TOP
                LOAD_FAST t
                CALL_NATIVE append
                POP_TOP
            finished:
                JUMP_ABSOLUTE loop
            end:
                LOAD_CONST 0
                RETURN_VALUE
            """
        // The source is a constant of this file; a failure here is a bug caught by the tests.
        return try! Assembler.assemble(source, name: "scheduler", natives: tasks.natives)
    }

    /// The loop every workload's program is built around, as CPython 2.7 compiles
    /// `while <test>: <body>; counter -= 1` followed by `<exit>`:
    ///
    ///     loop:
    ///         <test>              (default: counter > 0, jumping to end when it fails)
    ///         <body>
    ///         LOAD_FAST counter
    ///         LOAD_CONST 1
    ///         INPLACE_SUBTRACT
    ///         STORE_FAST counter
    ///         JUMP_ABSOLUTE loop
    ///     end:
    ///         <exit>              (default: return counter)
    ///
    /// - Parameters:
    ///   - counter: the local counted down by one each time round.
    ///   - test: the lines that jump to `end` when the loop is over; nil for `counter > 0`.
    ///   - body: the lines run each time round before the counter is decremented.
    ///   - exit: the lines after the loop; nil for returning the counter.
    ///   - yieldEvery: nil for a plain function; otherwise the loop is a generator's that yields
    ///     (`yield`: LOAD_CONST None, YIELD_VALUE, POP_TOP) at the top of the body every
    ///     `yieldEvery` iterations: each time for 1, as slide 160's `yield` in the loop; for more,
    ///     through a local `_k` counted as `_k += 1; if _k >= every: _k = 0; yield`.
    static func countingLoop(
        _ counter: String, test: String? = nil, body: String = "", exit: String? = nil, yieldEvery: Int? = nil
    ) -> String {
        let yieldLines: String
        switch yieldEvery {
        case nil:
            yieldLines = ""
        case 1?:
            yieldLines = """
                LOAD_CONST 0
                YIELD_VALUE
                POP_TOP
            """
        case let every?:
            yieldLines = """
                LOAD_FAST _k
                LOAD_CONST 1
                INPLACE_ADD
                STORE_FAST _k
                LOAD_FAST _k
                LOAD_CONST \(every)
                COMPARE_OP >=
                POP_JUMP_IF_FALSE no_yield
                LOAD_CONST 0
                STORE_FAST _k
                LOAD_CONST 0
                YIELD_VALUE
                POP_TOP
            no_yield:
            """
        }
        let positive = """
            LOAD_FAST \(counter)
            LOAD_CONST 0
            COMPARE_OP >
            POP_JUMP_IF_FALSE end
            """
        let returnCounter = """
            LOAD_FAST \(counter)
            RETURN_VALUE
            """
        return """
            loop:
            \(test ?? positive)
            \(yieldLines)
            \(body)
                LOAD_FAST \(counter)
                LOAD_CONST 1
                INPLACE_SUBTRACT
                STORE_FAST \(counter)
                JUMP_ABSOLUTE loop
            end:
            \(exit ?? returnCounter)
            """
    }
}
