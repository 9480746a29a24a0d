import Testing
@testable import GilBench

/// Slide 98's claim, judged on the worst contended acquisition's bucket of failed wake-ups, on rows
/// built by hand.
@Suite("Failed acquisitions: slide 98's claim on the worst contended acquisition")
struct FailedAcquisitionsClaimTests {
    /// The experiment's rows, three repetitions, each with `histogram` (bucket index: count).
    static func rows(_ histograms: [[Int: Int]]) -> [ResultRow] {
        let configuration = Catalogue.failedAcquisitions.configurations(.quick)[0]
        return histograms.enumerated().map { index, buckets in
            var row = ResultRow(runID: "r", repetition: index + 1)
            row.key = ConfigurationKey(configuration)
            var histogram = FailedWakeupHistogram()
            for (bucket, count) in buckets { histogram.record(bucket: bucket, count: count) }
            row.measurements.failedWakeups = histogram
            row.measurements.gilFailedAcquisitions = buckets.reduce(0) { $0 + FailedWakeupHistogram.bounds($1.key).low * $1.value }
            return row
        }
    }

    static func finding(_ rows: [ResultRow]) throws -> Finding {
        try #require(Catalogue.failedAcquisitions.findings(rows).first)
    }

    @Test("A worst bucket above 100 reproduces, one that holds 100 is inconclusive, one below fails")
    func worstBucket() throws {
        // Bucket 8 holds 128-255 failures, 7 holds 64-127, 6 holds 32-63.
        let above = try Self.finding(Self.rows([[1: 500, 3: 200], [1: 400, 8: 1], [2: 300, 6: 2]]))
        #expect(above.verdict.status == "reproduced")
        #expect(above.verdict.estimate?.value == 128)
        #expect(above.observation?.figure.hasSuffix("worst: 128-255") == true)
        let holding = try Self.finding(Self.rows([[1: 500, 7: 1], [1: 400], [2: 300, 6: 2]]))
        #expect(holding.verdict.status == "inconclusive")
        let below = try Self.finding(Self.rows([[1: 500, 6: 1], [1: 400], [2: 300]]))
        #expect(below.verdict.status == "not reproduced")
        #expect(below.observation?.figure.hasSuffix("worst: 32-63") == true)
    }

    @Test("The mean is in the figure beside the totals, not in the verdict")
    func meanInFigure() throws {
        // 1,000 acquisitions: 999 at one failure, one at 128: 1,127 failures, 1.13 each.
        let f = try Self.finding(Self.rows([[1: 999, 8: 1]]))
        #expect(f.observation?.figure.hasPrefix("1,127 failed wake-ups for 1,000 contended acquisitions (1.13 each on average)") == true)
        #expect(f.verdict.status == "reproduced")
    }

    @Test("Bucket bounds: 0, 1, then powers of two")
    func bounds() {
        #expect(FailedWakeupHistogram.bounds(0) == (0, 0))
        #expect(FailedWakeupHistogram.bounds(1) == (1, 1))
        #expect(FailedWakeupHistogram.bounds(2) == (2, 3))
        #expect(FailedWakeupHistogram.bounds(8) == (128, 255))
    }
}
