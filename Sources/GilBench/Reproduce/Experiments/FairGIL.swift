import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Beyond the slides: a fair (FIFO hand-off) GIL.

extension Catalogue {
    static var fairGIL: Experiment {
        Experiment(
            id: "fair", slides: [], title: "A fair (FIFO hand-off) GIL",
            paragraph: """
                A GIL that hands itself to the longest waiter: the releasing thread cannot take it straight \
                back. Every check becomes a real switch between threads.
                """,
            configurations: { scale in
                [
                    scale.configuration("fair") { $0.gil = .fair; $0.mode = .sequential },
                    scale.configuration("fair") { $0.gil = .fair; $0.mode = .threads },
                ]
            },
            claims: [
                Claim(reference: nil, claim: "a fair GIL on the countdown",
                      criterion: Criterion("threaded/sequential", .reportOnly),
                      observe: { s in
                          Observation(figure: countdownFigure(s.group(threadsAll)), ratio: s.ratio(.wallSeconds, threadsAll, over: sequential))
                      }),
            ])
    }
}
