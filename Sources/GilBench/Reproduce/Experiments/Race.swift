import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slide 43: a race on a shared global, with and without a lock.

extension Catalogue {
    static var race: Experiment {
        Experiment(
            id: "race", slides: [43], title: "A race on a shared global",
            paragraph: """
                Two threads add and subtract 1 on a shared global through separate load and store \
                instructions. The GIL keeps the interpreter safe, not the program: a switch between the load \
                and the store loses an update, so the final value is rarely the expected 0. With a lock \
                around each update it always is.
                """,
            configurations: { scale in
                // At least 5 runs: the claim is about how many of them end non-zero.
                [Workload.race, .raceLocked].map { workload in
                    scale.configuration("race") {
                        $0.workload = workload; $0.mode = .threads; $0.n = Workload.race.defaultN
                        $0.repetitions = max(5, scale.repetitions); $0.applyWorkloadShape()
                    }
                }
            },
            claims: [
                Claim(reference: .init(43, "race"), claim: "x += 1 and x -= 1 in two threads, no lock: x ends non-zero",
                      criterion: Criterion("runs with x != 0 / runs", .atLeast(0.8)),
                      observe: { s in raceObservation(s, workload: .race, counting: { $0 != 0 }) }),
                Claim(reference: nil, claim: "the same with a lock around each update: x is always 0",
                      criterion: Criterion("runs with x == 0 / runs (with the lock)", .atLeast(1.0)),
                      observe: { s in raceObservation(s, workload: .raceLocked, counting: { $0 == 0 }) }),
            ])
    }

    /// The final x of every run, and the share of runs for which `counting` holds.
    static func raceObservation(_ s: Summary, workload: Workload, counting: (Double) -> Bool) -> Observation? {
        guard let g = s.group({ $0.workload == workload }) else { return nil }
        let xs = g.values(.raceFinalX)
        guard !xs.isEmpty else { return nil }
        let updates = grouped(Double(g.key.n ?? 0))
        return Observation(
            figure: "final x: " + xs.map { grouped($0) }.joined(separator: ", ") + " (\(updates) updates per thread)",
            ratio: Double(xs.filter(counting).count) / Double(xs.count))
    }
}
