import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Beyond the slides: no GIL at all.

extension Catalogue {
    static var noGIL: Experiment {
        designExperiment(
            .none, id: "no-gil", title: "No GIL at all",
            paragraph: """
                Free-threaded Python (PEP 703) has no GIL: the two countdowns run at once on two CPUs and \
                the threaded run should take about half the sequential time.
                """,
            claim: "without a GIL two threads take about half the time", .atMost(0.75), isParallelGain: true)
    }
}
