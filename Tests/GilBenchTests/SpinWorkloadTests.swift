import CGilBench
import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("The spin workload: the machine's ceiling", .serialized)
struct SpinWorkloadTests {
    @Test("gb_spin runs xorshift64: its result depends on every step, so the loop cannot be skipped")
    func nativeLoop() {
        // xorshift64 from the shim's seed, step by step in Swift.
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var expected: [UInt64] = []
        for _ in 0..<5 {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            expected.append(x)
        }
        #expect((1...5).map { gb_spin(UInt64($0)) } == expected)
        #expect(gb_spin(0) == 0x9E37_79B9_7F4A_7C15)
        #expect(Set((1...100).map { gb_spin(UInt64($0)) }).count == 100, "every step changes the result")
    }

    @Test("spin runs sequentially, in threads and in processes: three instructions per task, and a sequential run hands the GIL to nobody")
    func threeModes() throws {
        let executable = try gilbenchExecutable()
        var measurements: [ExecutionMode: RunMeasurement] = [:]
        for mode in [ExecutionMode.sequential, .threads, .processes] {
            var configuration = RunConfiguration.testing(.spin, mode, n: 2_000_000)
            configuration.processes = 2
            let measurement = try Runner.measure(configuration, workerExecutable: executable)
            #expect(measurement.wallSeconds > 0)
            // One native call per task: LOAD_FAST, CALL_NATIVE, RETURN_VALUE.
            #expect(measurement.instructions == 2 * 3, "\(mode)")
            measurements[mode] = measurement
        }
        // Sequential: one thread, so nobody else ever wants the GIL. (Its CPU time is not compared
        // with its wall time here: the tests of this process run beside it and share its usage.)
        let sequential = try #require(measurements[.sequential])
        #expect(sequential.gil?.handoffs ?? 0 <= 2, "no other thread wants the GIL")
    }

    @Test("spin validates like the countdown: processes and pool are allowed, n must be positive")
    func validation() throws {
        var configuration = RunConfiguration()
        configuration.workload = .spin
        for mode in ExecutionMode.allCases where mode != .coroutines && mode != .events {
            configuration.mode = mode
            #expect(throws: Never.self) { try configuration.validate() }
        }
        configuration.mode = .coroutines
        #expect(throws: GilBenchError.self, "native work cannot be a generator") { try configuration.validate() }
        configuration.mode = .events
        #expect(throws: GilBenchError.self, "events mode is the server's") { try configuration.validate() }
        #expect(Workload.spin.usesN && Workload.spin.defaultN > 0)
    }

    @Test("A spin request crosses the pipe as itself")
    func wire() throws {
        let request = WorkerRequest.spin(runs: [7, 8], InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100, switchIntervalMilliseconds: 5))
        #expect(try WorkerRequest(frame: request.frame) == request)
        let countdown = WorkerRequest.countdown(runs: [7, 8], InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100, switchIntervalMilliseconds: 5))
        #expect(try WorkerRequest(frame: countdown.frame) == countdown)
        let result = try WorkerService.execute(.spin(runs: [3], InterpreterSettings(gil: .none, lock: .semaphore, checkInterval: 100, switchIntervalMilliseconds: 5)))
        #expect(result.values == [Int(truncatingIfNeeded: gb_spin(3))])
    }
}
