import Foundation
import Testing
@testable import GilBench

@Suite("GIL recording: failed wake-ups and the event timeline")
struct GILRecordingTests {
    @Test("Failed wake-ups fall in power-of-two buckets and survive the CSV cell", arguments: [
        (0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (7, 3), (8, 4), (1000, 10),
    ])
    func buckets(failures: Int, bucket: Int) throws {
        #expect(FailedWakeupHistogram.bucket(failures) == bucket)
        var h = FailedWakeupHistogram()
        h.record(failures: failures)
        h.record(failures: 0)
        let parsed = try #require(FailedWakeupHistogram(cell: h.cell))
        #expect(parsed == h)
        #expect(parsed.total == 2)
    }

    @Test("A malformed histogram cell is refused", arguments: ["x", "0:", "2-4:1", "0:-1", "1:2;bad"])
    func malformedCell(cell: String) {
        #expect(FailedWakeupHistogram(cell: cell) == nil)
    }

    /// Two countdown threads under a recording ticks GIL on the condition-variable lock.
    static func recordedRun(n: Int = 200_000) throws -> (GILEventRecorder, GILCounters) {
        let recorder = GILEventRecorder(capacity: 1_000_000)
        let settings = InterpreterSettings(gil: .ticks, lock: .condvar, checkInterval: 100)
        let task = InterpretedTask(program: Programs.countdown, arguments: [n])
        return (recorder, try settings.withGIL(recorder: recorder, ThreadedRun(tasks: [task, task])))
    }

    @Test("The recorded events never show two holders at once, and match the GIL's own counters")
    func timelineInvariant() throws {
        let (recorder, counters) = try Self.recordedRun()
        let events = recorder.events()
        #expect(recorder.dropped == 0)
        var holder: Int?
        var acquisitions = 0, failed = 0
        for e in events {
            switch e.kind {
            case .acquired:
                #expect(holder == nil, "thread \(e.thread) acquired while \(holder ?? -1) held the GIL")
                holder = e.thread
                acquisitions += 1
            case .released:
                #expect(holder == e.thread)
                holder = nil
            case .failedWakeup:
                #expect(holder != e.thread)
                failed += 1
            case .waiting:
                break
            }
        }
        #expect(acquisitions == counters.acquisitions)
        #expect(failed == counters.failedAcquisitions)
        // Every contended acquisition is in the histogram; the failures it holds add up within bucket bounds.
        let histogram = try #require(counters.failedWakeupHistogram)
        #expect(histogram.total == events.filter { $0.kind == .waiting }.count)
        // The side file round-trips.
        let parsed = try GILTimelineFile.parse(GILTimelineFile.render(events))
        #expect(parsed.count == events.count)
        #expect(parsed.map(\.kind) == events.map(\.kind))
    }

    @Test("The interval, fair and priority designs record the same invariant: one holder at a time, counts as their counters", arguments: ["interval", "fair", "priority"])
    func otherDesigns(design: String) throws {
        var configuration = RunConfiguration()
        configuration.gil = GILDesign(rawValue: design)!
        configuration.mode = .threads
        configuration.n = 300_000
        configuration.switchIntervalMilliseconds = 0.05
        let recorder = GILEventRecorder(capacity: 1_000_000)
        let measurement = try Runner.measure(configuration, events: recorder)
        let events = recorder.events()
        var holder: Int?
        var acquisitions = 0, failed = 0
        for e in events {
            switch e.kind {
            case .acquired:
                #expect(holder == nil)
                holder = e.thread
                acquisitions += 1
            case .released:
                #expect(holder == e.thread)
                holder = nil
            case .failedWakeup: failed += 1
            case .waiting: break
            }
        }
        #expect(acquisitions == measurement.gil?.acquisitions)
        #expect(failed == measurement.gil?.failedAcquisitions)
        #expect(acquisitions > 2)
    }

    @Test("A full recorder drops and counts what does not fit")
    func recorderCapacity() {
        let recorder = GILEventRecorder(capacity: 3)
        for i in 0..<5 { recorder.record(.acquired, thread: i, at: UInt64(10 - i)) }
        #expect(recorder.events().map(\.thread) == [2, 1, 0])
        #expect(recorder.dropped == 2)
    }

    @Test("A file that is not a timeline is refused with its line")
    func badTimeline() {
        #expect(throws: GilBenchError.self) { try GILTimelineFile.parse("a,b\n") }
        do {
            _ = try GILTimelineFile.parse("t_us,thread,event\n1,0,acquire\n2,x,release\n", path: "t.csv")
        } catch {
            #expect(error.message == "t.csv:3: not a timeline event: '2,x,release'")
        }
    }
}
