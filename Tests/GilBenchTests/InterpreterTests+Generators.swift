import Synchronization
import Testing
@testable import GilBench

/// A native function that records every value it is called with (and returns it).
private final class Recorder: Sendable {
    let values = Mutex<[Int]>([])
    var function: NativeFunction {
        NativeFunction(name: "record", releasesGIL: false) { value in
            self.values.withLock { $0.append(value) }
            return value
        }
    }
}

/// Runs `driver` with `generators` under a ticks GIL (check interval 100) in one thread.
private struct Drive: GILBody {
    let driver: Program
    let arguments: [Int]
    let generators: [InterpretedTask]

    func run<G: GlobalInterpreterLock>(_ gil: G) -> (result: Int, thread: InterpreterThread, counters: GILCounters) {
        var thread = InterpreterThread(id: 0)
        gil.acquire(&thread)
        let result = VirtualMachine.run(
            driver, arguments: arguments, gil: gil, thread: &thread, shared: SharedState(globals: 0, locks: 0),
            generators: generators)
        gil.release(&thread)
        return (result, thread, gil.counters())
    }
}

private func drive(_ driver: Program, _ arguments: [Int] = [], generators: [InterpretedTask]) -> (result: Int, thread: InterpreterThread, counters: GILCounters) {
    InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100).withGIL(Drive(driver: driver, arguments: arguments, generators: generators))
}

extension InterpreterTests {
    /// `def g(n): while n > 0: yield n; n -= 1`.
    static let countingGenerator = """
        .local n
        loop:
            LOAD_FAST n
            LOAD_CONST 0
            COMPARE_OP >
            POP_JUMP_IF_FALSE end
            LOAD_FAST n
            YIELD_VALUE
            POP_TOP
            LOAD_FAST n
            LOAD_CONST 1
            INPLACE_SUBTRACT
            STORE_FAST n
            JUMP_ABSOLUTE loop
        end:
            LOAD_CONST 0
            RETURN_VALUE
        """

    @Test("A generator yields its values in order, then StopIteration, and stays finished")
    func generatorYieldsInOrder() throws {
        let recorder = Recorder()
        // for x in g: record(x); then g.next() once more, which must raise StopIteration again.
        let driver = try Assembler.assemble("""
            .local g
            .native record
            loop:
                LOAD_FAST g
                LOAD_CONST 0
                GEN_SEND again
                CALL_NATIVE record
                POP_TOP
                JUMP_ABSOLUTE loop
            again:
                LOAD_FAST g
                LOAD_CONST 0
                GEN_SEND done
                LOAD_CONST 99
                RETURN_VALUE
            done:
                LOAD_CONST 7
                RETURN_VALUE
            """, name: "driver", natives: [recorder.function])
        let generator = try Assembler.assemble(Self.countingGenerator, name: "g")
        let (result, _, _) = drive(driver, [0], generators: [InterpretedTask(program: generator, arguments: [5])])
        #expect(recorder.values.withLock { $0 } == [5, 4, 3, 2, 1])
        #expect(result == 7)
    }

    @Test("Resuming a generator keeps its locals and pushes the value sent (x = yield total)")
    func resumptionKeepsLocals() throws {
        let recorder = Recorder()
        // def acc(): total = 0; while True: x = (yield total); total += x
        let accumulator = try Assembler.assemble("""
            .local total x
            loop:
                LOAD_FAST total
                YIELD_VALUE
                STORE_FAST x
                LOAD_FAST total
                LOAD_FAST x
                INPLACE_ADD
                STORE_FAST total
                JUMP_ABSOLUTE loop
            """, name: "acc")
        // record(acc.next()); for i in 1...4: record(acc.send(i))
        let driver = try Assembler.assemble("""
            .local i
            .native record
                LOAD_CONST 0
                LOAD_CONST 0
                GEN_SEND end
                CALL_NATIVE record
                POP_TOP
            loop:
                LOAD_FAST i
                LOAD_CONST 4
                COMPARE_OP <
                POP_JUMP_IF_FALSE end
                LOAD_FAST i
                LOAD_CONST 1
                INPLACE_ADD
                STORE_FAST i
                LOAD_CONST 0
                LOAD_FAST i
                GEN_SEND end
                CALL_NATIVE record
                POP_TOP
                JUMP_ABSOLUTE loop
            end:
                LOAD_CONST 0
                RETURN_VALUE
            """, name: "driver", natives: [recorder.function])
        _ = drive(driver, generators: [InterpretedTask(program: accumulator, arguments: [])])
        #expect(recorder.values.withLock { $0 } == [0, 1, 3, 6, 10])
    }

    @Test("The verifier knows GEN_SEND leaves one value when it falls through and none when it jumps")
    func genSendStackDepths() throws {
        #expect(throws: ProgramError.self) {
            // At `end`, the jump arrives with depth 0 and the fall-through with depth 1.
            try Assembler.assemble("""
                LOAD_CONST 0
                LOAD_CONST 0
                GEN_SEND end
            end:
                RETURN_VALUE
            """, name: "bad")
        }
    }

    @Test("Slide 160's scheduler runs K countdown generators round-robin: each loop n times, every tick counted")
    func roundRobinCountdown() throws {
        let k = 2, n = 1_000
        let tasks = Array(repeating: InterpretedTask(program: Programs.countdownGenerator(yieldEvery: 1), arguments: [n]), count: k)
        let queue = TaskQueue(count: k)
        let scheduler = Programs.roundRobinScheduler(queue)
        let (_, thread, counters) = drive(scheduler, generators: tasks)
        #expect(queue.count == 0)
        // Per task: n + 1 resumptions (n yields, then the return), each one tick on entry; 3 ticks per
        // iteration in the countdown (COMPARE_OP, INPLACE_SUBTRACT, JUMP_ABSOLUTE) and the last
        // COMPARE_OP. The scheduler, per resumption: len, popleft, GEN_SEND and JUMP_ABSOLUTE, and
        // append after each yield; then the last len.
        #expect(thread.ticks == UInt64(k * ((n + 1) * (1 + 4) + n + 3 * n + 1) + 1))
        // The countdown's 9 instructions per iteration plus the yield's 3, its 6 at the end; the
        // scheduler's 13 per yield, 10 per return, and 5 at the end.
        #expect(thread.instructions == UInt64(k * (n * (9 + 3) + 6 + n * 14 + 10) + 5))
        // One thread: the ticker releases and re-takes the GIL every 101 ticks, handing it to nobody.
        #expect(counters.acquisitions == 1 + Int(thread.ticks) / 101)
        #expect(counters.handoffs == 0)
    }

    @Test("Coroutines end in the same state as sequential: the race without a lock loses no update",
          arguments: [1, 7])
    func coroutinesMatchSequential(yieldEvery: Int) throws {
        var configuration = RunConfiguration()
        configuration.workload = .race
        configuration.n = 20_000
        configuration.applyWorkloadShape()
        configuration.mode = .sequential
        let sequential = try Runner.measure(configuration)
        configuration.mode = .coroutines
        configuration.yieldEvery = yieldEvery
        let coroutines = try Runner.measure(configuration)
        #expect(sequential.outcome.raceFinalX == 0)
        #expect(coroutines.outcome.raceFinalX == 0)
        #expect(coroutines.gil?.handoffs == 0)
        // Every task ran its n iterations: at least the sequential run's instructions, plus the
        // yields and the scheduler.
        #expect(coroutines.instructions > sequential.instructions)
        #expect(configuration.record[.yieldEvery] == String(yieldEvery))
    }
}
