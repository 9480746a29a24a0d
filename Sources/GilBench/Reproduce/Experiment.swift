import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// How big `gilbench reproduce` makes its runs.
public struct ExperimentScale: Sendable, Equatable {
    /// Countdown start value per task (the slides: 100,000,000).
    public var countdownN: Int
    /// Measured repetitions per configuration (at least 3, for a median).
    public var repetitions: Int
    /// Unrecorded warm-up runs per configuration.
    public var warmup: Int
    /// Whether these are the slides' own sizes.
    public var isFull: Bool
    /// xorshift steps per task of the `machine` experiment's spin: 100,000,000 by default,
    /// 500,000,000 at the slides' size.
    public var spinN: Int { isFull ? 500_000_000 : 100_000_000 }

    public init(countdownN: Int, repetitions: Int, warmup: Int, isFull: Bool) {
        self.countdownN = countdownN
        self.repetitions = repetitions
        self.warmup = warmup
        self.isFull = isFull
    }

    /// Checks the sizes.
    /// - Throws: `GilBenchError` (`.usage`) naming the first that is wrong.
    public func validate() throws(GilBenchError) {
        guard countdownN >= 0 else { throw GilBenchError(.n, "must be 0 or more (got \(countdownN))") }
        guard repetitions >= 1 else { throw GilBenchError(.repetitions, "must be at least 1 (got \(repetitions))") }
        guard warmup >= 0 else { throw GilBenchError(.warmup, "must be 0 or more (got \(warmup))") }
    }

    /// Sized so that the whole catalogue finishes in about a minute on a 2-core machine.
    public static let quick = ExperimentScale(countdownN: 4_000_000, repetitions: 3, warmup: 1, isFull: false)
    /// The slides' sizes: count(100,000,000) per task.
    public static let full = ExperimentScale(countdownN: 100_000_000, repetitions: 3, warmup: 1, isFull: true)

    /// A configuration with this scale's repetitions and warm-ups, labelled with `experiment`.
    public func configuration(_ experiment: String, _ edit: (inout RunConfiguration) -> Void) -> RunConfiguration {
        var c = RunConfiguration()
        c.experiment = experiment
        c.n = countdownN
        c.repetitions = repetitions
        c.warmup = warmup
        edit(&c)
        return c
    }
}

/// The rule that decides a verdict, stated in words in the report: a named ratio and a threshold.
public struct Criterion: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        case atLeast(Double)
        case atMost(Double)
        case between(Double, Double)
        /// No threshold: the figure is reported, not judged.
        case reportOnly
        /// A parallel gain nearer the machine's ceiling than no gain at all: the ratio at most
        /// halfway from 1 (no gain) to the ceiling measured in the same run (``Catalogue/ceiling(_:)``),
        /// (1 + ceiling) / 2. For claims whose fixed threshold would sit on their true value because
        /// a fixed cost beside the parallel work (a pool's start-up) weighs on it at this size; the
        /// run resolves it into ``atMost(_:)`` (``Criterion/resolved(ceiling:)``) before judging.
        case nearerCeilingThanNoGain
    }

    /// The ratio's name as the report prints it ("threaded/sequential").
    public var ratio: String
    public var rule: Rule
    /// Where the threshold comes from, when the run derived it: "(1 + the machine's ceiling 0.50) / 2".
    public var basis: String?

    public init(_ ratio: String, _ rule: Rule, basis: String? = nil) {
        self.ratio = ratio
        self.rule = rule
        self.basis = basis
    }

    /// Whether the threshold comes from the machine's ceiling, measured in the same run.
    public var needsCeiling: Bool { rule == .nearerCeilingThanNoGain }

    /// The criterion with its threshold taken from `ceiling` (the median of the machine's paired
    /// processes/sequential of spin), for ``Rule/nearerCeilingThanNoGain``; itself otherwise. The
    /// ceiling's own interval is left out: its pairs of native arithmetic spread by a percent or
    /// two, against the tenths that decide these claims.
    public func resolved(ceiling: Double) -> Criterion {
        guard needsCeiling else { return self }
        return Criterion(ratio, .atMost((1 + ceiling) / 2), basis: "(1 + the machine's ceiling \(String(format: "%.3f", ceiling))) / 2")
    }

    /// Whether `value` meets the rule (always true for ``Rule/reportOnly``; never for an unresolved
    /// ``Rule/nearerCeilingThanNoGain``).
    public func holds(_ value: Double) -> Bool {
        switch rule {
        case .atLeast(let t): value >= t
        case .atMost(let t): value <= t
        case .between(let lo, let hi): value >= lo && value <= hi
        case .reportOnly: true
        case .nearerCeilingThanNoGain: false
        }
    }

    /// The criterion in words: "threaded/sequential >= 1.3", with the threshold's basis when the run
    /// derived it: "pool/sequential <= 0.75 ((1 + the machine's ceiling 0.503) / 2)".
    public var text: String {
        let rule: String = switch self.rule {
        case .atLeast(let t): "\(ratio) >= \(Criterion.number(t))"
        case .atMost(let t): "\(ratio) <= \(Criterion.number(t))"
        case .between(let lo, let hi): "\(Criterion.number(lo)) <= \(ratio) <= \(Criterion.number(hi))"
        case .reportOnly: "\(ratio) reported, no threshold"
        case .nearerCeilingThanNoGain: "\(ratio) <= (1 + the machine's ceiling) / 2"
        }
        return basis.map { "\(rule) (\($0))" } ?? rule
    }

    /// Where `estimate` lies against the rule: `true` when all of its interval meets it, `false` when
    /// none does, nil when the interval straddles a threshold (or an unresolved
    /// ``Rule/nearerCeilingThanNoGain`` has no threshold yet). Without an interval its value decides.
    public func judge(_ estimate: Estimate) -> Bool? {
        if needsCeiling { return nil }
        guard let interval = estimate.interval else { return holds(estimate.value) }
        switch rule {
        case .atLeast(let t):
            return interval.low >= t ? true : interval.high < t ? false : nil
        case .atMost(let t):
            return interval.high <= t ? true : interval.low > t ? false : nil
        case .between(let lo, let hi):
            if interval.low >= lo && interval.high <= hi { return true }
            return interval.high < lo || interval.low > hi ? false : nil
        case .reportOnly:
            return true
        case .nearerCeilingThanNoGain:
            return nil
        }
    }

    /// `estimate` as the verdict prints it: `1.62 [1.55, 1.70]`, or the value alone.
    public func shown(_ estimate: Estimate) -> String { estimate.text(shown) }

    /// `value` as the verdict prints it: compact, with more digits when it would print as a threshold
    /// it is not equal to (1.2504 fails <= 1.25 is shown as 1.2504, not 1.25).
    public func shown(_ value: Double) -> String {
        let thresholds: [Double]
        switch rule {
        case .atLeast(let t), .atMost(let t): thresholds = [t]
        case .between(let lo, let hi): thresholds = [lo, hi]
        case .reportOnly, .nearerCeilingThanNoGain: thresholds = []
        }
        let compact = Criterion.number(value)
        if thresholds.contains(where: { Criterion.number($0) == compact && $0 != value }) {
            return String(format: "%.4f", value)
        }
        return compact
    }

    /// A threshold or ratio printed compactly: 1.3, 10,000, 0.85.
    public static func number(_ v: Double) -> String {
        if abs(v) >= 1000 { return grouped(v) }
        if abs(v) >= 100 { return String(format: "%.0f", v) }
        if abs(v) >= 10 { return String(format: "%.1f", v) }
        var s = String(format: "%.2f", v)
        if s.hasSuffix("0") && s.contains(".") { s.removeLast() }
        return s
    }
}

/// What an experiment found for one claim: a figure to print and the ratio the verdict is decided on.
public struct Observation: Sendable, Equatable {
    /// The figure here, with units ("0.62 s for 2 × count(4,000,000)").
    public var figure: String
    /// The value of the criterion's ratio; nil when it could not be computed (then the claim is not measured).
    public var ratio: Double?
    /// The ratio's bootstrap 95% interval when it was taken pair by pair (`PairedRatio`); nil for
    /// figures that are not (a spread, a count, a share of runs): those are judged on their value.
    public var interval: Interval?
    /// The configurations the ratio was read from: those that `reproduce` measures again when the
    /// interval cannot decide the verdict.
    public var configurations: [ConfigurationKey]
    /// The ratio repetition by repetition (for the ratio against the machine's ceiling); empty when
    /// it was not taken pair by pair.
    public var pairedRatios: [Double]

    public init(figure: String, ratio: Double?, interval: Interval? = nil) {
        self.figure = figure
        self.ratio = ratio
        self.interval = interval
        configurations = []
        pairedRatios = []
    }

    /// The figure with `paired`'s median as the ratio and its interval; no ratio when `paired` is nil.
    public init(figure: String, paired: PairedRatio?) {
        self.init(figure: figure, ratio: paired?.value, interval: paired?.estimate.interval)
        if let paired {
            configurations = [paired.numerator, paired.denominator]
            pairedRatios = paired.ratios
        }
    }

    /// The ratio with its interval, as the verdict is decided on.
    public var estimate: Estimate? { ratio.map { Estimate(value: $0, interval: interval) } }
}

/// One claim of the talk (or beyond it) and how gilbench checks it.
public struct Claim: Sendable {
    /// The figure of ``SlideReference`` it answers; nil for claims beyond the 2009 slides.
    public var reference: SlideReference.Key?
    /// What was claimed, in plain words.
    public var claim: String
    /// The 2009 ratio for the same criterion, when the slides give one ("1.85").
    public var ratio2009: String?
    public var criterion: Criterion
    /// Reads the figure and ratio from the experiment's rows (grouped by configuration).
    public var observe: @Sendable (Summary) -> Observation?
    /// Whether the claim is about parallel gain (a wall-time ratio that two CPUs working at once
    /// bring down), so that the report also shows its ratio over the machine's ceiling.
    public var isParallelGain: Bool

    public init(
        reference: SlideReference.Key?, claim: String, ratio2009: String? = nil, criterion: Criterion,
        isParallelGain: Bool = false, observe: @escaping @Sendable (Summary) -> Observation? = { _ in nil }
    ) {
        self.reference = reference
        self.claim = claim
        self.ratio2009 = ratio2009
        self.criterion = criterion
        self.isParallelGain = isParallelGain
        self.observe = observe
    }

    /// The slide number, or "beyond" for claims after 2009.
    public var slide: String { reference.map { String($0.slide) } ?? "beyond" }

    /// The 2009 figure, or a dash.
    public var figure2009: String { reference.flatMap(SlideReference.row)?.display ?? "—" }
}

/// The verdict on one claim.
public enum Verdict: Sendable, Equatable {
    /// The whole interval (or, without one, the value) meets the criterion.
    case reproduced(Estimate)
    /// The whole interval (or the value) fails it.
    case notReproduced(Estimate)
    /// The interval straddles a threshold: the repetitions cannot decide either way.
    case inconclusive(Estimate)
    /// Measured and reported; the criterion sets no threshold.
    case reported(Estimate)
    /// The experiment ran but the rows needed for the ratio are missing (interrupted, or a counter was unavailable).
    case notMeasured(reason: String)

    /// Decides the verdict of `criterion` on `observation`: reproduced or not only when its interval
    /// lies wholly on one side of the threshold (``Criterion/judge(_:)``), else inconclusive.
    public static func decide(_ criterion: Criterion, _ observation: Observation?, missing: String = "no rows for it in this run") -> Verdict {
        guard let estimate = observation?.estimate, estimate.value.isFinite else { return .notMeasured(reason: missing) }
        if criterion.rule == .reportOnly { return .reported(estimate) }
        switch criterion.judge(estimate) {
        case true?: return .reproduced(estimate)
        case false?: return .notReproduced(estimate)
        case nil: return .inconclusive(estimate)
        }
    }

    /// The ratio with its interval; nil when not measured.
    public var estimate: Estimate? {
        switch self {
        case .reproduced(let e), .notReproduced(let e), .inconclusive(let e), .reported(let e): e
        case .notMeasured: nil
        }
    }

    /// The verdict with its criterion: "reproduced: 1.62 [1.55, 1.70] meets threaded/sequential >= 1.3".
    public func text(_ criterion: Criterion) -> String {
        switch self {
        case .reproduced(let e): "**reproduced**: \(criterion.shown(e)) meets \(criterion.text)"
        case .notReproduced(let e): "**not reproduced**: \(criterion.shown(e)) fails \(criterion.text)"
        case .inconclusive(let e): "**inconclusive**: \(criterion.shown(e)) straddles \(criterion.text)"
        case .reported(let e): "reported: \(criterion.ratio) = \(e.text(Criterion.number)) (no threshold)"
        case .notMeasured(let why): "not measured (\(why)); criterion: \(criterion.text)"
        }
    }

    /// A one-word status for tables and progress.
    public var status: String {
        switch self {
        case .reproduced: "reproduced"
        case .notReproduced: "not reproduced"
        case .inconclusive: "inconclusive"
        case .reported: "reported"
        case .notMeasured: "not measured"
        }
    }
}

/// An experiment of the catalogue: configurations to run, tied to slides, with claims to judge.
public struct Experiment: Sendable, Identifiable {
    /// The `experiment` column of its rows, and its name on the command line.
    public var id: String
    /// The slides it reproduces (empty: beyond the 2009 slides).
    public var slides: [Int]
    public var title: String
    /// A short plain paragraph for the report: what the experiment does and what to look for.
    public var paragraph: String
    /// The configurations to run at a scale.
    public var configurations: @Sendable (ExperimentScale) -> [RunConfiguration]
    public var claims: [Claim]
    /// Whether the experiment also records a GIL timeline (a short extra run, not in the CSV).
    public var recordsTimeline: Bool
    /// Whether its runs count system calls (with the perf counter; skipped with a reason without it).
    public var countsSystemCalls: Bool

    public init(
        id: String, slides: [Int], title: String, paragraph: String,
        recordsTimeline: Bool = false, countsSystemCalls: Bool = false,
        configurations: @escaping @Sendable (ExperimentScale) -> [RunConfiguration] = { _ in [] }, claims: [Claim]
    ) {
        self.id = id
        self.slides = slides
        self.title = title
        self.paragraph = paragraph
        self.recordsTimeline = recordsTimeline
        self.countsSystemCalls = countsSystemCalls
        self.configurations = configurations
        self.claims = claims
    }

    /// The verdict on each claim from this experiment's rows (all rows of a run may be given; only
    /// those of this experiment are read). Claims about parallel gain also get their ratio over
    /// `ceiling` (the machine's, ``Catalogue/ceiling(_:)``) when there is one.
    public func findings(_ rows: [ResultRow], ran: Bool = true, ceiling: PairedRatio? = nil) -> [Finding] {
        let summary = Summary(rows: rows.filter { $0.key.experiment == id })
        return claims.map { claim in
            guard ran else {
                return Finding(experiment: self, claim: claim, observation: nil, verdict: .notMeasured(reason: "not selected with --only"))
            }
            let observation = summary.groups.isEmpty ? nil : claim.observe(summary)
            var missing = summary.groups.isEmpty ? "no rows: the run stopped before it" : "a figure it needs is missing from the rows"
            if !summary.groups.isEmpty, let problem = Catalogue.allCPUsProblem { missing += "; " + problem }
            var claim = claim
            if claim.criterion.needsCeiling {
                guard let ceiling else {
                    return Finding(experiment: self, claim: claim, observation: observation, verdict: .notMeasured(
                        reason: "its threshold comes from the machine's ceiling, and experiment `machine` has no rows in this run"))
                }
                claim.criterion = claim.criterion.resolved(ceiling: ceiling.value)
            }
            var finding = Finding(experiment: self, claim: claim, observation: observation, verdict: .decide(claim.criterion, observation, missing: missing))
            if claim.isParallelGain, let ceiling, let ratios = observation?.pairedRatios, !ratios.isEmpty {
                finding.overCeiling = Statistics.bootstrapRatioOfMedians(ratios, over: ceiling.ratios)
            }
            return finding
        }
    }
}

/// A claim's verdict in one run.
public struct Finding: Sendable {
    public var experiment: Experiment
    public var claim: Claim
    public var observation: Observation?
    public var verdict: Verdict
    /// For a claim about parallel gain: its ratio over the machine's ceiling, with the bootstrap 95%
    /// interval of that quotient (the two were not measured in pairs); 1 means as good as this
    /// machine allows. Nil for other claims, or without a ceiling.
    public var overCeiling: Estimate? = nil
}
