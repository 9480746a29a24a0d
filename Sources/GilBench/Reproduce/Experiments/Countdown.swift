import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slide 80: the countdown, sequential and in two threads on two CPUs and on one.

extension Catalogue {
    static var countdown: Experiment {
        Experiment(
            id: "countdown", slides: [80], title: "The countdown: threads are slower than no threads",
            paragraph: """
                `count(n)` (a loop of `n -= 1`) runs twice one after another, then in two threads at once, \
                then in two threads pinned to one CPU. The work is identical; only the GIL's signalling \
                differs. On two CPUs the threads fight over the GIL and the threaded run is slower than \
                the sequential one, which is the talk's central surprise.
                """,
            configurations: { scale in
                [
                    scale.configuration("countdown") { $0.mode = .sequential },
                    scale.configuration("countdown") { $0.mode = .threads },
                    scale.configuration("countdown") { $0.mode = .threads; $0.cpus = .count(1) },
                ]
            },
            claims: [
                baselineClaim(.init(80, "sequential"), "sequential count(n) twice: the baseline the ratios divide by", figure: countdownFigure),
                Claim(reference: .init(80, "threads"), claim: "two threads on two CPUs are slower than sequential", ratio2009: "1.85",
                      criterion: Criterion("threaded/sequential", .atLeast(1.3)),
                      observe: { s in wallRatio(s, threadsAll) }),
                Claim(reference: .init(80, "threads-1cpu"), claim: "two threads on one CPU: no such penalty on Linux (OS X showed 1.54)", ratio2009: "1.54",
                      criterion: Criterion("threaded on 1 CPU/sequential", .between(0.85, 1.3)),
                      observe: { s in wallRatio(s, oneCPU) }),
            ])
    }
}
