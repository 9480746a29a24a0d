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

    // The countdown under each design, holding the GIL as the sequential mode does: the ticks design
    // releases and re-takes its lock every 100 ticks, the no-GIL design never.
    for (name, settings) in [
        ("ticks-semaphore", InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100)),
        ("none", InterpreterSettings(gil: .none, lock: .semaphore, checkInterval: 100)),
    ] {
        Benchmark("countdown-ns-per-tick-\(name)") { benchmark in
            settings.withGIL(Countdown(benchmark: benchmark))
        }
    }
}

/// The countdown on one thread, under the GIL the factory built, specialised for its design.
struct Countdown: GILBody {
    static let ticksPerLoop = 2
    let benchmark: Benchmark

    func run<G: GlobalInterpreterLock>(_ gil: G) {
        let shared = SharedState(globals: 0, locks: 0)
        var thread = InterpreterThread(id: 0)
        gil.acquire(&thread)
        let loops = benchmark.scaledIterations.count / Countdown.ticksPerLoop
        benchmark.startMeasurement()
        let result = VirtualMachine.run(Programs.countdown, arguments: [loops], gil: gil, thread: &thread, shared: shared)
        benchmark.stopMeasurement()
        gil.release(&thread)
        blackHole(result)
        precondition(thread.ticks == UInt64(loops * Countdown.ticksPerLoop), "the countdown ticked \(thread.ticks) times")
    }
}
