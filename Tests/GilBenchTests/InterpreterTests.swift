import Testing
@testable import GilBench

@Suite("Interpreter")
struct InterpreterTests {
    @Test("The countdown runs n iterations: 9 instructions and 3 ticks each, as CPython 2.7 counts them")
    func countdownCounts() throws {
        struct Countdown: GILBody {
            func run<G: GlobalInterpreterLock>(_ gil: G) -> (result: Int, thread: InterpreterThread, counters: GILCounters) {
                var thread = InterpreterThread(id: 0)
                gil.acquire(&thread)
                let result = VirtualMachine.run(
                    Programs.countdown, arguments: [1000], gil: gil, thread: &thread, shared: SharedState(globals: 0, locks: 0))
                gil.release(&thread)
                return (result, thread, gil.counters())
            }
        }
        let (result, thread, counters) = InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100).withGIL(Countdown())
        #expect(result == 0)
        // 1000 iterations of 9 instructions (LOAD_FAST, LOAD_CONST, COMPARE_OP, POP_JUMP_IF_FALSE,
        // LOAD_FAST, LOAD_CONST, INPLACE_SUBTRACT, STORE_FAST, JUMP_ABSOLUTE), then the final test
        // (4 instructions) and LOAD_FAST, RETURN_VALUE.
        #expect(thread.instructions == 1000 * 9 + 4 + 2)
        // COMPARE_OP, INPLACE_SUBTRACT and JUMP_ABSOLUTE tick (no prediction with computed gotos),
        // and the final COMPARE_OP; RETURN_VALUE ticks never (the program ends).
        #expect(thread.ticks == 3001)
        // Every 101st tick releases and re-takes the GIL (the ticker counts 100 down to -1).
        #expect(counters.acquisitions == 1 + 3001 / 101)
    }

    @Test("The text form assembles labels, names, constants and comparisons")
    func assemblesTextForm() throws {
        let program = try Assembler.assemble(Programs.countdownSource, name: "countdown")
        #expect(program.localNames == ["n"])
        #expect(program.constants == [0, 1])
        #expect(program.instructions[2] == Instruction(.compareOp, Int32(ComparisonOperator.greater.rawValue)))
        #expect(program.instructions[3] == Instruction(.popJumpIfFalse, 9))
        #expect(program.instructions[8] == Instruction(.jumpAbsolute, 0))
        #expect(program.maxStackDepth == 2)
    }

    @Test("Bad programs are refused with the line of the mistake", arguments: [
        ("FOO 1", "line 1: unknown instruction 'FOO'"),
        ("LOAD_CONST x", "line 1: LOAD_CONST needs an integer, not 'x'"),
        ("JUMP_ABSOLUTE nowhere", "line 1: unknown label 'nowhere'"),
        ("LOAD_CONST 1\nCOMPARE_OP ~", "line 2: unknown comparison '~'"),
        ("INPLACE_ADD\nRETURN_VALUE", "instruction 0 (INPLACE_ADD) pops an empty stack"),
        ("LOAD_CONST 1", "execution runs off the end of the program (instruction 1)"),
        ("LOAD_GLOBAL x", "line 1: 'x' is not declared with .global"),
    ])
    func refusesBadPrograms(source: String, message: String) {
        #expect(throws: ProgramError.self) { try Assembler.assemble(source, name: "bad") }
        do {
            _ = try Assembler.assemble(source, name: "bad")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("Ticking instructions are exactly those that end in `continue` in CPython 2.7")
    func tickingSet() {
        // YIELD_VALUE leaves the frame (`goto fast_yield`); its tick comes when the frame is resumed.
        let nonTicking: Set<Opcode> = [
            .loadFast, .loadConst, .storeFast, .popTop, .dupTop, .nop, .popJumpIfFalse, .popJumpIfTrue, .yieldValue,
        ]
        for op in Opcode.allCases {
            #expect(op.ticks == !nonTicking.contains(op), "\(op)")
        }
    }
}
