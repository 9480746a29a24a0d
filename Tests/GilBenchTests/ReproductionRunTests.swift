import Foundation
import Testing
@testable import GilBench

@Suite("Reproduce: a run end to end with a fake measurement")
struct ReproductionRunTests {
    /// A fresh temporary folder.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "gilbench-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Pretends threads take 1.5 times as long as sequential runs.
    static func fake(_ c: RunConfiguration, _ events: GILEventRecorder?) -> GilBench.RunMeasurement {
        events?.record(.acquired, thread: 0, at: 10)
        events?.record(.released, thread: 0, at: 20)
        return RunMeasurement(
            wallSeconds: c.mode == .sequential ? 1.0 : 1.5, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: GILCounters())
    }

    /// A reproduction of the `selected` experiments at the tiniest scale, writing into `dir`.
    static func reproduction(_ selected: [String], in dir: String, command: String) throws -> Reproduction {
        let options = Reproduction.Options(
            scale: ExperimentScale(countdownN: 10, repetitions: 3, warmup: 0, isFull: false), selected: try Catalogue.select(selected),
            resultsDirectory: dir + "/results", plotsDirectory: dir + "/plots", command: command)
        return try Reproduction(options)
    }

    @Test("Rows, plots and the report are written; verdicts follow the measurements")
    func fullRun() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reproduction = try Self.reproduction(["80", "98"], in: dir, command: "gilbench reproduce --only 80 98")
        var seen: [String] = []
        let outcome = try reproduction.run(measure: { c, e in Self.fake(c, e) }, interrupted: { false }, progress: { seen.append($0.experiment) })
        #expect(outcome.stopped == nil)
        #expect(outcome.completed == ["countdown", "failed-acquisitions"])
        #expect(outcome.rows == 12)
        #expect(Set(seen) == ["countdown", "failed-acquisitions"])
        let rows = try CSVReader.read(path: outcome.csvPath)
        #expect(rows.count == 12)
        #expect(rows.allSatisfy { $0.runID == reproduction.session.runID })
        #expect(rows == reproduction.session.rows, "the file holds the rows the run summarised")
        #expect(FileManager.default.fileExists(atPath: dir + "/plots/countdown-wall.svg"))
        #expect(FileManager.default.fileExists(atPath: dir + "/plots/timeline.svg"))
        #expect(FileManager.default.fileExists(atPath: dir + "/results/\(reproduction.session.runID)-timeline.csv"))
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        #expect(report.contains("**reproduced**: 1.5 meets threaded/sequential >= 1.3"))
        let threaded = outcome.findings.first { $0.claim.reference == SlideReference.Key(80, "threads") }
        #expect(threaded?.verdict == .reproduced(ratio: 1.5))
    }

    @Test("An interruption keeps the rows measured, writes the report, and says how far it got")
    func interruptedRun() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reproduction = try Self.reproduction(["80", "no-gil"], in: dir, command: "gilbench reproduce")
        var calls = 0
        let outcome = try reproduction.run(measure: { c, e in calls += 1; return Self.fake(c, e) }, interrupted: { calls >= 4 })
        #expect(outcome.stopped?.code == .interrupted)
        #expect(outcome.rows == 4)
        #expect(try CSVReader.read(path: outcome.csvPath).count == 4)
        #expect(outcome.completed.isEmpty)
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        #expect(report.contains("**This run was interrupted** after 0 of 2 experiments"))
        let noGIL = outcome.findings.filter { $0.experiment.id == "no-gil" }
        #expect(noGIL.allSatisfy { $0.verdict == .notMeasured(reason: "interrupted before it ran") })
    }
}
