import ArgumentParser
import Foundation
import GilBenchTestSupport
import Testing
@testable import gilbench

@Suite("gilbench trace, end to end")
struct TraceCommandTests {
    @Test("Defaults: threads mode, a short n, the rest as run's")
    func defaults() throws {
        let trace = try parse(["trace", "--output", "t.json"], as: Trace.self)
        let c = try trace.traced()
        #expect(c.mode == .threads && c.n == 200_000 && c.tasks == 2 && c.gil == .ticks)
        let given = try parse(["trace", "--mode", "sequential", "--n", "1000", "--gil", "fair", "--output", "t.json"], as: Trace.self)
        let g = try given.traced()
        #expect(g.mode == .sequential && g.n == 1000 && g.gil == .fair)
    }

    @Test("A ticks/condvar trace: valid JSON, every thread holds the GIL, never two at once")
    func ticksCondvar() throws {
        let path = temporaryFilePath("trace", extension: "json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try runGilbench(["trace", "--gil", "ticks", "--lock", "condvar", "--n", "200000", "--output", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1 && result.stdout.hasPrefix(path + ": thread 0: "), "\(result.stdout)")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        let other = try #require(root["otherData"] as? [String: Any])
        #expect(other["gil"] as? String == "ticks" && other["lock"] as? String == "condvar" && other["mode"] as? String == "threads")
        #expect(other["n"] as? Int == 200_000 && other["threads"] as? Int == 2 && other["gilbench_version"] is String)
        #expect(other["wall_s"] is Double && other["gil_acquisitions"] is Int && other["dropped_events"] is Int)
        let names = events.filter { $0["name"] as? String == "thread_name" }.compactMap { $0["tid"] as? Int }
        #expect(Set(names) == [0, 1])
        let holds = events.filter { $0["ph"] as? String == "X" && $0["name"] as? String == "holds GIL" }
        for thread in [0, 1] {
            #expect(holds.contains { $0["tid"] as? Int == thread }, "thread \(thread) never holds the GIL")
        }
        // At most one holder: sorted by start, each hold ends before (or as) the next begins.
        // Times are exact to the nanosecond (three decimals of a microsecond).
        let spans = try holds.map { (try #require($0["ts"] as? Double), try #require($0["dur"] as? Double)) }.sorted { $0.0 < $1.0 }
        for (a, b) in zip(spans, spans.dropFirst()) {
            #expect(a.0 + a.1 <= b.0 + 0.0005, "overlap: \(a) and \(b)")
        }
    }

    @Test("An unwritable output is exit status 73")
    func unwritable() throws {
        try expectRefusal(["trace", "--n", "1000", "--output", "/nonexistent-dir/t.json"], status: 73, "cannot write /nonexistent-dir/t.json")
    }
}
