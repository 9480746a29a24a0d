import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slide 90: one long tick blocks everyone.

extension Catalogue {
    static var longTick: Experiment {
        Experiment(
            id: "long-tick", slides: [90], title: "One long tick blocks everyone",
            paragraph: """
                A tick is one instruction, however long it runs: `-1 in range(n)` is a single \
                uninterruptible instruction. A thread waiting for the GIL waits for all of it, whatever the \
                check interval: the runs below use a check every 100 ticks and every 10.
                """,
            configurations: { scale in
                [100, 10].map { ci in
                    scale.configuration("long-tick") {
                        $0.workload = .longTick; $0.mode = .threads; $0.n = Workload.longTick.defaultN
                        $0.checkInterval = ci; $0.applyWorkloadShape()
                    }
                }
            },
            claims: [
                Claim(reference: .init(90, "long-tick"), claim: "a waiting thread's delay equals the long instruction's length",
                      criterion: Criterion("waiter's delay/instruction's length (worst check interval)", .atLeast(0.8)),
                      observe: { s in
                          var ratios: [Double] = []
                          var parts: [String] = []
                          for g in s.groups {
                              guard let delay = g.median(.latencyMaxUs), let tick = g.median(.longTickUs), tick > 0 else { continue }
                              ratios.append(delay / tick)
                              parts.append(String(format: "one tick %.1f ms, waiter delayed %.1f ms (check interval %@)", tick / 1000, delay / 1000, g.key.checkInterval.map(String.init) ?? "?"))
                          }
                          guard !ratios.isEmpty else { return nil }
                          return Observation(figure: parts.joined(separator: "; "), ratio: ratios.min())
                      }),
            ])
    }
}
