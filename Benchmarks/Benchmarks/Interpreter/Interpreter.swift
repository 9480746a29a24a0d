import Benchmark
import GilBench

/// The interpreter's cost per tick: the countdown of slide 80 on one thread, with the scaled
/// iteration being one tick (a countdown loop iteration is 2 ticks, see `Opcode.ticks`), so the
/// scaled wall clock reads as ns per tick.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .nanoseconds,
        warmupIterations: 2,
        scalingFactor: .mega,
        maxDuration: .seconds(2),
        maxIterations: 50,
        thresholds: [
            // A shared 2-core machine: wall clock moves by tens of percent between runs.
            .wallClock: .init(relative: [.p90: 50.0], absolute: [:]),
            .throughput: .init(relative: [.p90: 50.0], absolute: [:]),
            .instructions: .init(relative: [.p90: 5.0], absolute: [:]),
            .mallocCountTotal: .init(relative: [:], absolute: [.p90: 2]),
            .peakMemoryResident: .init(relative: [.p90: 10.0], absolute: [:]),
        ]
    )

    let program = Programs.countdown
    let ticksPerLoop = 2
    let shared = SharedState(globals: 0, locks: 0)

    // The countdown under each design, holding the GIL as the sequential mode does: the ticks design
    // releases and re-takes its lock every 100 ticks, the no-GIL design never.
    func countdown<G: GlobalInterpreterLock>(_ name: String, _ makeGIL: @escaping @Sendable () -> G) {
        Benchmark("countdown-ns-per-tick-\(name)") { benchmark in
            let gil = makeGIL()
            var thread = InterpreterThread(id: 0)
            gil.acquire(&thread)
            let loops = benchmark.scaledIterations.count / ticksPerLoop
            benchmark.startMeasurement()
            let result = VirtualMachine.run(program, arguments: [loops], gil: gil, thread: &thread, shared: shared)
            benchmark.stopMeasurement()
            gil.release(&thread)
            blackHole(result)
            precondition(thread.ticks == UInt64(loops * ticksPerLoop), "the countdown ticked \(thread.ticks) times")
        }
    }

    countdown("ticks-semaphore") { TickGIL(lock: SemaphoreLock(), checkInterval: 100) }
    countdown("none") { NoGIL() }
}
