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
            claims: [
                Claim(reference: .init(98, "failed-acquisitions"), claim: "the waiting thread fails many times before it gets the GIL",
                      criterion: Criterion("failed wake-ups per contended acquisition (mean)", .atLeast(10)),
                      observe: { s in
                          guard let g = s.group({ $0.mode == .threads && $0.lock == .condvar }) else { return nil }
                          var merged = FailedWakeupHistogram()
                          for row in g.rows { if let h = row.failedWakeups { merged.merge(h) } }
                          let failed = g.values(.gilFailedAcquisitions).reduce(0, +)
                          guard merged.total > 0 else { return Observation(figure: "no contended acquisition", ratio: nil) }
                          let worst = merged.highestBucket.map(FailedWakeupHistogram.label) ?? "0"
                          return Observation(
                              figure: "\(grouped(failed)) failed wake-ups for \(grouped(Double(merged.total))) contended acquisitions; worst: \(worst)",
                              ratio: failed / Double(merged.total))
                      }),
            ])
    }
}
