import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Before the slides: what this machine allows at best, measured with native arithmetic.

extension Catalogue {
    /// "0.25 s for 2 × spin(100,000,000), 1.2 ns/step".
    static func spinFigure(_ g: Summary.Group?) -> String {
        guard let g, let w = g.median(.wallSeconds) else { return "—" }
        let n = Double(g.key.n ?? 0), tasks = Double(g.key.tasks ?? 0)
        var s = Summary.Group.seconds(w) + " for \(Int(tasks)) × spin(\(grouped(n)))"
        if n * tasks > 0 { s += String(format: ", %.2f ns/step", w * 1e9 / (n * tasks)) }
        return s
    }

    /// The machine's ceiling: two spin tasks in two processes over the same two one after another,
    /// pair by pair; nil when the `machine` experiment has no rows in `rows`.
    public static func ceiling(_ rows: [ResultRow]) -> PairedRatio? {
        Summary(rows: rows.filter { $0.key.experiment == machine.id && $0.key.workload == .spin })
            .pairedRatio(.wallSeconds, { $0.mode == .processes }, over: sequential)
    }

    static var machine: Experiment {
        Experiment(
            id: "machine", slides: [], title: "The machine's ceiling",
            paragraph: """
                Before the talk's experiments, two tasks of pure native arithmetic (`spin`: xorshift steps \
                in C, no interpreter loop, the GIL released) run one after another, in two threads and in \
                two processes. Nothing in them waits, locks or calls the system, so two at once against one \
                after another is the best any parallel run can do here: 0.5 on two idle cores, more where the \
                virtual CPUs share a physical core or the host is busy. This ratio of processes over \
                sequential is the *ceiling*; the claims about parallel gain show their ratio over it beside \
                their fixed threshold.
                """,
            configurations: { scale in
                [ExecutionMode.sequential, .threads, .processes].map { mode in
                    scale.configuration("machine") { $0.workload = .spin; $0.mode = mode; $0.n = scale.spinN; $0.processes = 2 }
                }
            },
            claims: [
                Claim(reference: nil, claim: "two processes of native arithmetic: the machine's ceiling",
                      criterion: Criterion("processes/sequential (spin)", .reportOnly),
                      observe: { s in wallRatio(s, { $0.mode == .processes }, figure: spinFigure) }),
                Claim(reference: nil, claim: "two threads of native arithmetic with the GIL released",
                      criterion: Criterion("threads/sequential (spin)", .reportOnly),
                      observe: { s in wallRatio(s, { $0.mode == .threads }, figure: spinFigure) }),
            ])
    }
}
