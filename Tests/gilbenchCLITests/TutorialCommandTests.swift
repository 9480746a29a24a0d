import Foundation
import Testing

@Suite("run: coroutines and the pipeline end to end")
struct TutorialCommandTests {
    @Test("The countdown as 2 coroutines makes no futex call, and its row says how it yielded",
          .enabled(if: perfWorks, "needs perf (root, tracefs)"))
    func coroutinesNoFutex() throws {
        let (_, rows) = try runWritingCSV([
            "run", "--mode", "coroutines", "--n", "50000", "--yield-every", "3", "--repeat", "1", "--warmup", "0",
            "--syscalls", "perf", "--quiet",
        ])
        let row = try #require(rows.first)
        #expect(row["mode"] == "coroutines" && row["yield_every"] == "3" && row["threads"] == "1")
        #expect(row["syscalls_futex"] == "0")
        #expect(row["gil_handoffs"] == "0")
    }

    @Test("pipeline in three models writes the message columns; other workloads leave them empty")
    func pipelineColumns() throws {
        let (result, rows) = try runWritingCSV([
            "run", "--workload", "pipeline", "--mode", "threads,processes,coroutines", "--pattern", "request-reply",
            "--messages", "300", "--message-size", "1024", "--repeat", "1", "--warmup", "0", "--syscalls", "none", "--quiet",
        ])
        #expect(rows.count == 3)
        for row in rows {
            #expect(row["workload"] == "pipeline" && row["pattern"] == "request-reply", "\(row)")
            #expect(row["messages"] == "300" && row["message_size"] == "1024" && row["bytes"] == "307200", "\(row)")
            #expect(Double(row["messages_per_s"] ?? "") ?? 0 > 0, "\(row)")
            let p50 = try #require(Double(row["message_latency_p50_us"] ?? ""))
            let p99 = try #require(Double(row["message_latency_p99_us"] ?? ""))
            #expect(p50 <= p99)
        }
        #expect(rows.first { $0["mode"] == "processes" }?["processes"] == "2")
        #expect(result.stdout.contains("msg/s"))
        let (_, countdown) = try runWritingCSV([
            "run", "--mode", "sequential", "--n", "1000", "--repeat", "1", "--warmup", "0", "--syscalls", "none", "--quiet",
        ])
        for column in ["yield_every", "messages", "message_size", "pattern", "messages_per_s", "message_latency_p50_us"] {
            #expect(countdown.first?[column] == "", "\(column)")
        }
    }
}
