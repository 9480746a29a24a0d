import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Beyond the slides: Python 3.2's GIL on the countdown.

extension Catalogue {
    static var intervalGIL: Experiment {
        designExperiment(
            .interval, id: "interval", title: "Python 3.2's GIL on the same countdown",
            paragraph: """
                Python 3.2 replaced the tick count with a 5 ms switch interval: a waiting thread asks the \
                holder to drop the GIL and the holder waits until the waiter has it. On the countdown the \
                threads no longer fight over every check.
                """,
            claim: "the new GIL removes most of the threaded penalty", .atMost(1.15))
    }
}
