import Foundation
import Testing
@testable import GilBench

@Suite("Statistics: bootstrap intervals and paired ratios")
struct PairedRatioTests {
    /// Rows of one configuration (`mode`) with these wall times, repetitions numbered from 1.
    static func rows(_ mode: ExecutionMode, _ walls: [Double], runID: String = "r") -> [ResultRow] {
        walls.enumerated().map { i, wall in
            var row = ResultRow(runID: runID, repetition: i + 1)
            row.key.workload = .countdown
            row.key.mode = mode
            row.measurements.wallSeconds = wall
            return row
        }
    }

    @Test("The bootstrap of a median on a known data set: its value, an interval inside the data, the same every time")
    func bootstrapMedian() throws {
        let values: [Double] = [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0]
        let estimate = try #require(Statistics.bootstrapMedian(values))
        #expect(estimate.value == 1.5)
        let interval = try #require(estimate.interval)
        #expect(interval.low < 1.5 && interval.high > 1.5)
        #expect(interval.low >= 1.1 && interval.high <= 1.9, "the median of 11 resampled values rarely reaches the extremes")
        #expect(Statistics.bootstrapMedian(values) == estimate, "a fixed seed: the same rows give the same interval")
        // Another seed resamples otherwise: the same median, an interval inside the data around it.
        let reseeded = try #require(Statistics.bootstrapMedian(values, seed: 7))
        #expect(reseeded.value == 1.5)
        #expect(reseeded.interval.map { $0.low >= 1.0 && $0.low <= 1.5 && $0.high >= 1.5 && $0.high <= 2.0 } == true)
        // Identical values: no spread, a zero-width interval.
        #expect(Statistics.bootstrapMedian([2, 2, 2, 2])?.interval == Interval(low: 2, high: 2))
        // One value: no interval; none: nothing.
        #expect(Statistics.bootstrapMedian([3])?.interval == nil)
        #expect(Statistics.bootstrapMedian([]) == nil)
    }

    @Test("Three values: the 95% interval of their median spans the smallest to the largest")
    func threeValues() throws {
        let estimate = try #require(Statistics.bootstrapMedian([1.6, 1.5, 1.7]))
        #expect(estimate.value == 1.6)
        #expect(estimate.interval == Interval(low: 1.5, high: 1.7))
        #expect(estimate.text() == "1.60 [1.50, 1.70]")
        #expect(Estimate(value: 1.83).text() == "1.83")
    }

    @Test("The ratio of two unpaired samples' medians and its interval")
    func ratioOfMedians() throws {
        let estimate = try #require(Statistics.bootstrapRatioOfMedians([2.0, 2.2, 2.1, 2.3, 1.9], over: [1.0, 1.1, 0.9, 1.0, 1.05]))
        #expect(abs(estimate.value - 2.1) < 1e-12)
        let interval = try #require(estimate.interval)
        #expect(interval.low <= 2.1 && interval.high >= 2.1 && interval.low > 1.5 && interval.high < 2.6)
        #expect(Statistics.bootstrapRatioOfMedians([1], over: [0]) == nil)
    }

    @Test("Drift cancels in pairs: pooled medians give another ratio than the pairs, whose interval is narrow")
    func drift() throws {
        // The machine slows down round after round; B always takes exactly half of A's time in the same round.
        let slowdown: [Double] = [1.0, 1.3, 1.6, 1.9, 2.2]
        let a = Self.rows(.sequential, slowdown.map { $0 * 2 })
        // B's rounds come out of order in the file, so that pairing by position would be wrong.
        let b = Array(Self.rows(.processes, slowdown).reversed())
        let summary = Summary(rows: a + b)
        let paired = try #require(summary.pairedRatio(.wallSeconds, { $0.mode == .processes }, over: { $0.mode == .sequential }))
        #expect(paired.ratios.allSatisfy { abs($0 - 0.5) < 1e-12 }, "each pair is B's round over A's same round")
        #expect(paired.estimate.interval == Interval(low: 0.5, high: 0.5))
        // A jump in speed between rounds 3 and 4 and one slow round of B: the pooled medians make
        // 5 / 3, the pairs 0.5 (B takes half of A's time in four rounds of five).
        let jumpA = Self.rows(.sequential, [1, 2, 3, 10, 11])
        let jumpB = Self.rows(.processes, [0.5, 1, 6, 5, 5.5])
        let jumping = Summary(rows: jumpA + jumpB)
        let pooled = try #require(jumping.group { $0.mode == .processes }?.median(.wallSeconds))
            / (try #require(jumping.group { $0.mode == .sequential }?.median(.wallSeconds)))
        let pairs = try #require(jumping.pairedRatio(.wallSeconds, { $0.mode == .processes }, over: { $0.mode == .sequential }))
        #expect(abs(pooled - 5.0 / 3.0) < 1e-12)
        #expect(pairs.value == 0.5)
        #expect(pairs.ratios == [0.5, 0.5, 2, 0.5, 0.5])
    }

    @Test("Pairs come from the same run and round; rows without a twin are left out")
    func pairing() throws {
        let a = Self.rows(.sequential, [1, 1, 1]) + Self.rows(.sequential, [10], runID: "other")
        let b = Self.rows(.processes, [0.5, 0.6, 0.7, 0.8])  // a 4th round with no twin in run "r"
        let summary = Summary(rows: a + b)
        let pairs = try #require(summary.pairedRatio(.wallSeconds, { $0.mode == .processes }, over: { $0.mode == .sequential }))
        #expect(pairs.ratios == [0.5, 0.6, 0.7])
        // A count that can be 0 is divided as at least the floor.
        var zero = Self.rows(.sequential, [1, 1])
        for i in zero.indices { zero[i].measurements.syscallsFutex = 0 }
        var some = Self.rows(.threads, [1, 1])
        for i in some.indices { some[i].measurements.syscallsFutex = 500 }
        let futex = try #require(Summary(rows: zero + some).pairedRatio(.syscallsFutex, { $0.mode == .threads }, over: { $0.mode == .sequential }, minimumDenominator: 1))
        #expect(futex.ratios == [500, 500])
        #expect(Summary(rows: zero + some).pairedRatio(.syscallsFutex, { $0.mode == .threads }, over: { $0.mode == .sequential }) == nil)
    }

    @Test("run's ratio table prints the paired median with its interval")
    func summaryTable() {
        let text = Summary(rows: Self.rows(.sequential, [1.0, 1.2, 1.1]) + Self.rows(.processes, [0.5, 0.66, 0.55])).render()
        #expect(text.contains("paired [95%]"))
        #expect(text.contains("0.50 [0.50, 0.55]"))
    }
}
