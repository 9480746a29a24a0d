import Testing
@testable import GilBench

/// Slide 98's claim, judged on the failed wake-ups per contended acquisition, on rows built by hand.
@Suite("Failed acquisitions: slide 98's claim on the failed wake-ups per contended acquisition")
struct FailedAcquisitionsClaimTests {
    /// The experiment's rows, one repetition per histogram (bucket index: count), each with the
    /// failed wake-ups its buckets' lower bounds add up to.
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

    @Test("More failed wake-ups than contended acquisitions reproduce; fewer do not; the worst is in the figure")
    func mean() throws {
        // 500 won at once, 200 after 4: 800 failures for 700 acquisitions; then 300 after 1 and
        // one after 128: 428 for 301.
        let failing = try Self.finding(Self.rows([[0: 500, 3: 200], [1: 300, 8: 1]]))
        #expect(failing.verdict.status == "reproduced")
        #expect(abs((failing.verdict.estimate?.value ?? 0) - 1_228.0 / 1_001) < 1e-9)
        #expect(failing.observation?.figure == "1,228 failed wake-ups for 1,001 contended acquisitions; worst: 128-255")
        // 900 won at once, 100 after 2: 0.2 each.
        let handing = try Self.finding(Self.rows([[0: 900, 2: 100]]))
        #expect(handing.verdict.status == "not reproduced")
        #expect(handing.observation?.figure.hasSuffix("worst: 2-3") == true)
    }

    @Test("Bucket bounds: 0, 1, then powers of two")
    func bounds() {
        #expect(FailedWakeupHistogram.bounds(0) == (0, 0))
        #expect(FailedWakeupHistogram.bounds(1) == (1, 1))
        #expect(FailedWakeupHistogram.bounds(2) == (2, 3))
        #expect(FailedWakeupHistogram.bounds(8) == (128, 255))
    }
}
