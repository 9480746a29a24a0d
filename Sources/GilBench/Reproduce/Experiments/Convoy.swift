import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Beyond the slides: the convoy effect and the priority fix.

extension Catalogue {
    static var convoy: Experiment {
        Experiment(
            id: "convoy", slides: [], title: "The convoy effect and its priority fix",
            paragraph: """
                One thread answers requests over a pipe, alone or beside a CPU-bound thread. Under Python \
                3.2's GIL the I/O thread must wait a whole switch interval for the GIL after every request \
                (Beazley 2010, bpo-7946); giving I/O-bound threads priority brings the response time back.
                """,
            configurations: { scale in
                [GILDesign.interval, .priority].flatMap { design in
                    [0, 1].map { cpu in
                        scale.configuration("convoy") {
                            $0.workload = .ioLatency; $0.mode = .threads; $0.gil = design; $0.cpuThreads = cpu
                            $0.calls = scale.isFull ? 500 : 100
                            $0.applyWorkloadShape()
                        }
                    }
                }
            },
            claims: [
                Claim(reference: nil, claim: "a CPU-bound thread slows the I/O thread's answers under the interval GIL",
                      criterion: Criterion("p50 response with/without a CPU-bound thread (interval)", .atLeast(10)),
                      observe: { s in
                          latencyObservation(s, alone: .interval, busy: .interval)
                      }),
                Claim(reference: nil, claim: "priorities bring the response time back",
                      criterion: Criterion("p50 response priority with a CPU-bound thread/interval alone", .atMost(3)),
                      observe: { s in
                          latencyObservation(s, alone: .interval, busy: .priority)
                      }),
            ])
    }

    /// The I/O thread's p50 response under `busy` beside a CPU-bound thread over that under `alone`
    /// without one: "p50 52 µs alone (interval), 5,100 µs beside a CPU-bound thread (priority)".
    static func latencyObservation(_ s: Summary, alone: GILDesign, busy: GILDesign) -> Observation {
        let isAlone = { (key: ConfigurationKey) in key.gil == alone && key.cpuThreads == 0 }
        let isBusy = { (key: ConfigurationKey) in key.gil == busy && key.cpuThreads == 1 }
        let a = s.group(isAlone)?.median(.latencyP50Us), b = s.group(isBusy)?.median(.latencyP50Us)
        return Observation(
            figure: "p50 \(a.map { grouped($0) } ?? "—") µs alone (\(alone.rawValue)), \(b.map { grouped($0) } ?? "—") µs beside a CPU-bound thread (\(busy.rawValue))",
            paired: s.pairedRatio(.latencyP50Us, isBusy, over: isAlone))
    }
}
