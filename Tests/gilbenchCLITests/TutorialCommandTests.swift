import Foundation
import GilBench
import GilBenchTestSupport
import Testing

@Suite("run: coroutines and the pipeline end to end")
struct TutorialCommandTests {
    @Test("The countdown as 2 coroutines makes no futex call, and its row says how it yielded",
          .requiresPerf)
    func coroutinesNoFutex() throws {
        let (_, rows) = try runWritingCSV([
            "run", "--mode", "coroutines", "--n", "50000", "--yield-every", "3", "--repeat", "1", "--warmup", "0",
            "--syscalls", "perf", "--quiet",
        ])
        let row = try #require(rows.first)
        #expect(row.mode == .coroutines && row.yieldEvery == 3 && row.threads == 1)
        #expect(row.syscallsFutex == 0)
        #expect(row.gilHandoffs == 0)
    }

    @Test("pipeline in three models writes the message columns; other workloads leave them empty")
    func pipelineColumns() throws {
        let (result, rows) = try runWritingCSV([
            "run", "--workload", "pipeline", "--mode", "threads,processes,coroutines", "--pattern", "request-reply",
            "--messages", "300", "--message-size", "1024", "--repeat", "1", "--warmup", "0", "--syscalls", "none", "--quiet",
        ])
        #expect(rows.count == 3)
        for row in rows {
            #expect(row.workload == .pipeline && row.pattern == .requestReply, "\(row)")
            #expect(row.messages == 300 && row.messageSize == 1024 && row.bytes == 307_200, "\(row)")
            #expect(row.messagesPerSecond ?? 0 > 0, "\(row)")
            let p50 = try #require(row.messageLatencyP50Us)
            let p99 = try #require(row.messageLatencyP99Us)
            #expect(p50 <= p99)
        }
        let processes = try #require(rows.first { $0.mode == .processes })
        #expect(processes.processes == 2)
        // Both processes wait for each other once per round trip: the consumer's switches are in the
        // row too (about 2 a message; the producer's alone would be about 1).
        #expect(processes.voluntaryContextSwitches ?? 0 >= 450, "\(processes)")
        #expect(result.stdout.contains("msg/s"))
        let (_, countdown) = try runWritingCSV([
            "run", "--mode", "sequential", "--n", "1000", "--repeat", "1", "--warmup", "0", "--syscalls", "none", "--quiet",
        ])
        let row = try #require(countdown.first)
        for column in [Column.yieldEvery, .messages, .messageSize, .pattern, .messagesPerSecond, .messageLatencyP50Us] {
            #expect(row[cell: column] == nil, "\(column.rawValue)")
        }
    }
}
