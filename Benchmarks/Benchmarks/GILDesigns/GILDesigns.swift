import Benchmark
import GilBench
import Synchronization

/// Every GIL design, uncontended and handed between two threads. Adding a design is one line in
/// `designs` below.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .nanoseconds,
        warmupIterations: 2,
        maxDuration: .seconds(2),
        maxIterations: 100,
        thresholds: [
            .wallClock: .init(relative: [.p90: 50.0], absolute: [:]),
            .throughput: .init(relative: [.p90: 50.0], absolute: [:]),
            .mallocCountTotal: .init(relative: [:], absolute: [.p90: 16]),
            .peakMemoryResident: .init(relative: [.p90: 10.0], absolute: [:]),
        ]
    )

    // MARK: The designs: one line each, built by the GIL factory as every run builds them.
    designs("ticks-semaphore", InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100))
    designs("ticks-condvar", InterpreterSettings(gil: .ticks, lock: .condvar, checkInterval: 100))
    designs("interval", InterpreterSettings(gil: .interval, lock: .semaphore, checkInterval: 100, switchIntervalMilliseconds: 5))
    designs("fair", InterpreterSettings(gil: .fair, lock: .semaphore, checkInterval: 100))
    designs("priority", InterpreterSettings(gil: .priority, lock: .semaphore, checkInterval: 100, switchIntervalMilliseconds: 5))
    designs("none", InterpreterSettings(gil: .none, lock: .semaphore, checkInterval: 100))
}

/// Registers the benchmarks of one design.
func designs(_ name: String, _ settings: InterpreterSettings) {
    // A fresh GIL for every run of a benchmark, specialised for its design (``GILBody``).
    Benchmark("uncontended-acquire-release-\(name)", configuration: .init(scalingFactor: .mega)) { benchmark in
        settings.withGIL(Uncontended(benchmark: benchmark))
    }
    Benchmark("two-thread-handoff-\(name)", configuration: .init(scalingFactor: .kilo, maxIterations: 30)) { benchmark in
        settings.withGIL(Handoff(benchmark: benchmark))
    }
}

/// One thread takes and gives the GIL back, as a thread does around a blocking call
/// (`Py_BEGIN_ALLOW_THREADS`) with nobody waiting. Scaled: ns per acquire/release pair.
struct Uncontended: GILBody {
    let benchmark: Benchmark

    func run<G: GlobalInterpreterLock>(_ gil: G) {
        var thread = InterpreterThread(id: 0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            gil.acquire(&thread)
            gil.release(&thread)
        }
        benchmark.stopMeasurement()
        blackHole(gil.counters().acquisitions)
    }
}

/// Two threads pass the GIL back and forth: each takes it, checks it is its turn, gives the turn to
/// the other and releases. A thread that re-takes the GIL out of turn (the releasing thread usually
/// wins the race against the woken one, slide 98) releases it and tries again, so each scaled
/// iteration is one completed hand-off, failed attempts included. Scaled: ns per hand-off.
struct Handoff: GILBody {
    let benchmark: Benchmark

    func run<G: GlobalInterpreterLock>(_ gil: G) {
        let rounds = benchmark.scaledIterations.count / 2
        let turn = Atomic<Int>(0)
        benchmark.startMeasurement()
        let threads = (0..<2).map { id in
            try! NativeThread.spawn {
                var thread = InterpreterThread(id: id)
                for _ in 0..<rounds {
                    while true {
                        gil.acquire(&thread)
                        if turn.load(ordering: .acquiring) == id { break }
                        gil.release(&thread)
                    }
                    turn.store(1 - id, ordering: .releasing)
                    gil.release(&thread)
                }
            }
        }
        for thread in threads { thread.join() }
        benchmark.stopMeasurement()
        blackHole(gil.counters().handoffs)
    }
}
