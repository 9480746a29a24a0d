import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The Mann-Whitney U test (Wilcoxon rank-sum), two-sided: do two samples come from the same
/// distribution, or does one tend to be larger?
///
/// - Without ties and with at most ``exactLimit`` values on each side, the p-value comes from the
///   exact distribution of U (counted by the recurrence of Mann and Whitney, 1947).
/// - Otherwise the normal approximation with the tie correction of the variance and a continuity
///   correction of 0.5 (as `scipy.stats.mannwhitneyu(method="asymptotic")`).
///
/// Repetitions of a benchmark are few (5 by default), so the exact distribution is the usual case;
/// counts such as ticks, which repeat the same value, have ties and take the approximation.
public enum MannWhitney {
    /// How the p-value was computed.
    public enum Method: String, Sendable, Codable {
        case exact
        case normalApproximation = "normal-approximation"
    }

    public struct Result: Sendable, Equatable {
        /// U of the first sample: pairs (x, y) with x > y, ties counting one half.
        public var u: Double
        /// Two-sided p-value.
        public var p: Double
        public var method: Method
    }

    /// Largest sample size on each side for which the exact distribution is used.
    public static let exactLimit = 20

    /// Tests `x` against `y`. Both must be non-empty.
    public static func test(_ x: [Double], _ y: [Double]) -> Result {
        precondition(!x.isEmpty && !y.isEmpty, "the U test needs values on both sides")
        let n = x.count, m = y.count
        // Ranks of the pooled sample, ties sharing their mean rank.
        let pooled = (x.map { ($0, 0) } + y.map { ($0, 1) }).sorted { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: pooled.count)
        var tieTerm = 0.0
        var hasTies = false
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j { ranks[k] = rank }
            let t = Double(j - i + 1)
            if t > 1 { hasTies = true; tieTerm += t * t * t - t }
            i = j + 1
        }
        let rankSumX = zip(pooled, ranks).reduce(0.0) { $0 + ($1.0.1 == 0 ? $1.1 : 0) }
        let u = rankSumX - Double(n * (n + 1)) / 2
        let mean = Double(n * m) / 2

        if !hasTies && n <= exactLimit && m <= exactLimit {
            let distribution = exactDistribution(n, m)
            let total = distribution.reduce(0, +)
            // Two-sided: twice the smaller tail, capped at 1.
            let k = Int(u.rounded())
            let lower = distribution[0...min(k, distribution.count - 1)].reduce(0, +)
            let upper = distribution[max(k, 0)...].reduce(0, +)
            return Result(u: u, p: min(1, 2 * min(lower, upper) / total), method: .exact)
        }
        let nd = Double(n), md = Double(m)
        let variance = nd * md / 12 * ((nd + md + 1) - tieTerm / ((nd + md) * (nd + md - 1)))
        guard variance > 0 else {
            // Every value equal: no evidence of a difference.
            return Result(u: u, p: 1, method: .normalApproximation)
        }
        let z = max(abs(u - mean) - 0.5, 0) / variance.squareRoot()
        return Result(u: u, p: min(1, erfc(z / 2.0.squareRoot())), method: .normalApproximation)
    }

    /// The smallest two-sided p-value samples of sizes `n` and `m` can give (all of one sample
    /// above all of the other, no ties): 2 / C(n+m, n). Below `alpha`, the test can decide.
    public static func smallestPValue(_ n: Int, _ m: Int) -> Double {
        guard n > 0 && m > 0 else { return 1 }
        var combinations = 1.0
        for k in 0..<min(n, m) { combinations = combinations * Double(n + m - k) / Double(k + 1) }
        return min(1, 2 / combinations)
    }

    /// Counts of each value of U (0...n·m) over all C(n+m, n) orderings without ties, as Doubles.
    ///
    /// The recurrence f(n, m, u) = f(n-1, m, u-m) + f(n, m-1, u): the largest value is either from the
    /// first sample (it beats all m values of the second) or from the second. O(n·m·(n+m)).
    package static func exactDistribution(_ n: Int, _ m: Int) -> [Double] {
        // table[a][b] is the distribution for sizes (a, b), built for a ≤ n, b ≤ m.
        var table = [[[Double]]](repeating: [[Double]](repeating: [], count: m + 1), count: n + 1)
        for a in 0...n {
            for b in 0...m {
                if a == 0 || b == 0 {
                    table[a][b] = [1]
                    continue
                }
                var counts = [Double](repeating: 0, count: a * b + 1)
                for (u, c) in table[a - 1][b].enumerated() { counts[u + b] += c }
                for (u, c) in table[a][b - 1].enumerated() { counts[u] += c }
                table[a][b] = counts
            }
        }
        return table[n][m]
    }
}
