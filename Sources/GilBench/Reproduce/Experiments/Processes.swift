import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slide 133: processes instead of threads.

extension Catalogue {
    static var processes: Experiment {
        Experiment(
            id: "processes", slides: [133], title: "Processes instead of threads",
            paragraph: """
                The same two countdowns in two worker processes, each with its own interpreter and its own \
                GIL, started by re-executing gilbench and fed over pipes: both cores count at once.
                """,
            configurations: { scale in
                // The region includes starting the two workers (about 10 ms here: `gilbench run
                // --workload spin --mode processes --n 1`) and their first, cold interpreter run. At
                // the quick count(4,000,000), 0.07 s per task, that fixed cost alone lifts the ratio
                // by a fifth; so this experiment counts at least `gilbench run`'s default,
                // count(20,000,000), where it stays under a twentieth.
                let n = max(scale.countdownN, Workload.countdown.defaultN)
                return [
                    scale.configuration("processes") { $0.mode = .sequential; $0.n = n },
                    scale.configuration("processes") { $0.mode = .processes; $0.processes = 2; $0.n = n },
                ]
            },
            claims: [
                Claim(reference: .init(133, "processes"), claim: "two processes take about half the sequential time", ratio2009: "0.51",
                      criterion: Criterion("processes/sequential", .atMost(0.6)), isParallelGain: true,
                      observe: { s in wallRatio(s, { $0.mode == .processes }) }),
            ])
    }
}
