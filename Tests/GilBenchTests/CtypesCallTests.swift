import GilBenchTestSupport
import Testing
@testable import GilBench

/// `churn(n)` called once, its result returned: the value boxed by the call (`GetResult`).
private let callOnce = """
    .local n
    .native churn
        LOAD_FAST n
        CALL_NATIVE churn
        RETURN_VALUE
    """

/// Runs `program` on one thread under the ticks GIL and returns its value and the GIL's counters.
private struct RunOnce: GILBody {
    var program: Program
    var arguments: [Int]

    func run<G: GlobalInterpreterLock>(_ gil: G) -> (result: Int, thread: InterpreterThread, counters: GILCounters) {
        var thread = InterpreterThread(id: 0)
        gil.acquire(&thread)
        let result = VirtualMachine.run(program, arguments: arguments, gil: gil, thread: &thread, shared: SharedState(globals: 0, locks: 0))
        gil.release(&thread)
        return (result, thread, gil.counters())
    }
}

private func runOnce(_ program: Program, _ arguments: [Int]) -> (result: Int, thread: InterpreterThread, counters: GILCounters) {
    InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100).withGIL(RunOnce(program: program, arguments: arguments))
}

@Suite("Native calls as ctypes makes them")
struct CtypesCallTests {
    @Test("Through libffi, churn(n) returns n, boxed as a fresh object above the small ints too",
          .requiresLibffi, arguments: [0, 7, 300, 100_000])
    func callsThroughLibffi(n: Int) throws {
        let libffi = try Libffi.system.get()
        let program = try Assembler.assemble(callOnce, name: "call", natives: [ExtensionWorkload.churn(through: libffi)])
        #expect(runOnce(program, [n]).result == n)
    }

    @Test("Without libffi, churn(n) is called directly and returns the same")
    func callsDirectly() throws {
        let program = try Assembler.assemble(callOnce, name: "call", natives: [ExtensionWorkload.churn(through: nil)])
        #expect(runOnce(program, [300]).result == 300)
    }

    @Test("Both paths release the GIL around every call and run the same instructions", .requiresLibffi)
    func bothPathsReleaseTheGIL() throws {
        let calls = 1_000
        let throughLibffi = runOnce(ExtensionWorkload.program(through: try Libffi.system.get()), [calls, 5])
        let direct = runOnce(ExtensionWorkload.program(through: nil), [calls, 5])
        #expect(throughLibffi.result == 0 && direct.result == 0)
        #expect(throughLibffi.thread.instructions == UInt64(calls * 12 + 6))
        #expect(throughLibffi.thread.instructions == direct.thread.instructions)
        #expect(throughLibffi.thread.ticks == direct.thread.ticks)
        // One acquisition on entry, one after each call (Py_BLOCK_THREADS), and those of the check
        // interval: the same on both paths, and more than one per call.
        #expect(throughLibffi.counters.acquisitions == direct.counters.acquisitions)
        #expect(throughLibffi.counters.acquisitions > calls)
    }

    @Test("A library that is not libffi is refused with dlerror's reason, and the run says it calls directly")
    func fallbackIsExplained() {
        let missing = Libffi.open(["libgilbench-no-such-ffi.so.0"])
        guard case .failure(let error) = missing else {
            Issue.record("a library that does not exist was opened")
            return
        }
        #expect(error.message.contains("libgilbench-no-such-ffi.so.0"))
        let note = ExtensionWorkload.fallbackNote(missing)
        #expect(note?.hasPrefix("libffi could not be loaded (") == true)
        #expect(note?.contains("churn is called directly") == true)
        // libc is a library, but not libffi: the symbols are checked.
        guard case .failure(let notFFI) = Libffi.open(["libc.so.6"]) else {
            Issue.record("libc was taken for libffi")
            return
        }
        #expect(notFFI.message.contains("ffi_prep_cif"))
    }

    @Test("The extension run carries the fallback warning exactly when libffi is missing")
    func runWarnsOnlyWithoutLibffi() throws {
        let configuration = RunConfiguration.testing(.extension, .sequential, calls: 100)
        let measurement = try Runner.measure(configuration)
        #expect(measurement.warnings.contains { $0.hasPrefix("libffi could not be loaded") } == !Capabilities.libffiLoads)
    }
}
