import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Beyond the slides: Python 3.2's GIL on the countdown.

extension Catalogue {
    static var intervalGIL: Experiment {
        Experiment(
            id: "interval", slides: [], title: "Python 3.2's GIL on the same countdown",
            paragraph: """
                Python 3.2 replaced the tick count with a 5 ms switch interval: a waiting thread asks the \
                holder to drop the GIL and the holder waits until the waiter has it. On the countdown the \
                threads no longer fight over every check.
                """,
            configurations: { scale in
                [
                    scale.configuration("interval") { $0.gil = .interval; $0.mode = .sequential },
                    scale.configuration("interval") { $0.gil = .interval; $0.mode = .threads },
                ]
            },
            claims: [
                Claim(reference: nil, claim: "the new GIL removes most of the threaded penalty",
                      criterion: Criterion("threaded/sequential", .atMost(1.15)),
                      observe: { s in
                          Observation(figure: countdownFigure(s.group(threadsAll)), ratio: s.ratio(.wallSeconds, threadsAll, over: sequential))
                      }),
            ])
    }
}
