import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import GilBench

@Suite("All versions at once: every interpreter's fidelity in version order, as a table and a plot")
struct FidelityAcrossVersionsTests {
    /// An interpreter's countdown (sequential, threads on 2 CPUs and on 1, 2 processes) and race, and
    /// its simulator twins under its version's design and check points; the threads' wall times and
    /// the race's final x given for the interpreter and for the twin.
    static func rows(
        _ engine: String, threads: (real: Double, simulated: Double), raceX: (real: Int, simulated: Int)
    ) -> [ResultRow] {
        let version = String(engine.split(separator: "-").last!)
        let checkPoints = CheckPoints(pythonVersion: version)
        let gil: GILDesign = version.hasPrefix("2") ? .ticks : .interval
        let real = Engine.interpreter(name: engine, gil: gil)
        var out: [ResultRow] = []
        for (e, wall, x) in [(real, threads.real, raceX.real), (.simulator, threads.simulated, raceX.simulated)] {
            let label = e == .simulator ? "python-sim" : "python"
            var countdown = [
                TwinFinderTests.row(.sequential, wall: 1, engine: e, gil: gil, experiment: label),
                TwinFinderTests.row(.threads, wall: wall, engine: e, gil: gil, experiment: label),
                TwinFinderTests.row(.threads, cpus: 1, wall: 1.1, engine: e, gil: gil, experiment: label),
                TwinFinderTests.row(.processes, wall: 0.6, engine: e, gil: gil, experiment: label, processes: 2),
            ]
            var race = TwinFinderTests.row(.threads, wall: 0.5, engine: e, gil: gil, experiment: label)
            race.key.workload = .race
            race.measurements.raceFinalX = x
            countdown.append(race)
            for i in countdown.indices { countdown[i].key.checkPoints = checkPoints }
            out += countdown
        }
        return out
    }

    /// Three interpreters, not in version order: 3.11 loses updates where its twin loses none.
    static let threeVersions =
        rows("cpython-3.11.7", threads: (1.2, 1.3), raceX: (0, 0))
        + rows("cpython-2.7.18", threads: (1.8, 1.9), raceX: (-512, 77))
        + rows("cpython-3.9.18", threads: (1.5, 1.2), raceX: (3, 0))

    @Test("Engine names sort by implementation, then version number by number")
    func versionOrder() {
        let engines = ["cpython-3.10.1", "pypy-7.3.15", "cpython-3.9.2", "cpython-2.7.18", "cpython-3.13.0rc1", "cpython-3.9"]
        let sorted = engines.map(InterpreterVersion.init(engine:)).sorted()
        #expect(sorted.map(\.engine) == ["cpython-2.7.18", "cpython-3.9", "cpython-3.9.2", "cpython-3.10.1", "cpython-3.13.0rc1", "pypy-7.3.15"])
        #expect(sorted.map(\.label) == ["2.7.18", "3.9", "3.9.2", "3.10.1", "3.13.0", "pypy 7.3.15"])
        #expect(InterpreterVersion(engine: "python3").numbers.isEmpty)
    }

    @Test("One row per version and ratio, versions in order, each with its race on the interpreter and on its twins")
    func tableRowsInVersionOrder() throws {
        let all = FidelityAcrossVersions(rows: Self.threeVersions)
        #expect(all.versions.map(\.version.label) == ["2.7.18", "3.9.18", "3.11.7"])
        let cells = all.cells()
        // Per version: threads/sequential, 1 cpu/2 cpus, processes/sequential, then the race.
        #expect(cells.map(\.[0]) == ["2.7.18", "", "", "", "3.9.18", "", "", "", "3.11.7", "", "", ""])
        #expect(cells.prefix(4).map(\.[1]) == ["threads/sequential", "1 cpu/2 cpus", "processes/sequential", "race: updates lost"])
        let threads = cells.filter { $0[1] == "threads/sequential" }
        #expect(threads.map(\.[2]) == ["1.800", "1.500", "1.200"])
        #expect(threads.map(\.[3]) == ["1.900", "1.200", "1.300"])
        #expect(threads.map(\.[4]) == ["ticks", "interval", "interval"])
        #expect(threads.map(\.[5]) == ["+5.6%", "-20.0%", "+8.3%"])
        #expect(threads.map(\.[7]) == ["within", "beyond", "within"])
        let races = cells.filter { $0[1] == "race: updates lost" }
        #expect(races.map(\.[2]) == ["lost in 100% of runs", "lost in 100% of runs", "none lost"])
        #expect(races.map(\.[3]) == ["lost in 100% of runs", "none lost", "none lost"])
        #expect(races.map(\.[7]) == ["same outcome", "MISS: verdicts differ", "same outcome"])
        #expect(races[1][4] == "interval, loop-top-3.2")
        let text = InterpreterComparison.allVersionsTable(Self.threeVersions)
        #expect(text.contains("by version"))
        #expect(text.contains("version  ratio (wall, paired)"))
        #expect(all.markdown().contains("| 3.9.18 | threads/sequential | 1.500 | 1.200 | interval | -20.0% | – | **beyond** |"))
    }

    @Test("One interpreter gives no table, and none from comparisons that failed")
    func oneVersionNoTable() {
        let one = Self.rows("cpython-3.11.7", threads: (1.2, 1.3), raceX: (0, 0))
        #expect(FidelityAcrossVersions(rows: one).versions.count == 1)
        #expect(FidelityAcrossVersions(rows: one).render().isEmpty)
        #expect(InterpreterComparison.allVersionsTable(one).isEmpty)
        let failed = RealInterpreterComparison(python: "python9", result: .failure(GilBenchError(.runFailed, "no such executable")))
        let measured = RealInterpreterComparison(python: "python3", result: .success(.init(
            engine: "cpython-3.11.7", design: .interval, rows: one, fidelity: Fidelity(rows: one))))
        #expect(FidelityAcrossVersions([measured, failed]).markdown().isEmpty)
    }

    @Test("The reproduction's interpreters put together give the same table as all their rows")
    func fromComparisons() {
        let comparisons = ["cpython-3.11.7", "cpython-2.7.18", "cpython-3.9.18"].map { engine in
            let mine = Self.threeVersions.filter { $0.key.checkPoints == Self.threeVersions.first { $0.key.engine?.name == engine }?.key.checkPoints }
            return RealInterpreterComparison(python: engine, result: .success(.init(
                engine: engine, design: mine.first?.gil, rows: mine, fidelity: Fidelity(rows: mine))))
        }
        #expect(FidelityAcrossVersions(comparisons).render() == FidelityAcrossVersions(rows: Self.threeVersions).render())
    }

    @Test("The plot draws each countdown ratio against the version, real and simulated, in version order")
    func plotSeries() throws {
        let plots = PlotSet.plots(rows: Self.threeVersions)
        let plot = try #require(plots.first { $0.fileName == PlotSet.versionFidelityPlotName })
        #expect(plot.fileName == "fidelity-versions.svg")
        let elements = try svgElements(plot.svg.render())
        let points = elements.filter { $0.name == "circle" }
        #expect(points.count == 3 * 3 * 2)
        let ratios = ["threads/sequential", "1 cpu/2 cpus", "processes/sequential"]
        #expect(points.compactMap { $0.value("data-ratio") }.uniquedForTest() == ratios)
        let threads = points.filter { $0.value("data-ratio") == "threads/sequential" }
        let real = threads.filter { $0.value("data-series") == "real" }
        let simulated = threads.filter { $0.value("data-series") == "simulator" }
        let versions = ["cpython-2.7.18", "cpython-3.9.18", "cpython-3.11.7"]
        #expect(real.map { $0.value("data-version") } == versions)
        #expect(simulated.map { $0.value("data-version") } == versions)
        #expect(real.map { $0.value("data-y") } == ["1.8", "1.5", "1.2"])
        #expect(simulated.map { $0.value("data-y") } == ["1.9", "1.2", "1.3"])
        // Versions left to right.
        let xs = real.compactMap { Double($0.value("cx") ?? "") }
        #expect(xs == xs.sorted() && Set(xs).count == 3)
        #expect(elements.filter { $0.name == "g" }.compactMap { $0.value("data-category") }.prefix(3) == ArraySlice(versions))
        // One interpreter: no such plot.
        let one = Self.rows("cpython-3.11.7", threads: (1.2, 1.3), raceX: (0, 0))
        #expect(!PlotSet.plots(rows: one).contains { $0.fileName == PlotSet.versionFidelityPlotName })
    }
}

extension Array where Element: Hashable {
    fileprivate func uniquedForTest() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
