import Foundation
import Testing
@testable import GilBench

@Suite("Reproduce: catalogue, verdicts and report")
struct ReproduceTests {
    @Test("Every row of the slides' reference table is answered by a claim or explicitly marked")
    func everySlideRowCovered() {
        let claimed = Set(Catalogue.experiments.flatMap(\.claims).compactMap(\.reference))
        for row in SlideReference.rows {
            let key = row.key
            #expect(key != nil, "slide \(row.slide): \(row.figure) has no key")
            #expect(key.map { claimed.contains($0) || Catalogue.notJudged[$0] != nil } == true, "slide \(row.slide): \(row.figure)")
        }
    }

    @Test("Every claim's key resolves to one reference row, of a slide its experiment lists; keys are unique")
    func everyKeyResolves() throws {
        let keys = SlideReference.figures.map(\.key)
        #expect(Set(keys).count == keys.count)
        #expect(Set(SlideReference.rows.compactMap(\.key)).count == SlideReference.rows.count)
        for experiment in Catalogue.experiments {
            for claim in experiment.claims {
                guard let key = claim.reference else { continue }
                let row = try #require(SlideReference.row(key), "\(experiment.id) claims \(key), which no row has")
                #expect(row.slide == key.slide)
                #expect(experiment.slides.contains(key.slide), "\(experiment.id) claims \(key)")
            }
        }
        for key in Catalogue.notJudged.keys { #expect(SlideReference.row(key) != nil, "\(key)") }
        #expect(SlideReference.row(.init(80, "threads"))?.value == "45.5")
        #expect(SlideReference.row(.init(80, "no-such-figure")) == nil)
        #expect(SlideReference.Key(96, "threads-1cpu-mach").description == "96:threads-1cpu-mach")
    }

    @Test("The reference table holds the slides' 17 rows")
    func referenceTable() throws {
        #expect(SlideReference.rows.count == 17)
        #expect(SlideReference.rows[2].slide == 80 && SlideReference.rows[2].value == "45.5")
        #expect(SlideReference.rows[2].key == SlideReference.Key(80, "threads"))
    }

    /// The project's shared copy of the slides' reference table, on the machines that have it.
    static let sharedReference = "/work/shared/reference/slides.csv"

    @Test("The reference table matches the shared copy",
          .enabled(if: FileManager.default.isReadableFile(atPath: sharedReference), "no shared copy of the reference table on this machine"))
    func referenceTableMatchesSharedCopy() throws {
        let text = try String(contentsOfFile: Self.sharedReference, encoding: .utf8)
        #expect(text.trimmingCharacters(in: .newlines) == SlideReference.csv)
    }

    @Test("Experiment names are unique; available experiments label their rows and repeat at least 3 times")
    func experimentsAreWellFormed() {
        let ids = Catalogue.experiments.map(\.id)
        #expect(Set(ids).count == ids.count)
        for e in Catalogue.experiments {
            #expect(!e.claims.isEmpty, "\(e.id)")
            let configurations = e.configurations(.quick)
            do {
                #expect(!configurations.isEmpty, "\(e.id)")
                for c in configurations {
                    #expect(c.experiment == e.id)
                    #expect(c.repetitions >= 3)
                    #expect(throws: Never.self) { try c.validate() }
                }
            }
        }
        #expect(ExperimentScale.full.countdownN == 100_000_000)
    }

    @Test("--only selects by slide or by name and refuses what no experiment covers")
    func selection() throws {
        #expect(try Catalogue.select(["80"]).map(\.id) == ["countdown"])
        #expect(try Catalogue.select(["97", "no-gil"]).map(\.id) == ["syscalls", "no-gil"])
        #expect(try Catalogue.select([]).count == Catalogue.experiments.count)
        #expect(throws: GilBenchError.self) { try Catalogue.select(["99"]) }
        do {
            _ = try Catalogue.select(["nope"])
        } catch {
            #expect(error.code == .usage)
            #expect(error.message.contains("--only nope"))
        }
    }

    @Test("Criteria decide at their thresholds, inclusive, and say so in words")
    func criteria() {
        let atLeast = Criterion("threaded/sequential", .atLeast(1.3))
        #expect(atLeast.holds(1.3) && atLeast.holds(2) && !atLeast.holds(1.29))
        #expect(atLeast.text == "threaded/sequential >= 1.3")
        let between = Criterion("r", .between(0.85, 1.3))
        #expect(between.holds(0.85) && between.holds(1.3) && !between.holds(0.84) && !between.holds(1.31))
        #expect(between.text == "0.85 <= r <= 1.3")
        #expect(Criterion("f", .atLeast(10000)).text == "f >= 10,000")
        #expect(Verdict.decide(atLeast, Observation(figure: "", ratio: 1.6)) == .reproduced(Estimate(value: 1.6)))
        #expect(Verdict.decide(atLeast, Observation(figure: "", ratio: 1.1)) == .notReproduced(Estimate(value: 1.1)))
        #expect(Verdict.decide(atLeast, Observation(figure: "", ratio: nil)) == .notMeasured(reason: "no rows for it in this run"))
        #expect(Verdict.decide(atLeast, nil) == .notMeasured(reason: "no rows for it in this run"))
        #expect(Verdict.decide(Criterion("x", .reportOnly), Observation(figure: "", ratio: 0.7)) == .reported(Estimate(value: 0.7)))
        #expect(Verdict.reproduced(Estimate(value: 1.6)).text(atLeast) == "**reproduced**: 1.6 meets threaded/sequential >= 1.3")
        #expect(Verdict.notReproduced(Estimate(value: 1.12)).text(atLeast) == "**not reproduced**: 1.12 fails threaded/sequential >= 1.3")
    }

    @Test("The countdown's verdicts come from the rows' ratios pair by pair")
    func countdownVerdicts() throws {
        let rows = try CSVReader.parse(sampleCSV)
        let findings = Catalogue.countdown.findings(rows)
        #expect(findings.count == 3)
        // Walls by repetition: sequential 1.0, 1.2, 1.1; threads 1.6, 1.9, 1.7; one CPU 1.1, 1.2, 1.15.
        guard case .reproduced(let spread) = findings[0].verdict else { Issue.record("\(findings[0].verdict)"); return }
        #expect(abs(spread.value - 1.2) < 1e-9)
        #expect(spread.interval == nil, "a spread is not a paired ratio")
        guard case .reproduced(let threaded) = findings[1].verdict else { Issue.record("\(findings[1].verdict)"); return }
        #expect(abs(threaded.value - 1.9 / 1.2) < 1e-9, "median of 1.6, 1.583 and 1.545")
        #expect(abs(threaded.interval!.low - 1.7 / 1.1) < 1e-9 && abs(threaded.interval!.high - 1.6) < 1e-9)
        guard case .reproduced(let one) = findings[2].verdict else { Issue.record("\(findings[2].verdict)"); return }
        #expect(abs(one.value - 1.15 / 1.1) < 1e-9)
        #expect(findings[1].observation?.configurations.count == 2)
        #expect(findings[1].observation?.figure.hasPrefix("1.70 s for 2 × count(1,000)") == true)
        // Rows of another experiment are not read.
        #expect(Catalogue.noGIL.findings(rows).allSatisfy { if case .notMeasured = $0.verdict { true } else { false } })
    }

    @Test("The report's configuration tables mark a kept disturbed repetition and warn of a wide spread")
    func reportDisturbance() throws {
        var rows = try CSVReader.parse(sampleCSV)
        let options = Reproduction.Options(scale: .quick, selected: [Catalogue.countdown], command: "gilbench reproduce --only 80")
        func report(_ rows: [ResultRow]) -> String {
            let findings = Catalogue.experiments.flatMap { $0.findings(rows, ran: $0.id == "countdown") }
            return ReproductionReport(
                options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: rows, findings: findings,
                plots: [], completed: ["countdown"], stopped: nil, elapsedSeconds: 3).render()
        }
        let plain = report(rows)
        #expect(!plain.contains("kept a disturbed") && !plain.contains("> Warning:"))
        let i = try #require(rows.firstIndex { $0.key.mode == .threads })
        rows[i].measurements.disturbed = 1
        rows[i].measurements.attempts = 3
        rows[i].measurements.wallSeconds = 10
        let md = report(rows)
        #expect(md.contains("\\* kept a disturbed repetition: steal, foreign CPU or CPU speed spread above the threshold after 3 attempts"))
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains(" * |") }.count == 1, "\(md)")
        #expect(md.contains("> Warning: \(rows[i].key.label): repetitions spread "), "\(md)")
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("> Warning:") }.count == 1)
        let findings = { (rows: [ResultRow]) in Catalogue.countdown.findings(rows).map(\.claim.claim) }
        #expect(findings(rows) == findings(try CSVReader.parse(sampleCSV)), "the claims are unchanged")
    }

    @Test("The report sets each 2009 figure beside ours, states every criterion, and links the plots relatively")
    func reportRendering() throws {
        let rows = try CSVReader.parse(sampleCSV)
        let options = Reproduction.Options(
            scale: .quick, selected: [Catalogue.countdown], resultsDirectory: "/tmp/x/results", plotsDirectory: "/tmp/x/plots",
            command: "gilbench reproduce --only 80")
        let findings = Catalogue.experiments.flatMap { $0.findings(rows, ran: $0.id == "countdown") }
        let report = ReproductionReport(
            options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: rows, findings: findings,
            plots: PlotSet.plots(rows: rows), completed: ["countdown"], stopped: nil, elapsedSeconds: 3)
        let md = report.render()
        #expect(md.contains("`gilbench reproduce --only 80`"))
        #expect(md.contains("| 80 | two threads on two CPUs are slower than sequential | 45.5 s | 1.70 s for 2 × count(1,000), 850,000 ns/iteration | threaded/sequential: 1.85 → 1.58 [1.55, 1.6] | **reproduced**: 1.58 [1.55, 1.6] meets threaded/sequential >= 1.3 |"))
        #expect(md.contains("| ceiling | — (experiment `machine` did not run) |"))
        #expect(md.contains("inconclusive"), "the verdicts are explained")
        #expect(md.contains("![countdown: median wall time per configuration with min-max whiskers](../plots/countdown-wall.svg)"))
        #expect(md.contains("](../plots/countdown-syscalls.svg)"))
        #expect(md.contains("not measured (not selected with --only)"))
        // One table row per claim.
        let claims = Catalogue.experiments.flatMap(\.claims).count
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("**") || $0.hasPrefix("| ") && ($0.contains("not measured") || $0.contains("reported:")) }.count == claims)
        #expect(!md.contains("interrupted"))
    }

    @Test("The plan holds each selected experiment's configurations at the scale, in catalogue order")
    func plan() throws {
        let selected = try Catalogue.select(["80", "race", "no-gil"])
        let plan = Reproduction.Plan(.init(scale: .quick, selected: selected, command: "gilbench reproduce"))
        #expect(plan.steps.map(\.experiment.id) == ["race", "countdown", "no-gil"])
        #expect(plan.steps.map(\.position) == [0, 1, 2] && plan.runnableCount == 3 && plan.skipped.isEmpty)
        for step in plan.steps {
            #expect(step.configurations == step.experiment.configurations(.quick))
            #expect(step.counting == nil)
            #expect(try step.prepared() == step.configurations, "no hashing: nothing to prepare")
        }
    }

    @Test("The real interpreter's section is rendered from its typed result: the fidelity table, or why it could not run")
    func realInterpreterSection() throws {
        let rows = TwinFinderTests.pythonAndSimulatorRows()
        let measured = RealInterpreterComparison(
            python: "python3",
            result: .success(.init(engine: "cpython-3.11.7", design: .interval, rows: rows, fidelity: Fidelity(rows: rows))))
        let options = Reproduction.Options(scale: .quick, selected: [Catalogue.countdown], command: "gilbench reproduce --python python3")
        func report(_ real: RealInterpreterComparison) -> String {
            ReproductionReport(
                options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: rows, findings: [], plots: [],
                completed: ["countdown"], stopped: nil, elapsedSeconds: 3, realInterpreters: [real]).render()
        }
        let md = report(measured)
        #expect(md.contains("## The real interpreter beside the simulator\n\n`python3` is cpython-3.11.7. The slides' countdown ran on it"))
        #expect(md.contains("and on the simulator's `interval` design, the GIL it has"))
        #expect(md.contains("| threads/sequential | 1.85 | 1.20 (cpython-3.11.7) | 1.30 (`interval`) | +8.3% |"))
        let failed = report(RealInterpreterComparison(python: "nope", result: .failure(GilBenchError(.runFailed, "nope: not found on PATH"))))
        #expect(failed.contains("## The real interpreter beside the simulator\n\n`nope` could not be measured: nope: not found on PATH\n"))
        #expect(!report(measured).isEmpty)
    }

    @Test("A stopped run says how far it got")
    func interruptedReport() throws {
        let options = Reproduction.Options(scale: .quick, selected: [Catalogue.countdown, Catalogue.noGIL], command: "gilbench reproduce")
        let report = ReproductionReport(
            options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: [], findings: [], plots: [],
            completed: ["countdown"], stopped: GilBenchError(.interrupted, "interrupted"), elapsedSeconds: 3)
        #expect(report.render().contains("**This run was interrupted** after 1 of 2 experiments (finished: countdown)"))
    }
}
