import GilBenchTestSupport
import Testing
@testable import GilBench

extension WorkloadTests {
    static func pipeline(_ mode: ExecutionMode, _ pattern: MessagePattern, gil: GILDesign = .ticks, messages: Int = 300) -> RunConfiguration {
        var configuration = RunConfiguration()
        configuration.workload = .pipeline
        configuration.applyWorkloadShape()  // producer and consumer
        (configuration.mode, configuration.gil, configuration.pattern) = (mode, gil, pattern)
        (configuration.messages, configuration.messageSize) = (messages, 100)
        configuration.switchIntervalMilliseconds = 0.5
        return configuration
    }

    @Test("pipeline in threads delivers every message once through the Queue.py queue, under every GIL design",
          arguments: GILDesign.allCases, MessagePattern.allCases)
    func pipelineThreads(design: GILDesign, pattern: MessagePattern) throws {
        let configuration = Self.pipeline(.threads, pattern, gil: design)
        let measurement = try Runner.measure(configuration)
        let outcome = measurement.outcome
        #expect(outcome.messagesReceived == 300)
        #expect(outcome.bytes == 300 * 100)
        let p50 = try #require(outcome.messageLatencyP50Microseconds)
        let p99 = try #require(outcome.messageLatencyP99Microseconds)
        #expect(p50 > 0 && p50 <= p99)
        #expect((outcome.messagesPerSecond ?? 0) > 0)
        if pattern == .requestReply && design != .none {
            // The producer waits for every reply: the GIL changes hands at least twice per message.
            #expect((measurement.gil?.handoffs ?? 0) >= 2 * 300)
        }
        let record = configuration.record
        #expect(record[.messages] == "300" && record[.messageSize] == "100" && record[.pattern] == pattern.rawValue)
    }

    @Test("pipeline in coroutines: send() into one generator in one thread; no GIL hand-off", arguments: MessagePattern.allCases)
    func pipelineCoroutines(pattern: MessagePattern) throws {
        let measurement = try Runner.measure(Self.pipeline(.coroutines, pattern))
        #expect(measurement.outcome.messagesReceived == 300)
        #expect(measurement.outcome.bytes == 300 * 100)
        #expect(measurement.gil?.handoffs == 0)
        let p50 = try #require(measurement.outcome.messageLatencyP50Microseconds)
        let p99 = try #require(measurement.outcome.messageLatencyP99Microseconds)
        #expect(p50 > 0 && p50 <= p99)
    }

    @Test("pipeline in sequential mode streams: the producer fills the queue, then the consumer drains it")
    func pipelineSequential() throws {
        let measurement = try Runner.measure(Self.pipeline(.sequential, .stream))
        #expect(measurement.outcome.messagesReceived == 300)
        var requestReply = Self.pipeline(.sequential, .requestReply)
        requestReply.repetitions = 1
        #expect(throws: GilBenchError.self) { try requestReply.validate() }
    }

    @Test("pipeline in processes: every message pickled over a pipe to a consumer process", arguments: MessagePattern.allCases)
    func pipelineProcesses(pattern: MessagePattern) throws {
        let configuration = Self.pipeline(.processes, pattern, messages: 200)
        let measurement = try Runner.measure(configuration, workerExecutable: try gilbenchExecutable())
        #expect(measurement.warnings.isEmpty)
        #expect(measurement.outcome.messagesReceived == 200)
        #expect(measurement.outcome.bytes == 200 * 100)
        let p50 = try #require(measurement.outcome.messageLatencyP50Microseconds)
        let p99 = try #require(measurement.outcome.messageLatencyP99Microseconds)
        #expect(p50 > 0 && p50 <= p99)
        #expect(configuration.record[.processes] == "2")
    }

    @Test("A consumer process that cannot start fails the run with one line")
    func pipelinePeerMissing() {
        let configuration = Self.pipeline(.processes, .stream)
        #expect(throws: GilBenchError.self) { try Runner.measure(configuration, workerExecutable: "/bin/false") }
    }
}
