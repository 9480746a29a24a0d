import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("GIL counters across modes", .serialized)
struct GILCountersAcrossModesTests {
    /// The GIL's columns that do not depend on whether any acquisition had to wait. (The failed
    /// wake-ups histogram is compared as a value above: with no contended acquisition, as in a
    /// worker whose GIL has one thread, it has no bucket to write and its cell is empty.)
    static let counterColumns: [Column] = [
        .gilAcquisitions, .gilHandoffs, .gilFailedAcquisitions, .gilWaitSeconds, .forcedSwitches,
    ]
    /// The wait percentiles: filled when the wait histogram is recorded and holds a wait.
    static let waitColumns: [Column] = [.gilWaitP50Us, .gilWaitP90Us, .gilWaitP99Us, .gilWaitMaxUs]

    @Test("Threads and worker processes fill the same GIL counters, for every design", arguments: [
        (GILDesign.ticks, LockKind.semaphore), (.ticks, .condvar), (.interval, .semaphore), (.fair, .semaphore),
        (.priority, .semaphore), (.none, .semaphore),
    ])
    func sameCountersInThreadsAndProcesses(design: GILDesign, lock: LockKind) throws {
        var configuration = RunConfiguration()
        configuration.workload = .countdown
        configuration.gil = design
        configuration.lock = lock
        configuration.n = 200_000
        configuration.tasks = 2
        configuration.processes = 2
        configuration.mode = .threads
        let executable = try gilbenchExecutable()
        let threads = try Runner.measure(configuration, workerExecutable: executable)
        configuration.mode = .processes
        let processes = try Runner.measure(configuration, workerExecutable: executable)

        // The same work, so the same ticks; both report a GIL, with the same counters seen.
        #expect(threads.ticks == 2 * (3 * 200_000 + 1))
        #expect(processes.ticks == threads.ticks)
        let inThreads = try #require(threads.gil)
        let inProcesses = try #require(processes.gil)
        #expect(inThreads.acquisitions >= 2)
        // A worker starts no thread: CPython 2 never creates its lock there (TickGIL.lockExists), so
        // the ticks design counts no acquisition; the others take theirs once per worker at least.
        #expect(design == .ticks ? inProcesses.acquisitions == 0 : inProcesses.acquisitions >= 2)
        #expect((inThreads.failedAcquisitions == nil) == (inProcesses.failedAcquisitions == nil))
        #expect((inThreads.forcedSwitches == nil) == (inProcesses.forcedSwitches == nil))
        #expect((inThreads.failedWakeupHistogram == nil) == (inProcesses.failedWakeupHistogram == nil))
        // Waits are recorded in both modes (a worker's GIL has one thread: it never waits).
        let threadWaits = try #require(inThreads.waitSamples)
        let processWaits = try #require(inProcesses.waitSamples)
        // Two threads under one GIL wait for it (except with none, where nobody waits).
        #expect(design == .none ? threadWaits.count == 0 : threadWaits.count > 0)

        // And so the same columns of the row.
        for column in Self.counterColumns {
            #expect((threads.record[column] == nil) == (processes.record[column] == nil), "\(column.rawValue)")
        }
        for (measurement, waits) in [(threads, threadWaits), (processes, processWaits)] {
            for column in Self.waitColumns {
                #expect((measurement.record[column] != nil) == (waits.count > 0), "\(column.rawValue)")
            }
        }
    }

    @Test("A sequential run on a worker thread does the same work, and on CPython 2's design has a lock to take")
    func sequentialOnWorkerThread() throws {
        var configuration = RunConfiguration.testing(.countdown, .sequential, gil: .ticks, n: 100_000)
        let main = try Runner.measure(configuration)
        configuration.sequentialThread = .worker
        #expect(configuration.initialisesThreads)
        let worker = try Runner.measure(configuration)
        #expect(worker.ticks == main.ticks)
        // The started thread made CPython 2 create its lock (PyEval_InitThreads): released and
        // re-taken at every check, uncontended; on the main thread alone there is no lock.
        let onWorker = try #require(worker.gil)
        #expect(onWorker.acquisitions >= 100_000 / 100)
        #expect(try #require(main.gil).acquisitions == 0)
    }

    @Test("An extension run has CPython 2's lock even sequentially: importing ctypes creates it")
    func extensionHasTheLock() throws {
        let configuration = RunConfiguration.testing(.extension, .sequential, gil: .ticks, calls: 1_000, churnN: 0)
        #expect(configuration.initialisesThreads)
        let run = try Runner.measure(configuration)
        // One release and re-take around each of the 2 × 1,000 calls, as PyThread_acquire_lock counts.
        #expect(try #require(run.gil).acquisitions >= 2 * 1_000)
    }
}
