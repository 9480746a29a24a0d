import Foundation
import Testing
@testable import GilBench

@Suite("Reproduce: verdict wording")
struct VerdictWordingTests {
    @Test("A ratio that rounds to its threshold is printed with enough digits to see why it failed")
    func nearThreshold() {
        let c = Criterion("slowest/fastest repetition", .atMost(1.25))
        #expect(Verdict.notReproduced(Estimate(value: 1.2504)).text(c) == "**not reproduced**: 1.2504 fails slowest/fastest repetition <= 1.25")
        #expect(Verdict.reproduced(Estimate(value: 1.25)).text(c) == "**reproduced**: 1.25 meets slowest/fastest repetition <= 1.25")
        #expect(Verdict.reproduced(Estimate(value: 1.1)).text(c) == "**reproduced**: 1.1 meets slowest/fastest repetition <= 1.25")
    }
}
