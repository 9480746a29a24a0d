import Foundation
import Testing
@testable import GilBench

@Suite("The simulator's error: its 95% interval and verdict")
struct FidelityIntervalTests {
    static let python = Engine.interpreter(name: "cpython-2.7.18", gil: .ticks)

    /// Rounds of a countdown's sequential and threaded runs, on CPython 2.7 and on the simulator's
    /// `ticks` twin: in round k the sequential runs take 1 s and the threaded runs `real[k]` and
    /// `simulated[k]` s, so that each round's threads/sequential is that value.
    static func rows(real: [Double], simulated: [Double]) -> [ResultRow] {
        func round(_ k: Int, _ engine: Engine, _ ratio: Double, _ experiment: String) -> [ResultRow] {
            var sequential = TwinFinderTests.row(.sequential, wall: 1, engine: engine, experiment: experiment)
            var threads = TwinFinderTests.row(.threads, wall: ratio, engine: engine, experiment: experiment)
            sequential.repetition = k + 1
            threads.repetition = k + 1
            return [sequential, threads]
        }
        return real.indices.flatMap { round($0, python, real[$0], "python") }
            + simulated.indices.flatMap { round($0, .simulator, simulated[$0], "python-sim") }
    }

    static let real = [1.98, 2.0, 2.02, 2.01, 1.99]

    @Test("Tight pairs close to the real ratio are within; tight pairs far from it are beyond; spread pairs are inconclusive")
    func verdicts() throws {
        let within = try #require(Fidelity(rows: Self.rows(real: Self.real, simulated: [2.03, 2.05, 2.04, 2.06, 2.02])).entries.first)
        #expect(within.ratio == .overSequential(.threads) && within.verdict == .within)
        let interval = try #require(within.errorInterval)
        #expect(interval.low <= within.error && within.error <= interval.high)
        #expect(interval.low > -Fidelity.target && interval.high < Fidelity.target)

        let beyond = try #require(Fidelity(rows: Self.rows(real: Self.real, simulated: [2.6, 2.62, 2.58, 2.61, 2.59])).entries.first)
        #expect(beyond.verdict == .beyond && (beyond.errorInterval?.low ?? 0) > Fidelity.target)
        let below = try #require(Fidelity(rows: Self.rows(real: Self.real, simulated: [1.5, 1.52, 1.48, 1.51, 1.49])).entries.first)
        #expect(below.verdict == .beyond && (below.errorInterval?.high ?? 0) < -Fidelity.target)

        // The median is +10% off, but one pair alone moves it by 10 points either way.
        let spread = try #require(Fidelity(rows: Self.rows(real: Self.real, simulated: [1.8, 2.0, 2.2, 2.4, 2.6])).entries.first)
        #expect(abs(spread.error - 0.1) < 1e-9 && spread.verdict == .inconclusive)
        let wide = try #require(spread.errorInterval)
        #expect(wide.low < Fidelity.target && wide.high > Fidelity.target)
    }

    @Test("The error's interval resamples each side's pairs on its own: the ratio of their medians, minus 1")
    func errorEstimate() throws {
        let estimate = try #require(Fidelity.errorEstimate(real: [2, 2, 2], simulated: [2.2, 2.2, 2.2]))
        #expect(abs(estimate.value - 0.1) < 1e-12)
        // Every resample of constant pairs gives the same error.
        #expect(abs((estimate.interval?.low ?? 0) - 0.1) < 1e-12 && abs((estimate.interval?.high ?? 0) - 0.1) < 1e-12)
        // The spread of either side widens it.
        let realSpread = try #require(Fidelity.errorEstimate(real: [1.8, 2, 2.2], simulated: [2.2, 2.2, 2.2])?.interval)
        #expect(realSpread.low < 0.1 - 0.05 && realSpread.high > 0.1 + 0.05)
        let simulatedSpread = try #require(Fidelity.errorEstimate(real: [2, 2, 2], simulated: [2, 2.2, 2.4])?.interval)
        #expect(abs(simulatedSpread.low - 0) < 1e-12 && abs(simulatedSpread.high - 0.2) < 1e-12)
        // One pair on a side says nothing about its spread: no interval, the value is judged.
        #expect(Fidelity.errorEstimate(real: [2], simulated: [2.2, 2.4, 2.6])?.interval == nil)
        #expect(Fidelity.verdict(Estimate(value: 0.25)) == .beyond && Fidelity.verdict(Estimate(value: -0.05)) == .within)
        #expect(Fidelity.verdict(Estimate(value: 0.05, interval: Interval(low: -0.12, high: 0.08))) == .inconclusive)
        #expect(Fidelity.verdict(Estimate(value: -0.2, interval: Interval(low: -0.3, high: -0.11))) == .beyond)
        #expect(Fidelity.errorEstimate(real: [], simulated: [1]) == nil)
    }

    @Test("The table gains the interval and verdict columns; the line under it names only beyond errors and counts inconclusive ones")
    func printedFormat() throws {
        var fidelity = Fidelity(rows: Self.rows(real: Self.real, simulated: [2.6, 2.62, 2.58, 2.61, 2.59]))
        fidelity.entries += Fidelity(rows: Self.rows(real: Self.real, simulated: [1.8, 2.0, 2.2, 2.4, 2.6])).entries
        fidelity.entries += Fidelity(rows: Self.rows(real: Self.real, simulated: [2.03, 2.05, 2.04, 2.06, 2.02])).entries
        #expect(fidelity.entries.map(\.verdict) == [.beyond, .inconclusive, .within])
        #expect(fidelity.missed.count == 1 && fidelity.inconclusive.count == 1)
        let table = fidelity.render()
        let header = try #require(table.split(separator: "\n").first)
        #expect(header.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            == "ratio (wall, paired) engine real simulator design error 95% interval verdict")
        let beyondInterval = Fidelity.intervalText(fidelity.entries[0].errorInterval)
        #expect(beyondInterval.hasPrefix("[+"))
        #expect(table.split(separator: "\n").contains { line in
            line.split(separator: " ").suffix(4).joined(separator: " ") == "+30.0% \(beyondInterval) beyond"
        })
        #expect(fidelity.missedLine.hasPrefix(
            "beyond the ±10% target: threads/sequential on cpython-2.7.18 (+30.0% \(beyondInterval)); "
                + "1 more inconclusive (the 95% interval straddles ±10%). Their causes"))
        let md = fidelity.markdown(figure2009: { _ in 1.85 })
        #expect(md.contains("| simulator's error | 95% interval | verdict |"))
        #expect(md.contains("| +30.0% | \(beyondInterval) | **beyond** |"))
        #expect(md.contains("\nBeyond the ±10% target: threads/sequential on cpython-2.7.18"))
        // Without a beyond error the line still counts the inconclusive ones.
        fidelity.entries.removeFirst()
        #expect(fidelity.missedLine == "none beyond the ±10% target; 1 inconclusive (the 95% interval straddles ±10%).")
        fidelity.entries.removeFirst()
        #expect(fidelity.missedLine.isEmpty)
    }

    @Test("An inconclusive or beyond error names the configurations to measure again: the real numerator and denominator, then the simulator's; a within one none")
    func configurationsToMeasureAgain() throws {
        let rows = Self.rows(real: Self.real, simulated: [1.8, 2.0, 2.2, 2.4, 2.6])
        let fidelity = Fidelity(rows: rows)
        let entry = try #require(fidelity.entries.first)
        let keys = Summary(rows: rows).groups.map(\.key)
        // Groups in first-seen order: real sequential, real threads, simulated sequential, simulated threads.
        #expect(entry.configurations == [keys[1], keys[0], keys[3], keys[2]])
        #expect(fidelity.configurationsToMeasureAgain == entry.configurations)
        let beyond = Fidelity(rows: Self.rows(real: Self.real, simulated: [2.6, 2.62, 2.58, 2.61, 2.59]))
        #expect(beyond.entries.first?.verdict == .beyond && beyond.configurationsToMeasureAgain == entry.configurations)
        #expect(Fidelity(rows: Self.rows(real: Self.real, simulated: [2.03, 2.05, 2.04, 2.06, 2.02])).configurationsToMeasureAgain.isEmpty)
    }

    @Test("The plot draws each error's interval as a bar through its point, inside the band when within")
    func chartBars() throws {
        var entries = Fidelity(rows: Self.rows(real: Self.real, simulated: [2.03, 2.05, 2.04, 2.06, 2.02])).entries
        entries += Fidelity(rows: Self.rows(real: Self.real, simulated: [1.8, 2.0, 2.2, 2.4, 2.6])).entries
        let elements = try svgElements(FidelityChart(entries: entries).render().render())
        let points = elements.filter { $0.name == "circle" }
        #expect(points.map { $0.value("data-verdict") } == ["within", "inconclusive"])
        #expect(points.allSatisfy { $0.value("data-error-low") != nil && $0.value("data-error-high") != nil })
        let bars = elements.filter { $0.name == "line" && $0.value("data-interval") != nil }
        #expect(bars.count == 2 && bars.allSatisfy { $0.value("x1") == $0.value("x2") })
        for (bar, point) in zip(bars, points) {
            #expect(bar.value("x1") == point.value("cx"))
            let y1 = try #require(Double(bar.value("y1") ?? "")), y2 = try #require(Double(bar.value("y2") ?? ""))
            let cy = try #require(Double(point.value("cy") ?? ""))
            #expect(min(y1, y2) <= cy && cy <= max(y1, y2), "the point lies on its bar")
        }
    }
}

@Suite("SHA-512: the default core")
struct SHA512DefaultCoreTests {
    @Test("openssl where libcrypto loads; swift-crypto with one line saying why where it does not")
    func machineDefault() {
        let loaded = SHA512Core.machineDefault(load: { nil })
        #expect(loaded.core == .openssl && loaded.fallback == nil)
        let missing = SHA512Core.machineDefault(load: { "libcrypto.so.3: cannot open shared object file: No such file or directory" })
        #expect(missing.core == .swiftCrypto)
        #expect(missing.fallback == "gilbench: hashing with swift-crypto: OpenSSL's libcrypto, which hashlib uses, cannot be loaded "
            + "(package libssl3): libcrypto.so.3: cannot open shared object file: No such file or directory")
        #expect(!(missing.fallback ?? "").contains("\n"))
        // CI installs libssl3: here the default is hashlib's core.
        #expect(SHA512Core.machineDefault().core == .openssl)
    }

    @Test("reproduce hashes with the machine's default core, and the report's hashing section names the core that ran")
    func reproduceCore() throws {
        let configurations = Catalogue.hashing.configurations(.quick)
        #expect(configurations.allSatisfy { $0.sha512Core == SHA512Core.machineDefault().core })
        var row = ResultRow(runID: "r", repetition: 1)
        row.key.experiment = "hashing"
        row.key.workload = .hashing
        row.key.mode = .sequential
        row.key.sha512Core = .swiftCrypto
        row.measurements.wallSeconds = 0.2
        let options = Reproduction.Options(scale: .quick, selected: [Catalogue.hashing], command: "gilbench reproduce")
        func report(_ rows: [ResultRow], fallback: String?) -> String {
            ReproductionReport(
                options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: rows, findings: [], plots: [],
                completed: ["hashing"], stopped: nil, elapsedSeconds: 3, sha512Fallback: fallback).render()
        }
        let fallback = SHA512Core.machineDefault(load: { "no libcrypto here" }).fallback
        #expect(report([row], fallback: fallback).contains(
            "*SHA-512 core: `swift-crypto` (the BoringSSL it vendors): OpenSSL's libcrypto, which hashlib uses, cannot be loaded (package libssl3): no libcrypto here.*"))
        row.key.sha512Core = .openssl
        #expect(report([row], fallback: nil).contains("*SHA-512 core: `openssl` (the system's libcrypto, which python3's hashlib calls).*"))
    }
}

@Suite("Real interpreters: extra rounds for errors not within")
struct FidelityExtraRoundTests {
    @Test("python3 and its twins measured again once each, numbered on, so that pairs stay pairs",
          .enabled(if: (try? PythonInterpreter.locate("python3")) != nil))
    func measureAgain() throws {
        var options = InterpreterComparison.Options()
        options.n = 20_000
        options.twins = ["countdown"]
        options.repetitions = 2
        options.warmup = 0
        let comparison = InterpreterComparison(options)
        let session = Session(writer: nil)
        let first = comparison.measure("python3", in: session)
        let measured = try first.result.get()
        let entry = try #require(measured.fidelity.entries.first)
        let before = session.rows.count
        let again = try comparison.measureAgain(entry.configurations, of: first, in: session)
        let remeasured = try again.result.get()
        let new = Array(session.rows[before...])
        #expect(new.count == entry.configurations.count)
        #expect(new.map(\.key) == entry.configurations, "in order: the interpreter's, then the simulator's twins")
        #expect(new.allSatisfy { $0.repetition == 3 }, "numbered on from the two repetitions")
        #expect(remeasured.rows.count == measured.rows.count + new.count && remeasured.extraRounds == 1)
        let pair = try #require(Summary(rows: remeasured.rows).ratioPairs.first { $0.numerator.key == entry.configurations[0] }?.paired)
        #expect(pair.ratios.count == 3, "the new rows are a third pair")
    }
}
