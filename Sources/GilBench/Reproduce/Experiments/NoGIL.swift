import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Beyond the slides: no GIL at all.

extension Catalogue {
    static var noGIL: Experiment {
        Experiment(
            id: "no-gil", slides: [], title: "No GIL at all",
            paragraph: """
                Free-threaded Python (PEP 703) has no GIL: the two countdowns run at once on two CPUs and \
                the threaded run should take about half the sequential time.
                """,
            configurations: { scale in
                [
                    scale.configuration("no-gil") { $0.gil = .none; $0.mode = .sequential },
                    scale.configuration("no-gil") { $0.gil = .none; $0.mode = .threads },
                ]
            },
            claims: [
                Claim(reference: nil, claim: "without a GIL two threads take about half the time",
                      criterion: Criterion("threaded/sequential", .atMost(0.75)),
                      observe: { s in
                          Observation(figure: countdownFigure(s.group(threadsAll)), ratio: s.ratio(.wallSeconds, threadsAll, over: sequential))
                      }),
            ])
    }
}
