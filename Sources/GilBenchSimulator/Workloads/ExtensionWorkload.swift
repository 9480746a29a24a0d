import CGilBench

/// Slides 99-104: interpreted code calling a C extension that releases the GIL.
///
/// Each task runs `for i in range(calls): churn(n)`, where `churn(n)` is a native spin of `n`
/// iterations (`gb_churn`) called with the GIL released around it, as an extension does with
/// `Py_BEGIN_ALLOW_THREADS`. With small `n` the threads fight over the GIL at every call; with large
/// `n` they spend most of their time in native code, in parallel.
public enum ExtensionWorkload {
    public static let source = """
        # def work(calls, n):
        #     while calls > 0:
        #         churn(n)
        #         calls -= 1
        .local calls n
        .native churn

        """ + Programs.countingLoop("calls", body: """
            LOAD_FAST n
            CALL_NATIVE churn
            POP_TOP
            """)

    /// The native `churn(n)`: releases the GIL, spins `n` times.
    public static let churn = NativeFunction.releasingGIL("churn", gb_churn)

    public static var program: Program {
        // The source is a constant of this file; a failure here is a bug caught by the tests.
        try! Assembler.assemble(source, name: "extension", natives: [churn])
    }

    package static func plan(for configuration: RunConfiguration) -> WorkloadPlan {
        .repeating(program, arguments: [configuration.calls, configuration.churnN], count: configuration.tasks)
    }
}
