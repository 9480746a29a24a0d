/// The programs gilbench ships, in the text form ``Assembler`` reads.
public enum Programs {
    /// Slide 80's countdown: `def count(n): while n > 0: n -= 1`, as CPython 2.7 compiles it
    /// (SETUP_LOOP/POP_BLOCK omitted: they run once, outside the loop).
    public static let countdownSource = """
        # def count(n):
        #     while n > 0:
        #         n -= 1
        .local n
        loop:
            LOAD_FAST n
            LOAD_CONST 0
            COMPARE_OP >
            POP_JUMP_IF_FALSE end
            LOAD_FAST n
            LOAD_CONST 1
            INPLACE_SUBTRACT
            STORE_FAST n
            JUMP_ABSOLUTE loop
        end:
            LOAD_FAST n
            RETURN_VALUE
        """

    /// The countdown, assembled.
    public static var countdown: Program {
        // The source is a constant of this file; a failure here is a bug caught by the tests.
        try! Assembler.assemble(countdownSource, name: "countdown")
    }
}
