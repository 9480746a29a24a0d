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
                [
                    scale.configuration("processes") { $0.mode = .sequential },
                    scale.configuration("processes") { $0.mode = .processes; $0.processes = 2 },
                ]
            },
            claims: [
                Claim(reference: .init(133, "processes"), claim: "two processes take about half the sequential time", ratio2009: "0.51",
                      criterion: Criterion("processes/sequential", .atMost(0.6)), isParallelGain: true,
                      observe: { s in wallRatio(s, { $0.mode == .processes }) }),
            ])
    }
}
