import Synchronization
import Testing
@testable import GilBench

@Suite("The tutorial's costs: Queue.put/get's bytecodes and locks per CPython version, and their fidelity table")
struct QueueCostTests {
    /// Every check-point flag of `program` under `schedule`.
    static func checks(_ program: Program, _ schedule: CheckPoints) -> Int {
        schedule.marks(program.instructions).filter { $0 }.count
    }

    @Test("Each stand-in runs as many instructions as CPython's path, with its check points under every schedule",
          arguments: [QueueMethodCosts.python2, .python3])
    func standIns(costs: QueueMethodCosts) {
        for path in [costs.put, costs.putWakingWaiter, costs.get, costs.getWaitingOnce, costs.waitAgain] {
            let program = QueueMethodCosts.standIn(path, name: "stand-in")
            #expect(program.instructions.count == path.instructions)
            for schedule in CheckPoints.allCases {
                #expect(Self.checks(program, schedule) == path.checks(schedule), "\(schedule)")
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

    @Test("Only CPython 2's locks release the GIL on every acquire")
    func lockEra() {
        #expect(CheckPoints.allCases.filter(\.everyLockAcquireReleasesGIL) == [.ticker27])
    }

    /// The lock operations a queue makes: (blocking, taken) per acquire.
    final class Recorder: Sendable {
        let calls = Mutex<[(blocking: Bool, taken: Bool)]>([])
        func acquire(_ lock: Semaphore, _ blocking: Bool) -> Bool {
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
        var blocking: Int { calls.withLock { $0.filter(\.blocking).count } }
        var tries: [Bool] { calls.withLock { $0.filter { !$0.blocking }.map(\.taken) } }
    }

    @Test("put takes the mutex and tries it once (_is_owned); get the same; a get that waits takes its waiter twice and the mutex again")
    func lockOperations() async {
        let queue = MessageQueue()
        let put = Recorder()
        #expect(queue.put(7, acquire: put.acquire) == false)
        #expect(put.blocking == 1 && put.tries == [false])
        let get = Recorder()
        #expect(queue.get(acquire: get.acquire) == (7, 0))
        #expect(get.blocking == 1 && get.tries == [false])

        // A get on the empty queue waits until a put wakes it.
        let waiting = Recorder()
        let consumer = Task.detached { queue.get(acquire: waiting.acquire) }
        while waiting.blocking < 2 { await Task.yield() }
        // The waiter is registered before get releases the mutex, so the put, which takes it, finds it.
        #expect(queue.put(9, acquire: Recorder().acquire))
        let result = await consumer.value
        #expect(result == (9, 1))
        // mutex, the fresh waiter, the waiter again (blocks), the mutex again; _is_owned twice.
        #expect(waiting.blocking == 4 && waiting.tries == [false, false])
    }
}
