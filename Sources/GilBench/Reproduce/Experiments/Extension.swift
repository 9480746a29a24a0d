import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slide 104: releasing the GIL in an extension.

extension Catalogue {
    /// The native call lengths the extension experiment sweeps (gb_churn iterations).
    static func churnNs(_ scale: ExperimentScale) -> [Int] {
        scale.isFull ? [0, 1_000, 10_000, 30_000, 100_000, 300_000] : [0, 1_000, 10_000, 100_000]
    }

    static var extensionSpeedup: Experiment {
        Experiment(
            id: "extension", slides: [104], title: "Releasing the GIL in an extension",
            paragraph: """
                Each thread calls a native function that spins n times with the GIL released. For small n \
                the threads spend their time handing the GIL over and two threads are slower than one; \
                once the native work is long enough, both cores work and the speed-up approaches 2. On a \
                virtual machine a wake-up across CPUs costs tens of microseconds, so the crossing comes at a \
                far larger n than the slide's few thousand.
                """,
            configurations: { scale in
                churnNs(scale).flatMap { churn in
                    [ExecutionMode.sequential, .threads].map { mode in
                        scale.configuration("extension") {
                            $0.workload = .extension; $0.mode = mode; $0.churnN = churn
                            // The slide's 1,000,000 calls per thread at --full; fewer by default.
                            $0.calls = scale.isFull ? 1_000_000 : 5_000
                        }
                    }
                }
            },
            claims: [
                Claim(reference: .init(104, "speedup"), claim: "no gain for short native calls",
                      criterion: Criterion("speed-up at n = 0", .atMost(1.0)),
                      observe: { s in
                          guard let zero = PlotSet.speedups(s).first(where: { $0.n == 0 }) else { return nil }
                          return Observation(figure: String(format: "speed-up %.2f at n = 0", zero.speedup), ratio: zero.speedup)
                      }),
                Claim(reference: nil, claim: "near 2× once the native call is long enough", ratio2009: "2.0",
                      criterion: Criterion("best speed-up over n", .atLeast(1.6)),
                      observe: { s in
                          let points = PlotSet.speedups(s)
                          guard let best = points.max(by: { $0.speedup < $1.speedup }) else { return nil }
                          let crossing = points.filter { $0.speedup >= 1.6 }.map(\.n).min()
                          return Observation(
                              figure: String(format: "best %.2f at n = %@", best.speedup, grouped(best.n))
                                  + (crossing.map { "; 1.6 first reached at n = \(grouped($0))" } ?? "; 1.6 not reached"),
                              ratio: best.speedup)
                      }),
            ])
    }
}
