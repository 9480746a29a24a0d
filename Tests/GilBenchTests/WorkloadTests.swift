import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("Workloads that tell the GIL designs apart")
struct WorkloadTests {
    @Test("extension runs `calls` native calls per thread: 12 instructions per call")
    func extensionCounts() throws {
        let configuration = RunConfiguration.testing(.extension, .threads, tasks: 2, calls: 1_000, churnN: 10)
        let measurement = try Runner.measure(configuration)
        #expect(measurement.instructions == 2 * (1_000 * 12 + 6))
        #expect(configuration.record[.churnN] == "10")
        #expect(configuration.record[.n] == nil)
    }

    @Test("io-latency answers every request and reports latencies, with and without CPU-bound threads",
          arguments: [(GILDesign.priority, 1), (.interval, 0), (.ticks, 1)])
    func ioLatencyReports(design: GILDesign, cpuThreads: Int) throws {
        var configuration = RunConfiguration.testing(.ioLatency, .threads, gil: design, switchIntervalMilliseconds: 0.5)
        configuration.cpuThreads = cpuThreads
        configuration.calls = 40
        configuration.applyWorkloadShape()
        #expect(configuration.tasks == 1 + cpuThreads)
        let record = try Runner.measure(configuration).record
        let p50 = try #require(record[.latencyP50Us].flatMap(Double.init))
        let max = try #require(record[.latencyMaxUs].flatMap(Double.init))
        #expect(p50 > 0 && p50 <= max)
        // The client pauses 1 ms after every answer: never more than 1,000 requests a second.
        let rate = try #require(record[.requestsPerSecond].flatMap(Double.init))
        #expect(rate > 0 && rate <= 1e9 / Double(IOLatencyWorkload.pauseNanoseconds))
    }

    @Test("long-tick reports the waiter's delay and the instruction's length")
    func longTickReports() throws {
        let configuration = RunConfiguration.testing(.longTick, .threads, n: 5_000_000, shaped: true)
        let record = try Runner.measure(configuration).record
        // The waiter asked for the GIL in the middle of the long instruction, so it waited; the
        // instruction took time.
        let delay = try #require(record[.latencyMaxUs].flatMap(Double.init))
        let longTick = try #require(record[.longTickUs].flatMap(Double.init))
        #expect(delay > 0 && longTick > 0)
    }

    @Test("Workloads with a fixed shape refuse another thread count")
    func fixedShape() {
        var configuration = RunConfiguration()
        configuration.workload = .race
        configuration.tasks = 3
        #expect(throws: GilBenchError.self) { try configuration.validate() }
        configuration.applyWorkloadShape()
        #expect(configuration.tasks == 2)
    }
}
