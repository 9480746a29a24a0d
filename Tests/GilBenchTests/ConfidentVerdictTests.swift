import Foundation
import Testing
@testable import GilBench

/// `Verdict.decide` with intervals: reproduced or not only when the interval lies on one side.
@Suite("Reproduce: verdicts with confidence")
struct ConfidentVerdictTests {
    static func observed(_ value: Double, _ low: Double, _ high: Double) -> Observation {
        Observation(figure: "", ratio: value, interval: Interval(low: low, high: high))
    }

    @Test("An interval straddling the threshold is inconclusive; one wholly on a side decides")
    func decide() {
        let atLeast = Criterion("threaded/sequential", .atLeast(1.3))
        #expect(Verdict.decide(atLeast, Self.observed(1.5, 1.4, 1.6)).status == "reproduced")
        #expect(Verdict.decide(atLeast, Self.observed(1.1, 1.0, 1.2)).status == "not reproduced")
        let straddling = Verdict.decide(atLeast, Self.observed(1.35, 1.2, 1.5))
        #expect(straddling == .inconclusive(Estimate(value: 1.35, interval: Interval(low: 1.2, high: 1.5))))
        #expect(straddling.text(atLeast) == "**inconclusive**: 1.35 [1.2, 1.5] straddles threaded/sequential >= 1.3")
        let atMost = Criterion("processes/sequential", .atMost(0.6))
        #expect(Verdict.decide(atMost, Self.observed(0.52, 0.5, 0.55)).status == "reproduced")
        #expect(Verdict.decide(atMost, Self.observed(0.58, 0.55, 0.65)).status == "inconclusive")
        #expect(Verdict.decide(atMost, Self.observed(0.7, 0.65, 0.75)).status == "not reproduced")
        let between = Criterion("r", .between(0.85, 1.3))
        #expect(Verdict.decide(between, Self.observed(1.0, 0.9, 1.1)).status == "reproduced")
        #expect(Verdict.decide(between, Self.observed(0.9, 0.8, 1.0)).status == "inconclusive")
        #expect(Verdict.decide(between, Self.observed(1.4, 1.35, 1.5)).status == "not reproduced")
        #expect(Verdict.decide(Criterion("x", .reportOnly), Self.observed(1, 0.5, 2)).status == "reported")
    }
}
