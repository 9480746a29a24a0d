import Testing
@testable import GilBench

@Suite("Mann-Whitney U test")
struct MannWhitneyTests {
    @Test("Exact p-values match scipy 1.17 mannwhitneyu(method=\"exact\")")
    func exact() {
        // Completely separated samples of 5: p = 2 / C(10, 5) = 2/252.
        let separated = MannWhitney.test([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
        #expect(separated.method == .exact)
        #expect(separated.u == 0)
        #expect(abs(separated.p - 2.0 / 252) < 1e-12)
        // Interleaved: x = 1,3,5,7,9 against y = 2,4,6,8,10: U = 10, p = 0.6904761904761905.
        let interleaved = MannWhitney.test([1, 3, 5, 7, 9], [2, 4, 6, 8, 10])
        #expect(interleaved.u == 10)
        #expect(abs(interleaved.p - 0.6904761904761905) < 1e-12)
    }

    @Test("The exact distribution of U sums to C(n+m, n) and is symmetric")
    func distribution() {
        let d = MannWhitney.exactDistribution(4, 6)
        #expect(d.reduce(0, +) == 210)
        #expect(d == d.reversed())
    }

    @Test("Ties take the normal approximation with tie correction (scipy 1.17 asymptotic: p = 0.0097008)")
    func ties() {
        let r = MannWhitney.test([1, 1, 1, 2, 2], [3, 3, 4, 4, 4])
        #expect(r.method == .normalApproximation)
        #expect(r.u == 0)
        #expect(abs(r.p - 0.009700785068229596) < 1e-12)
        #expect(MannWhitney.test([5, 5, 5], [5, 5, 5]).p == 1)
    }

    @Test("Too few repetitions can never reach alpha 0.05: 3 and 3 cannot, 4 and 4 can")
    func smallestPValue() {
        #expect(MannWhitney.smallestPValue(3, 3) == 0.1)
        #expect(MannWhitney.smallestPValue(4, 4) < 0.05)
    }
}
