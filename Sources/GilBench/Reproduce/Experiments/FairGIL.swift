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
                back. Every check becomes a real switch between threads, so each task counts a tenth of \
                the countdown's n: the hand-offs, not the count, set the time.
                """,
            claim: "a fair GIL on the countdown", .reportOnly,
            // Each check hands the GIL across CPUs (tens of microseconds on a VM): at the countdown's
            // full n this one experiment took a third of `reproduce`'s minute, for a ratio that a tenth
            // of the iterations (still thousands of hand-offs) measures as well.
            countdownN: { $0.countdownN / 10 })
    }
}
