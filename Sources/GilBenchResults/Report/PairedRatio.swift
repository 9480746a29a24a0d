import GilBenchSimulator
import GilBenchSystem

/// A ratio of two configurations computed pair by pair: the k-th repetition of one over the k-th of
/// the other, with the median of those ratios and its bootstrap 95% interval.
///
/// A session measures the k-th repetition of every configuration in one round, next to each other
/// (`Session.run`), so a slow drift of the machine (another tenant, a change of clock speed) slows
/// both sides of a pair alike and cancels in their ratio, where it would widen the spread of each
/// configuration's own median. Rows are paired by their `run_id` and `repeat` columns.
public struct PairedRatio: Sendable {
    /// The configurations over which the ratio is taken.
    public var numerator: ConfigurationKey
    public var denominator: ConfigurationKey
    /// One ratio per pair, in the numerator's row order.
    public var ratios: [Double]
    /// The median of ``ratios`` with its percentile-bootstrap 95% interval.
    public var estimate: Estimate

    /// Pairs the rows of two groups and divides `column` of each numerator row by that of its twin.
    /// Pairs where either value is missing, or the denominator is not positive, are left out.
    /// - Parameters:
    ///   - column: the measurement divided.
    ///   - numerator: the configuration on top.
    ///   - denominator: the configuration below, whose rows are paired with the numerator's.
    ///   - minimumDenominator: a floor for each denominator (a count that may be 0, such as a
    ///     sequential run's futex calls, is divided as at least 1).
    /// - Returns: nil when no pair is left.
    public init?(_ column: Column, _ numerator: Summary.Group, over denominator: Summary.Group, minimumDenominator: Double = 0) {
        let ratios = PairedRatio.pairs(numerator.rows, denominator.rows).compactMap { top, bottom -> Double? in
            guard let x = top.measurements[column], let y = bottom.measurements[column] else { return nil }
            let d = max(y, minimumDenominator)
            return d > 0 ? x / d : nil
        }
        guard let estimate = Statistics.bootstrapMedian(ratios) else { return nil }
        self.numerator = numerator.key
        self.denominator = denominator.key
        self.ratios = ratios
        self.estimate = estimate
    }

    /// The median of the pairs' ratios.
    public var value: Double { estimate.value }

    /// The rows of `numerators` with the row of `denominators` measured in the same round: equal
    /// `run_id` and `repeat`. Rows without a `repeat` (files written before it) pair by position.
    static func pairs(_ numerators: [ResultRow], _ denominators: [ResultRow]) -> [(ResultRow, ResultRow)] {
        /// A repetition's identity across configurations: its run and its round.
        struct Round: Hashable {
            var runID: String?
            var number: Int
        }
        func rounds(_ rows: [ResultRow]) -> [Round] {
            rows.enumerated().map { index, row in Round(runID: row.runID, number: row.repetition ?? -(index + 1)) }
        }
        var byRound: [Round: ResultRow] = [:]
        for (round, row) in zip(rounds(denominators), denominators) where byRound[round] == nil { byRound[round] = row }
        return zip(rounds(numerators), numerators).compactMap { round, row in byRound[round].map { (row, $0) } }
    }
}
