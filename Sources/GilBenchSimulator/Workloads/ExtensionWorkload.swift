import CGilBench

/// Slides 99-104: interpreted code calling a C extension that releases the GIL.
///
/// Each task runs `while calls > 0: churn(n); calls -= 1`, where `churn(n)` is a native spin of `n`
/// iterations (`gb_churn`) called as the real twin calls its `churn` (`PythonPrograms`'
/// `call_churn`): through ctypes, which converts the argument, prepares the call with libffi and
/// boxes the result with the GIL held, and releases the GIL around `ffi_call` only (see
/// `VirtualMachine.callThroughCtypes`). With small `n` the threads fight over the GIL at every call;
/// with large `n` they spend most of their time in native code, in parallel.
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

    /// The native `churn(n)` called through ctypes, with libffi when `libffi` is given, directly otherwise.
    public static func churn(through libffi: Libffi?) -> NativeFunction {
        NativeFunction(name: "churn", releasesGIL: true, foreign: ForeignFunction(gb_churn, through: libffi)) { n in
            Int(truncatingIfNeeded: gb_churn(UInt64(truncatingIfNeeded: n)))
        }
    }

    /// The program, its `churn` called through `libffi` (nil: called directly).
    public static func program(through libffi: Libffi?) -> Program {
        // The source is a constant of this file; a failure here is a bug caught by the tests.
        try! Assembler.assemble(source, name: "extension", natives: [churn(through: libffi)])
    }

    /// The program, its `churn` called through the machine's libffi when there is one.
    public static var program: Program { program(through: try? Libffi.system.get()) }

    /// The warning a run carries when `libffi` could not be loaded, or nil.
    package static func fallbackNote(_ libffi: Result<Libffi, ProgramError>) -> String? {
        guard case .failure(let error) = libffi else { return nil }
        return "libffi could not be loaded (\(error.message)): churn is called directly where ctypes runs ffi_prep_cif and ffi_call"
    }

    package static func plan(for configuration: RunConfiguration) -> WorkloadPlan {
        var plan = WorkloadPlan.repeating(program, arguments: [configuration.calls, configuration.churnN], count: configuration.tasks)
        let note = fallbackNote(Libffi.system)
        plan.notes = { note.map { [$0] } ?? [] }
        return plan
    }
}
