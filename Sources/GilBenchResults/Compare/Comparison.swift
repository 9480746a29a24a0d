import GilBenchSimulator
import GilBenchSystem
/// A baseline and a current run compared configuration by configuration and metric by metric.
///
/// Rows are matched by their configuration columns (``Column/configuration``). For each metric the
/// median over repetitions of each side is compared: the relative change is `(current - baseline) /
/// baseline`. A change counts as a regression when it goes the wrong way by more than the metric's
/// threshold *and* the Mann-Whitney U test finds the two samples different at `alpha`. When either
/// side has too few repetitions for the test to ever reach `alpha` (see
/// ``MannWhitney/smallestPValue(_:_:)``), the threshold alone decides, and the entry says so.
///
/// Ratios (`threads/sequential`, `1cpu/2cpus`, ...) are metrics of the numerator's configuration: one
/// value per repetition, the two configurations' rows paired by `run_id` and `repeat` (``PairedRatio``).
/// Each entry also carries current/baseline of the medians with its bootstrap 95% interval.
public struct Comparison: Sendable {
    /// What to compare and how strictly.
    public struct Options: Sendable {
        /// Metrics to compare; empty: every metric with values on both sides.
        public var metrics: [ComparedMetric] = []
        /// Relative thresholds by metric (0.10 = 10%), over the defaults (``ComparedMetric/defaultThreshold``).
        public var thresholds: [ComparedMetric: Double] = [:]
        /// Significance level of the U test.
        public var alpha: Double = 0.05
        /// Configuration columns left out of the matching, to compare runs made with different
        /// settings (`check_interval` to compare a changed check interval with the baseline).
        public var ignoredColumns: Set<Column> = []

        public init(metrics: [ComparedMetric] = [], thresholds: [ComparedMetric: Double] = [:], alpha: Double = 0.05, ignoredColumns: Set<Column> = []) {
            self.metrics = metrics
            self.thresholds = thresholds
            self.alpha = alpha
            self.ignoredColumns = ignoredColumns
        }
    }

    /// The verdict on one metric of one configuration.
    public enum Decision: String, Sendable, Codable {
        /// Worse by more than the threshold, and significant (or threshold-only).
        case regression
        /// Better by more than the threshold, and significant (or threshold-only).
        case improvement
        /// Within the threshold.
        case unchanged
        /// Beyond the threshold but the U test does not find the samples different.
        case notSignificant = "not-significant"
        /// An informational metric changed.
        case changed
    }

    /// One metric of one configuration.
    public struct Entry: Sendable, Codable {
        public var configuration: String
        public var metric: ComparedMetric
        public var direction: Direction
        public var baselineCount: Int
        public var baselineMedian: Double
        public var currentCount: Int
        public var currentMedian: Double
        /// `(current - baseline) / baseline`; infinite when the baseline is 0 and the current is not.
        public var relativeChange: Double
        /// The current median over the baseline's with its bootstrap 95% interval (each side
        /// resampled on its own: two runs are not measured in pairs); nil when the baseline is not
        /// positive.
        public var currentOverBaseline: Estimate?
        public var threshold: Double
        /// The U test's two-sided p-value; nil when the threshold alone decided.
        public var pValue: Double?
        public var test: MannWhitney.Method?
        public var decision: Decision
    }

    public var baselinePath: String
    public var currentPath: String
    public var alpha: Double
    public var entries: [Entry]
    /// Labels of configurations found in only one of the files.
    public var onlyInBaseline: [String]
    public var onlyInCurrent: [String]

    public var regressions: [Entry] { entries.filter { $0.decision == .regression } }
    public var improvements: [Entry] { entries.filter { $0.decision == .improvement } }
    /// Whether some entry was decided by its threshold alone (too few repetitions for the U test).
    public var thresholdOnly: [Entry] { entries.filter { $0.pValue == nil && $0.decision != .unchanged } }

    /// The exit status `gilbench compare` ends with: regression (2) if any, else success (0).
    public var exitStatus: ExitStatus { regressions.isEmpty ? .success : .regression }

    /// Compares `current` with `baseline`.
    /// - Throws: `GilBenchError` `.badInput` when the files share no configuration, or share no metric
    ///   among those asked for.
    public init(baseline: ResultFile, current: ResultFile, options: Options = Options()) throws(GilBenchError) {
        baselinePath = baseline.path
        currentPath = current.path
        alpha = options.alpha
        func matchable(_ file: ResultFile) -> [ResultRow] {
            file.results.map { row in
                var row = row
                row.key = row.key.clearing(options.ignoredColumns)
                return row
            }
        }
        let before = Summary(rows: matchable(baseline))
        let after = Summary(rows: matchable(current))
        let afterByKey = Dictionary(after.groups.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let beforeKeys = Set(before.groups.map(\.key))
        onlyInBaseline = before.groups.filter { afterByKey[$0.key] == nil }.map(\.label)
        onlyInCurrent = after.groups.filter { !beforeKeys.contains($0.key) }.map(\.label)
        let common = before.groups.filter { afterByKey[$0.key] != nil }
        guard !common.isEmpty else {
            throw GilBenchError(
                .badInput,
                "\(baseline.path) and \(current.path) have no configuration in common (baseline: \(before.groups.map(\.label).joined(separator: "; ")); current: \(after.groups.map(\.label).joined(separator: "; ")))")
        }
        let wanted = Set(options.metrics)
        func isWanted(_ metric: ComparedMetric) -> Bool { wanted.isEmpty || wanted.contains(metric) }

        var entries: [Entry] = []
        func add(_ metric: ComparedMetric, _ label: String, _ x: [Double], _ y: [Double]) {
            guard isWanted(metric), !x.isEmpty, !y.isEmpty else { return }
            entries.append(Comparison.decide(
                metric, configuration: label, baseline: x, current: y,
                threshold: options.thresholds[metric] ?? metric.defaultThreshold, alpha: options.alpha))
        }
        for group in common {
            let other = afterByKey[group.key]!
            for column in Column.allCases where column.isMeasurement && !Column.disturbance.contains(column) {
                // A column empty in some rows ("not measured") is compared only where every row has it.
                let x = group.values(column), y = other.values(column)
                guard x.count == group.rows.count, y.count == other.rows.count else { continue }
                add(.column(column), group.label, x, y)
            }
        }
        let afterPairs = Dictionary(
            after.ratioPairs.map { (RatioKey($0), $0) }, uniquingKeysWith: { a, _ in a })
        for pair in before.ratioPairs {
            guard let twin = afterPairs[RatioKey(pair)] else { continue }
            add(.ratio(pair.kind), pair.numerator.label, Comparison.ratioSamples(pair), Comparison.ratioSamples(twin))
        }
        guard !entries.isEmpty else {
            throw GilBenchError(
                .badInput,
                "\(baseline.path) and \(current.path) share configurations but no metric to compare"
                    + (wanted.isEmpty ? "" : " among --metrics \(options.metrics.map(\.name).joined(separator: ","))"))
        }
        self.entries = entries
    }

    /// The repetitions a side needs for the U test to be worth running: Google Benchmark's `compare.py`
    /// asks for 9.
    public static let recommendedRepetitions = 9

    /// One line per side (`baseline`, `current`, named by `names`) whose fewest repetitions of a
    /// configuration are below ``recommendedRepetitions``; empty when both sides have enough.
    public func repetitionWarnings(baseline: String, current: String) -> [String] {
        let sides = [
            (baseline, entries.map(\.baselineCount).min()),
            (current, entries.map(\.currentCount).min()),
        ]
        return sides.compactMap { name, fewest in
            guard let fewest, fewest < Comparison.recommendedRepetitions else { return nil }
            return "\(name) has \(fewest) repetition\(fewest == 1 ? "" : "s") of a configuration, fewer than the "
                + "\(Comparison.recommendedRepetitions) the U test needs to be reliable (Google Benchmark's compare.py); use --repeat \(Comparison.recommendedRepetitions) or more"
        }
    }

    /// A ratio pair's identity across files: its kind and both configurations.
    struct RatioKey: Hashable {
        var kind: RatioKind
        var numerator: ConfigurationKey
        var denominator: ConfigurationKey
        init(_ pair: Summary.RatioPair) {
            kind = pair.kind
            numerator = pair.numerator.key
            denominator = pair.denominator.key
        }
    }

    /// One wall-time ratio per repetition: rows of the two configurations paired by `run_id` and `repeat`.
    static func ratioSamples(_ pair: Summary.RatioPair) -> [Double] {
        pair.paired?.ratios ?? []
    }

    /// Decides one metric from both sides' repetitions.
    public static func decide(
        _ metric: ComparedMetric, configuration: String, baseline x: [Double], current y: [Double],
        threshold: Double, alpha: Double
    ) -> Entry {
        let b = Statistics.median(x)!, c = Statistics.median(y)!
        let change: Double = b == 0 ? (c == 0 ? 0 : (c > 0 ? .infinity : -.infinity)) : (c - b) / abs(b)
        var test: MannWhitney.Result?
        if MannWhitney.smallestPValue(x.count, y.count) <= alpha {
            test = MannWhitney.test(x, y)
        }
        let significant = test.map { $0.p < alpha } ?? true
        let beyond = abs(change) > threshold
        let decision: Decision
        if !beyond {
            decision = .unchanged
        } else if metric.direction == .informational {
            decision = .changed
        } else if !significant {
            decision = .notSignificant
        } else {
            let worse = metric.direction == .lowerIsBetter ? change > 0 : change < 0
            decision = worse ? .regression : .improvement
        }
        return Entry(
            configuration: configuration, metric: metric, direction: metric.direction,
            baselineCount: x.count, baselineMedian: b, currentCount: y.count, currentMedian: c,
            relativeChange: change, currentOverBaseline: Statistics.bootstrapRatioOfMedians(y, over: x), threshold: threshold,
            pValue: test?.p, test: test?.method, decision: decision)
    }
}
