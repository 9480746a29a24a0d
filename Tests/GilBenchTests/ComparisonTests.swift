import Testing
@testable import GilBench

@Suite("Comparing runs")
struct ComparisonTests {
    func compare(_ baseline: [[Column: String]], _ current: [[Column: String]], _ options: Comparison.Options = .init()) throws -> Comparison {
        try Comparison(
            baseline: ResultFile(path: "base.csv", text: resultText(baseline)),
            current: ResultFile(path: "cur.csv", text: resultText(current)), options: options)
    }

    @Test("A file compared with itself: no change, no regression")
    func itself() throws {
        let rows = countdownRows(sequential: [1.0, 1.1, 0.9, 1.0, 1.05], threads: [2.0, 2.1, 1.9, 2.2, 2.0])
        let c = try compare(rows, rows)
        #expect(c.exitStatus == .success)
        #expect(c.entries.allSatisfy { $0.relativeChange == 0 && $0.decision == .unchanged })
        #expect(c.entries.contains { $0.metric == .ratio(.overSequential(.threads)) })
    }

    @Test("Slower threads: wall_s and threads/sequential regress; the sequential run does not")
    func regression() throws {
        let base = countdownRows(sequential: [1.0, 1.1, 0.9, 1.0, 1.05], threads: [2.0, 2.1, 1.9, 2.2, 2.0])
        let slow = countdownRows(sequential: [1.0, 1.05, 0.95, 1.0, 1.1], threads: [3.0, 3.1, 2.9, 3.2, 3.0])
        let c = try compare(base, slow)
        #expect(c.exitStatus == .regression)
        #expect(Set(c.regressions.map(\.metric)) == [.column(.wallSeconds), .ratio(.overSequential(.threads))])
        #expect(c.regressions.allSatisfy { $0.configuration.contains("threads") && $0.pValue.map { $0 < 0.05 } == true })
        // Each change has current/baseline with its bootstrap interval: threads' wall went from 2.0 to 3.0.
        let wall = try #require(c.regressions.first { $0.metric == .column(.wallSeconds) }?.currentOverBaseline)
        #expect(wall.value == 1.5)
        let interval = try #require(wall.interval)
        #expect(interval.low > 1.3 && interval.high < 1.7 && interval.low <= 1.5 && interval.high >= 1.5)
        let text = c.render(.text)
        #expect(text.contains("current/baseline [95%]") && text.contains("1.500 [\(String(format: "%.3f", interval.low)), \(String(format: "%.3f", interval.high))]"))
        #expect(c.render(.csv).split(separator: "\n")[0].hasSuffix(",ratio,ratio_low,ratio_high"))
        // Reversed, the same change is an improvement.
        let back = try compare(slow, base)
        #expect(back.exitStatus == .success)
        #expect(Set(back.improvements.map(\.metric)) == [.column(.wallSeconds), .ratio(.overSequential(.threads))])
    }

    @Test("Beyond the threshold but not significant: no regression")
    func notSignificant() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.0, 1.0, 3.0, 2.0, 2.5])
        let cur = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.6, 1.2, 3.1, 2.2, 3.0])
        let c = try compare(base, cur, .init(metrics: [.column(.wallSeconds)]))
        let entry = try #require(c.entries.first { $0.configuration.contains("threads") })
        #expect(entry.relativeChange > 0.10)
        #expect(entry.decision == .notSignificant)
        #expect(c.exitStatus == .success)
    }

    @Test("Two repetitions: the threshold alone decides, and the output says so")
    func thresholdOnly() throws {
        let c = try compare(countdownRows(sequential: [1, 1], threads: [2, 2]), countdownRows(sequential: [1, 1], threads: [3, 3]))
        #expect(c.regressions.allSatisfy { $0.pValue == nil })
        #expect(c.exitStatus == .regression)
        #expect(c.render(.text).contains("decided by threshold alone"))
    }

    @Test("Thresholds and --metrics are honoured; informational metrics never regress")
    func options() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.0, 2.1, 1.9, 2.0, 2.0])
        let cur = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.3, 2.4, 2.2, 2.3, 2.3], extra: [.ticks: "8000"])
        let loose = try compare(base, cur, .init(thresholds: [.column(.wallSeconds): 0.5, .ratio(.overSequential(.threads)): 0.5]))
        #expect(loose.exitStatus == .success)
        #expect(loose.entries.contains { $0.metric == .column(.ticks) && $0.decision == .changed })
        let only = try compare(base, cur, .init(metrics: [.ratio(.overSequential(.threads))]))
        #expect(only.entries.map(\.metric) == [.ratio(.overSequential(.threads))])
        #expect(only.exitStatus == .regression)
    }

    @Test("No configuration in common is bad input; --ignore makes them match")
    func noCommonConfiguration() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2, 2, 2, 2, 2])
        let other = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [9, 9, 9, 9, 9], extra: [.checkInterval: "1"])
        #expect {
            _ = try compare(base, other)
        } throws: { error in
            (error as? GilBenchError)?.code == .badInput
                && (error as? GilBenchError)?.message.contains("no configuration in common") == true
        }
        let matched = try compare(base, other, .init(ignoredColumns: [.checkInterval]))
        #expect(matched.exitStatus == .regression)
    }

    @Test("Every format names the regressions; JSON and CSV carry infinite changes")
    func formats() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2, 2, 2, 2, 2], extra: [.gilFailedAcquisitions: "0"])
        let cur = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [3, 3, 3, 3, 3], extra: [.gilFailedAcquisitions: "7"])
        let c = try compare(base, cur)
        for format in Comparison.Format.allCases {
            #expect(c.render(format).contains("gil_failed_acquisitions"), "\(format)")
        }
        #expect(c.render(.markdown).contains("**regression**"))
        #expect(c.render(.json).contains("\"inf\""))
        #expect(c.render(.csv).contains(",inf,"))
    }
}
