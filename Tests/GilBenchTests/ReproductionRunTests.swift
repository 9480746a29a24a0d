import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("Reproduce: a run end to end with a fake measurement")
struct ReproductionRunTests {
    /// Pretends threads take 1.5 times as long as sequential runs.
    static func fake(_ c: RunConfiguration, _ events: GILEventRecorder?) -> GilBench.RunMeasurement {
        events?.record(.acquired, thread: 0, at: 10)
        events?.record(.released, thread: 0, at: 20)
        var m = RunMeasurement(
            wallSeconds: c.mode == .sequential ? 1.0 : 1.5, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: GILCounters())
        m.cpus = pinned(c)
        return m
    }

    /// The CPUs a real measurement of `c` would have been pinned to (its rows' CPU columns).
    static func pinned(_ c: RunConfiguration) -> [Int]? {
        try? CPUAffinity.resolve(c.cpus, allowed: CPUAffinity.current())
    }

    /// A fake measurement whose threads on two CPUs over sequential go 1.2, 1.4, 1.35, ... round after
    /// round, so that the countdown's threaded claim straddles its 1.3; threads on one CPU take 1.1.
    final class Straddling {
        var calls = 0
        private var threaded = 0

        func measure(_ c: RunConfiguration) -> RunMeasurement {
            calls += 1
            var wall = c.mode == .threads ? 1.1 : 1.0
            if c.mode == .threads && c.cpus == .all {
                wall = [1.2, 1.4, 1.35][threaded % 3]
                threaded += 1
            }
            var m = RunMeasurement(wallSeconds: wall, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: GILCounters())
            m.cpus = ReproductionRunTests.pinned(c)
            return m
        }
    }

    /// A reproduction of the `selected` experiments at the tiniest scale, writing into `dir`.
    static func reproduction(_ selected: [String], in dir: String, command: String, repetitions: Int = 3) throws -> Reproduction {
        let options = Reproduction.Options(
            scale: ExperimentScale(countdownN: 10, repetitions: repetitions, warmup: 0, isFull: false), selected: try Catalogue.select(selected),
            resultsDirectory: dir + "/results", plotsDirectory: dir + "/plots", command: command)
        return try Reproduction(options)
    }

    @Test("Rows, plots and the report are written; verdicts follow the measurements")
    func fullRun() throws {
        let dir = try makeTemporaryDirectory("reproduction")
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
        #expect(report.contains("**reproduced**: 1.5 [1.5, 1.5] meets threaded/sequential >= 1.3"))
        let threaded = outcome.findings.first { $0.claim.reference == SlideReference.Key(80, "threads") }
        #expect(threaded?.verdict == .reproduced(Estimate(value: 1.5, interval: Interval(low: 1.5, high: 1.5))))
    }

    @Test("The machine's ceiling comes first, fills the machine table, and parallel-gain claims are shown over it")
    func ceiling() throws {
        #expect(Catalogue.experiments.first?.id == "machine")
        let dir = try makeTemporaryDirectory("reproduction")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reproduction = try Self.reproduction(["processes", "machine"], in: dir, command: "gilbench reproduce --only processes machine")
        let outcome = try reproduction.run(measure: { c, e in Self.fake(c, e) }, interrupted: { false })
        #expect(outcome.completed == ["machine", "processes"], "in catalogue order: the machine first")
        let spin = reproduction.session.rows.filter { $0.key.experiment == "machine" }
        #expect(spin.allSatisfy { $0.key.workload == .spin } && Set(spin.compactMap(\.key.mode)) == [.sequential, .threads, .processes])
        // Fake: every parallel run takes 1.5 times the sequential one, so the ceiling is 1.5 and
        // processes/sequential is exactly at it.
        #expect(Catalogue.ceiling(reproduction.session.rows)?.value == 1.5)
        let processes = try #require(outcome.findings.first { $0.claim.reference == SlideReference.Key(133, "processes") })
        #expect(processes.overCeiling?.value == 1.0)
        #expect(outcome.findings.filter { $0.overCeiling != nil }.count == 1, "only the claims about parallel gain that ran")
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        #expect(report.contains("| ceiling | 1.50 [1.50, 1.50] (spin: processes/sequential, paired; 0.5 on two idle cores) |"))
        #expect(report.contains("1.00 [1.00, 1.00] × the machine's ceiling"))
    }

    @Test("An inconclusive claim gets extra rounds of its configurations, numbered on, within the budget")
    func extraRounds() throws {
        let dir = try makeTemporaryDirectory("reproduction")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reproduction = try Self.reproduction(["80"], in: dir, command: "gilbench reproduce --only 80", repetitions: 5)
        let straddling = Straddling()
        let outcome = try reproduction.run(measure: { c, _ in straddling.measure(c) }, interrupted: { false })
        let finding = try #require(outcome.findings.first { $0.claim.reference == SlideReference.Key(80, "threads") })
        #expect(finding.verdict.status == "inconclusive")
        // 15 rows, then two rounds of the claim's two configurations: a third would pass a third of
        // the 17.5 s measured (1 + 1.35 s a round).
        let rows = reproduction.session.rows
        #expect(rows.count == 19)
        let extra = rows.suffix(4)
        #expect(extra.map(\.repetition) == [6, 6, 7, 7] && Set(extra.compactMap(\.key.cpus)) == [2])
        #expect(rows.filter { $0.key.cpus == 1 }.count == 5, "configurations the claim does not read are not measured again")
        #expect(finding.observation?.pairedRatios.count == 7)
        let report = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        #expect(report.contains("*Measured again: 2 extra rounds of the configurations of its inconclusive claims.*"))
    }

    @Test("Ctrl-C during the extra rounds stops the run as an interruption, keeping every row")
    func interruptedExtraRounds() throws {
        let dir = try makeTemporaryDirectory("reproduction")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reproduction = try Self.reproduction(["80"], in: dir, command: "gilbench reproduce --only 80", repetitions: 5)
        // Interrupted once the 15 rows are measured.
        let straddling = Straddling()
        let outcome = try reproduction.run(measure: { c, _ in straddling.measure(c) }, interrupted: { straddling.calls >= 15 })
        #expect(outcome.completed == ["countdown"])
        #expect(outcome.stopped?.code == .interrupted)
        #expect(outcome.rows == 15)
        #expect(outcome.findings.first { $0.claim.reference == SlideReference.Key(80, "threads") }?.verdict.status == "inconclusive")
    }

    @Test("An interruption keeps the rows measured, writes the report, and says how far it got")
    func interruptedRun() throws {
        let dir = try makeTemporaryDirectory("reproduction")
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
