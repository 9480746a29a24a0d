import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slide 98: failed acquisitions of the condition-variable lock.

extension Catalogue {
    static var failedAcquisitions: Experiment {
        Experiment(
            id: "failed-acquisitions", slides: [98], title: "Failed acquisitions",
            paragraph: """
                With the condition-variable lock gilbench can see each wake-up: when the running thread \
                releases the GIL at a check, the waiter is signalled, but the releasing thread takes the GIL \
                back before the waiter runs, so the waiter wakes, finds it taken, and sleeps again. The \
                histogram counts, for every acquisition that had to wait, how many failed wake-ups came \
                before it succeeded; the timeline shows a short stretch of one run.
                """,
            recordsTimeline: true,
            configurations: { scale in
                [scale.configuration("failed-acquisitions") { $0.mode = .threads; $0.lock = .condvar }]
            },
            // The slide's figure is one acquisition's: a waiter that failed 100s of times before its
            // wake-up found the GIL free. The claim is judged on the worst contended acquisition of
            // the run, against 100. Until 2026-12-07 it was judged on the mean over all contended
            // acquisitions (>= 10), which no slide states and which sat on its threshold here: the
            // same 41,000-86,000 failed wake-ups per repetition were spread over 1,000 to 19,000
            // contended acquisitions (many of them short waits), so the mean ran from 3.5 to 40
            // between repetitions and from 5 to 11 between default runs (issue 22, point 5). The
            // histogram's buckets are powers of two, so the worst is known to a bucket: its bounds
            // are the interval, and a worst bucket that holds 100 (64-127) is inconclusive.
            claims: [
                Claim(reference: .init(98, "failed-acquisitions"), claim: "the waiting thread fails many times before it gets the GIL",
                      criterion: Criterion("failed wake-ups before the worst contended acquisition", .atLeast(100)),
                      observe: { s in failedAcquisitionsObservation(s) }),
            ])
    }

    /// Slide 98's observation: the worst contended acquisition's failed wake-ups, as the bounds of
    /// its histogram bucket (the estimate is the bucket's lower bound), over the group's repetitions
    /// pooled; the figure gives the totals and the mean beside it.
    static func failedAcquisitionsObservation(_ s: Summary) -> Observation? {
        guard let g = s.group({ $0.mode == .threads && $0.lock == .condvar }) else { return nil }
        var merged = FailedWakeupHistogram()
        for row in g.rows { if let h = row.failedWakeups { merged.merge(h) } }
        let failed = g.values(.gilFailedAcquisitions).reduce(0, +)
        guard merged.total > 0, let worst = merged.highestBucket else {
            return Observation(figure: "no contended acquisition", ratio: nil)
        }
        let bounds = FailedWakeupHistogram.bounds(worst)
        let mean = failed / Double(merged.total)
        return Observation(
            figure: "\(grouped(failed)) failed wake-ups for \(grouped(Double(merged.total))) contended acquisitions "
                + "(\(Criterion.number(mean)) each on average); worst: \(FailedWakeupHistogram.label(worst))",
            ratio: Double(bounds.low), interval: Interval(low: Double(bounds.low), high: Double(bounds.high)))
    }
}
