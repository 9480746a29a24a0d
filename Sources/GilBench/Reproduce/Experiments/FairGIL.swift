import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Beyond the slides: a fair (FIFO hand-off) GIL.

extension Catalogue {
    static var fairGIL: Experiment {
        designExperiment(
            .fair, id: "fair", title: "A fair (FIFO hand-off) GIL",
            paragraph: """
                A GIL that hands itself to the longest waiter: the releasing thread cannot take it straight \
                back. Every check becomes a real switch between threads.
                """,
            claim: "a fair GIL on the countdown", .reportOnly)
    }
}
