import GilBenchSimulator
import GilBenchSystem
import Foundation
/// Order statistics for a handful of repetitions, and percentile-bootstrap intervals of medians.
public enum Statistics {
    /// The median (mean of the middle two for an even count); nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    // MARK: Bootstrap

    /// How many resamples a bootstrap interval draws: 2,000, so that the 2.5th and 97.5th percentiles
    /// fall on the 50th and 1,950th resampled medians (Efron and Tibshirani, "An Introduction to the
    /// Bootstrap", ch. 13, suggest 1,000 or more for percentile intervals).
    public static let bootstrapResamples = 2_000
    /// The confidence of the intervals: 95%.
    public static let confidence = 0.95
    /// The generator's seed (SplitMix64, as the corpus uses): a fixed value, so the same rows always
    /// give the same interval.
    public static let bootstrapSeed: UInt64 = 0x6769_6C62_656E_6368  // "gilbench"

    /// The median of `values` with the percentile-bootstrap 95% interval of the median: `values` is
    /// resampled with replacement ``bootstrapResamples`` times (seeded, so reproducible), and the
    /// interval spans the 2.5th to the 97.5th percentile of the resampled medians. Fewer than two
    /// values give no interval. Nil when `values` is empty.
    public static func bootstrapMedian(_ values: [Double], resamples: Int = bootstrapResamples, seed: UInt64 = bootstrapSeed) -> Estimate? {
        guard let median = median(values) else { return nil }
        guard values.count >= 2 else { return Estimate(value: median) }
        var generator = SplitMix64(seed: seed)
        let medians = (0..<resamples).map { _ in Statistics.median(resample(values, &generator))! }
        return Estimate(value: median, interval: percentileInterval(medians))
    }

    /// The median of `numerator` over that of `denominator` for two samples that were not measured in
    /// pairs (two runs compared by `gilbench compare`), with the percentile-bootstrap 95% interval of
    /// that ratio: each sample is resampled on its own. A side with one value gives no interval; nil
    /// when a side is empty or the denominator's median is not positive.
    public static func bootstrapRatioOfMedians(
        _ numerator: [Double], over denominator: [Double], resamples: Int = bootstrapResamples, seed: UInt64 = bootstrapSeed
    ) -> Estimate? {
        guard let top = median(numerator), let bottom = median(denominator), bottom > 0 else { return nil }
        guard numerator.count >= 2 || denominator.count >= 2 else { return Estimate(value: top / bottom) }
        var generator = SplitMix64(seed: seed)
        var ratios: [Double] = []
        ratios.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let b = median(resample(denominator, &generator))!
            guard b > 0 else { continue }
            ratios.append(median(resample(numerator, &generator))! / b)
        }
        guard !ratios.isEmpty else { return Estimate(value: top / bottom) }
        return Estimate(value: top / bottom, interval: percentileInterval(ratios))
    }

    /// `values.count` values drawn from `values` with replacement.
    static func resample(_ values: [Double], _ generator: inout SplitMix64) -> [Double] {
        (0..<values.count).map { _ in values[Int(generator.next() % UInt64(values.count))] }
    }

    /// The central ``confidence`` share of `statistics`: its 2.5th and 97.5th percentiles.
    static func percentileInterval(_ statistics: [Double]) -> Interval {
        let sorted = statistics.sorted()
        let tail = (1 - confidence) / 2
        let low = Int((tail * Double(sorted.count)).rounded(.down))
        let high = Int(((1 - tail) * Double(sorted.count)).rounded(.up)) - 1
        return Interval(low: sorted[min(low, sorted.count - 1)], high: sorted[max(min(high, sorted.count - 1), 0)])
    }
}

/// A closed interval of values: a bootstrap confidence interval.
public struct Interval: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double

    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }
}

/// A measured value, with its 95% interval when there were enough samples for one.
public struct Estimate: Sendable, Equatable, Codable {
    public var value: Double
    /// The percentile-bootstrap 95% interval (``Statistics/bootstrapMedian(_:resamples:seed:)``); nil
    /// with fewer than two samples.
    public var interval: Interval?

    public init(value: Double, interval: Interval? = nil) {
        self.value = value
        self.interval = interval
    }

    /// `value [low, high]` (`1.83 [1.71, 1.90]`), each number written by `format`; the value alone
    /// without an interval.
    public func text(_ format: (Double) -> String = { String(format: "%.2f", $0) }) -> String {
        guard let interval else { return format(value) }
        return "\(format(value)) [\(format(interval.low)), \(format(interval.high))]"
    }
}
