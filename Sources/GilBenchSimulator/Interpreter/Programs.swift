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
    static func countingLoop(_ counter: String, test: String? = nil, body: String = "", exit: String? = nil) -> String {
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
