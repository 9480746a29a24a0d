import CGilBench

/// The machine's ceiling: native arithmetic with no interpreter loop and no GIL in the way.
///
/// Each task makes one native call, `spin(n)`: `n` steps of xorshift64 in C (`gb_spin`), with the GIL
/// released around the whole call as a C extension does with `Py_BEGIN_ALLOW_THREADS`
/// (`Include/ceval.h`). The interpreter runs three instructions per task; all the time goes into the
/// C loop, which touches no memory and makes no system call. What two of them in two threads or two
/// processes take against one after another is therefore what this machine's CPUs allow at best:
/// 0.5 on two idle cores, more where the virtual CPUs share a physical core or the host is busy.
public enum SpinWorkload {
    public static let source = """
        # def work(n):
        #     return spin(n)
        .local n
        .native spin
        LOAD_FAST n
        CALL_NATIVE spin
        RETURN_VALUE
        """

    /// The native `spin(n)`: releases the GIL and runs `n` xorshift64 steps.
    public static let spin = NativeFunction.releasingGIL("spin", gb_spin)

    /// The program, assembled once: its source is a constant of this file, so a failure is a bug the
    /// tests catch.
    public static let program = try! Assembler.assemble(source, name: "spin", natives: [spin])

    /// One task of `n` steps per thread (or per run in sequential mode).
    package static func plan(for configuration: RunConfiguration) -> WorkloadPlan {
        .repeating(program, arguments: [configuration.n], count: configuration.tasks)
    }
}
