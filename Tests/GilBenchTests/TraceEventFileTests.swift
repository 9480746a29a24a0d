import Foundation
import GilBench
import Testing

@Suite("Trace Event Format: the GIL's events for chrome://tracing and Perfetto")
struct TraceEventFileTests {
    typealias E = GILEventRecorder.Event

    /// Two threads: 0 holds, 1 waits, fails a wake-up, then takes over; 0 waits and its acquisition
    /// is missing (buffer full), so its wait is left out; 1 releases twice (the second is unpaired).
    let events: [E] = [
        E(nanoseconds: 1_000, thread: 0, kind: .acquired),
        E(nanoseconds: 1_500, thread: 1, kind: .waiting),
        E(nanoseconds: 2_000, thread: 1, kind: .failedWakeup),
        E(nanoseconds: 3_250, thread: 0, kind: .released),
        E(nanoseconds: 3_300, thread: 1, kind: .acquired),
        E(nanoseconds: 3_400, thread: 0, kind: .waiting),
        E(nanoseconds: 5_000, thread: 1, kind: .released),
        E(nanoseconds: 6_000, thread: 1, kind: .released),
    ]

    func parsed(_ text: String) throws -> (events: [[String: Any]], other: [String: Any], root: [String: Any]) {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        let other = try #require(root["otherData"] as? [String: Any])
        return (events, other, root)
    }

    @Test("Valid JSON: metadata per thread, holds and waits as complete events, failed wake-ups as instants, unpaired events left out")
    func conversion() throws {
        let trace = TraceEventFile.render(
            events, processName: "gilbench \"ticks\"\n", otherData: [("workload", .string("count\\down")), ("n", .int(7)), ("wall_s", .number(0.5))])
        let (list, other, root) = try parsed(trace.text)
        #expect(root["displayTimeUnit"] as? String == "ns")
        let metadata = list.filter { $0["ph"] as? String == "M" }
        let process = try #require(metadata.first { $0["name"] as? String == "process_name" })
        #expect((process["args"] as? [String: Any])?["name"] as? String == "gilbench \"ticks\"\n")
        for thread in [0, 1] {
            let name = metadata.first { $0["name"] as? String == "thread_name" && $0["tid"] as? Int == thread }
            #expect((name?["args"] as? [String: Any])?["name"] as? String == "thread \(thread)")
        }
        let complete = list.filter { $0["ph"] as? String == "X" }
        for e in complete {
            #expect(try #require(e["dur"] as? Double) >= 0)
            #expect(e["pid"] as? Int == 1)
        }
        let holds = complete.filter { $0["name"] as? String == "holds GIL" }
        #expect(holds.map { $0["tid"] as? Int } == [0, 1])
        // Thread 0 holds from 0 µs (the first event) to 2.25 µs; thread 1 from 2.3 to 4 µs.
        #expect(holds.map { $0["ts"] as? Double } == [0, 2.3])
        #expect(holds.map { $0["dur"] as? Double } == [2.25, 1.7])
        let waits = complete.filter { $0["name"] as? String == "waits for GIL" }
        #expect(waits.count == 1 && waits[0]["tid"] as? Int == 1 && waits[0]["ts"] as? Double == 0.5 && waits[0]["dur"] as? Double == 1.8)
        let instants = list.filter { $0["ph"] as? String == "i" }
        #expect(instants.count == 1)
        #expect(instants.first?["name"] as? String == "failed wake-up" && instants.first?["s"] as? String == "t")
        #expect(instants.first?["tid"] as? Int == 1 && instants.first?["ts"] as? Double == 1)
        // Left out: thread 0's last wait (no acquisition), thread 1's second release.
        #expect(trace.unpaired == 2 && other["unpaired_events"] as? Int == 2)
        #expect(other["workload"] as? String == "count\\down" && other["n"] as? Int == 7 && other["wall_s"] as? Double == 0.5)
        #expect(trace.eventsPerThread == [0: 1, 1: 3])
    }

    @Test("No events: still a valid file with the process name")
    func empty() throws {
        let (list, other, _) = try parsed(TraceEventFile.render([], processName: "gilbench none").text)
        #expect(list.count == 1 && other["unpaired_events"] as? Int == 0)
    }

    @Test("Strings are escaped, control characters as \\u")
    func escaping() {
        #expect(TraceEventFile.quoted("a\"b\\c\n\u{1}é") == "\"a\\\"b\\\\c\\n\\u0001é\"")
    }
}
