import Foundation
import Synchronization
import Testing
@testable import GilBench

@Suite("The tutorial's costs: Queue.put/get's bytecodes and locks per CPython version, and their fidelity table")
struct QueueCostTests {
    /// Runs `program` once under `schedule` and returns the instructions and the checks it passed.
    static func run(_ program: Program, _ schedule: CheckPoints) -> (instructions: UInt64, checks: UInt64) {
        struct Once: GILBody {
            let program: Program
            let schedule: CheckPoints
            func run<G: GlobalInterpreterLock>(_ gil: G) -> (instructions: UInt64, checks: UInt64) {
                var thread = InterpreterThread(id: 0)
                gil.acquire(&thread)
                _ = VirtualMachine.run(
                    program, arguments: [], gil: gil, thread: &thread, shared: SharedState(globals: 0, locks: 0), checkPoints: schedule)
                gil.release(&thread)
                return (thread.instructions, thread.ticks)
            }
        }
        return InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100).withGIL(Once(program: program, schedule: schedule))
    }

    @Test("Each stand-in runs as many instructions as CPython's path, with its check points under every schedule",
          arguments: [QueueMethodCosts.python2, .python3])
    func standIns(costs: QueueMethodCosts) {
        for path in [costs.put, costs.putWakingWaiter, costs.get, costs.getWaitingOnce, costs.waitAgain] {
            let program = QueueMethodCosts.standIn(path, name: "stand-in")
            for schedule in CheckPoints.allCases {
                let ran = Self.run(program, schedule)
                #expect(ran.instructions == UInt64(path.instructions), "\(schedule)")
                #expect(ran.checks == UInt64(path.checks(schedule)), "\(schedule)")
            }
        }
    }

    @Test("A put costs 78 bytecodes and 33 ticks on CPython 2.7, 76 bytecodes and 8 checks on 3.13")
    func putPerVersion() {
        let python2 = QueueMethodCosts(.ticker27), python3 = QueueMethodCosts(.backwardJumpsAndCalls311)
        #expect(python2 == .python2 && python3 == .python3)
        #expect(python2.put.instructions == 78 && python2.put.checks(.ticker27) == 33)
        #expect(python3.put.instructions == 76 && python3.put.checks(.backwardJumpsAndCalls311) == 8)
        // A get that waits once runs wait(), _is_owned(), _release_save(), _acquire_restore() and
        // _qsize() again: about twice a plain get.
        #expect(python2.getWaitingOnce.instructions == 165 && python3.getWaitingOnce.instructions == 160)
        #expect(python2.waitAgain.instructions == 88)
    }

    @Test("On CPython 3 a message over a pipe runs Connection.send's and recv's bytecodes; on 2.7 none (C)")
    func connectionBytecodes() throws {
        #expect(ConnectionCosts.of(.ticker27) == nil && ConnectionCosts.of(.backwardJumpsAndCalls311) == .python3)
        #expect(ConnectionCosts.python3.send(messageSize: 64).instructions == 115)
        #expect(ConnectionCosts.python3.send(messageSize: 64 << 10).instructions == 139)
        #expect(ConnectionCosts.python3.receive.instructions == 139)
        let natives = ["message", "dumps", "send_bytes", "recv_bytes", "loads", "received"].map {
            NativeFunction(name: $0, releasesGIL: false) { $0 }
        } + [QueueMethodCosts.call]
        for size in [64, 64 << 10] {
            let plain = try Assembler.assemble(PipelineWorkload.producerSource(.pipe, .requestReply), name: "p", natives: natives)
            let costed = try Assembler.assemble(
                PipelineWorkload.producerSource(.pipe, .requestReply, connection: (.python3, size)), name: "p", natives: natives)
            // One send and one receive per message, inline in the loop.
            let added = ConnectionCosts.python3.send(messageSize: size).instructions + ConnectionCosts.python3.receive.instructions
            #expect(costed.instructions.count == plain.instructions.count + added)
            let consumer = try Assembler.assemble(
                PipelineWorkload.consumerSource(.pipe, .stream, connection: (.python3, size)), name: "c", natives: natives)
            let plainConsumer = try Assembler.assemble(PipelineWorkload.consumerSource(.pipe, .stream), name: "c", natives: natives)
            #expect(consumer.instructions.count == plainConsumer.instructions.count + ConnectionCosts.python3.receive.instructions)
        }
    }

    @Test("Only CPython 2's locks release the GIL on every acquire")
    func lockEra() {
        #expect(CheckPoints.allCases.filter(\.everyLockAcquireReleasesGIL) == [.ticker27])
    }

    /// The lock operations a queue makes: (blocking, taken) per acquire.
    final class Recorder: Sendable {
        let calls = Mutex<[(blocking: Bool, taken: Bool)]>([])
        func acquire(_ lock: GilBenchSimulator.Semaphore, _ blocking: Bool) -> Bool {
            let taken: Bool
            if blocking {
                lock.wait()
                taken = true
            } else {
                taken = lock.tryWait()
            }
            calls.withLock { $0.append((blocking, taken)) }
            return taken
        }
        /// The queue's steps with its lock operations recorded (no bytecodes to run).
        func step(_ step: MessageQueue.Step) -> Bool {
            guard case .acquire(let lock, let blocking) = step else { return true }
            return acquire(lock, blocking)
        }
        var blocking: Int { calls.withLock { $0.filter(\.blocking).count } }
        var tries: [Bool] { calls.withLock { $0.filter { !$0.blocking }.map(\.taken) } }
    }

    @Test("put takes the mutex and tries it once (_is_owned); get the same; a get that waits takes its waiter twice and the mutex again")
    func lockOperations() async {
        let queue = MessageQueue()
        let put = Recorder()
        #expect(queue.put(7, steps: put.step) == false)
        #expect(put.blocking == 1 && put.tries == [false])
        let get = Recorder()
        #expect(queue.get(steps: get.step) == (7, 0))
        #expect(get.blocking == 1 && get.tries == [false])

        // A get on the empty queue waits until a put wakes it.
        let waiting = Recorder()
        let consumer = Task.detached { queue.get(steps: waiting.step) }
        while waiting.blocking < 2 { await Task.yield() }
        // The waiter is registered before get releases the mutex, so the put, which takes it, finds it.
        #expect(queue.put(9, steps: Recorder().step))
        let result = await consumer.value
        #expect(result == (9, 1))
        // mutex, the fresh waiter, the waiter again (blocks), the mutex again; _is_owned twice.
        #expect(waiting.blocking == 4 && waiting.tries == [false, false])
    }

    @Test("A put runs its bytecodes with the mutex held, after its C steps: a get made meanwhile waits for the mutex")
    func bytecodesRunUnderTheMutex() throws {
        final class Flag: Sendable {
            private let value = Atomic<Bool>(false)
            func set() { value.store(true, ordering: .sequentiallyConsistent) }
            var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
        }
        let queue = MessageQueue()
        let steps = Mutex<[String]>([])
        let started = Flag(), getDone = Flag()
        let got = Mutex<(item: Int, waits: Int)?>(nil)
        let clock = ContinuousClock()
        /// Spins until `flag` is set or `limit` has passed (a plain thread, not the test's task pool).
        func wait(for flag: Flag, limit: Duration) -> Bool {
            let until = clock.now.advanced(by: limit)
            while !flag.isSet && clock.now < until {}
            return flag.isSet
        }
        let woke = queue.put(5) { step in
            switch step {
            case .acquire(let lock, let blocking):
                steps.withLock { $0.append(blocking ? "acquire" : "try") }
                if blocking { lock.wait(); return true }
                return lock.tryWait()
            case .interpret(let path):
                steps.withLock { $0.append("interpret \(path)") }
                // A consumer that comes now finds the item but not the mutex.
                Thread.detachNewThread {
                    started.set()
                    let result = queue.get(steps: Recorder().step)
                    got.withLock { $0 = result }
                    getDone.set()
                }
                #expect(wait(for: started, limit: .seconds(10)))
                #expect(!wait(for: getDone, limit: .milliseconds(50)), "get took the mutex while put's bytecodes ran")
                return true
            }
        }
        #expect(!woke)
        #expect(steps.withLock { $0 } == ["acquire", "try", "interpret put"])
        #expect(wait(for: getDone, limit: .seconds(10)))
        let result = try #require(got.withLock { $0 })
        #expect(result.item == 5 && result.waits == 0)
    }

    @Test("The cost table pairs a real pipeline with its twin: time per message, its error, and the sleeps per message of each side")
    func costTable() throws {
        func row(_ engine: Engine, messagesPerSecond: Double, switches: Int, repetition: Int) -> ResultRow {
            var c = RunConfiguration()
            c.workload = .pipeline
            c.mode = .threads
            c.pattern = .stream
            c.messages = 10_000
            c.messageSize = 64
            c.engine = engine
            c.gil = .interval
            c.checkPoints = .backwardJumpsAndCalls311
            var row = ResultRow(key: ConfigurationKey(c))
            row.repetition = repetition
            row.measurements.messagesPerSecond = messagesPerSecond
            row.measurements.voluntaryContextSwitches = switches
            return row
        }
        let real = Engine.interpreter(name: "cpython-3.13.0", gil: .interval)
        var rows: [ResultRow] = []
        for r in 1...3 {
            // 10 µs a message on the interpreter, 11,000 sleeps; 5 µs on the simulator, 3,000.
            rows.append(row(real, messagesPerSecond: 100_000, switches: 11_000, repetition: r))
            rows.append(row(.simulator, messagesPerSecond: 200_000, switches: 3_000, repetition: r))
        }
        let table = CostFidelity(rows: rows)
        let entry = try #require(table.entries.first)
        #expect(table.entries.count == 1 && entry.label == "threads, stream, 64 B, per message")
        #expect(abs(entry.real - 10) < 1e-9 && abs(entry.simulated - 5) < 1e-9 && abs(entry.error + 0.5) < 1e-9)
        #expect(entry.verdict == .beyond)
        #expect(entry.realSleepsPerMessage == 1.1 && entry.simulatedSleepsPerMessage == 0.3)
        #expect(table.render().contains("1.10 / 0.30"))
        let md = table.markdown()
        #expect(md.hasPrefix("| cost | engine |") && md.contains("| 1.10 / 0.30 |") && md.contains("beyond the ±25% target"))
        #expect(table.render().contains("(-50.0%; 1.10 sleeps per message real, 0.30 simulated)"))
        // As many sleeps on both sides: the difference is the work between them.
        var same = entry
        same.simulatedSleepsPerMessage = 1.0
        #expect(CostFidelity.cause(same) == "as many sleeps per message (1.10 real, 1.00 simulated): the work between them")
        same.realSleepsPerMessage = 0.01
        same.simulatedSleepsPerMessage = 0.04
        #expect(CostFidelity.cause(same)?.hasPrefix("as many") == true, "neither side waits")
        same.realSleepsPerMessage = nil
        #expect(CostFidelity.cause(same) == nil)
        same.unit = "ns"
        #expect(CostFidelity.cause(same)?.hasPrefix("the scheduler's switch") == true, "the coroutine countdown")
    }

    @Test("reproduce --tutorial adds the tutorial's twins on each real interpreter; the default run leaves them out")
    func reproduceTutorial() {
        let python313 = PythonInterpreter(path: "p313", implementation: "cpython", version: "3.13.0")
        func twins(tutorial: Bool) -> Set<String> {
            let comparison = Reproduction.interpreterComparison(
                .init(scale: .quick, selected: [Catalogue.countdown], command: "c", python: .auto, tutorial: tutorial))
            return Set(comparison.experiments(for: python313).map(\.twin))
        }
        #expect(twins(tutorial: true).isSuperset(of: ["coroutines", "pipeline"]))
        #expect(twins(tutorial: false).isDisjoint(with: ["coroutines", "pipeline"]))
    }
}
