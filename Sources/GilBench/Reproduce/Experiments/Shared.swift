import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// What several experiments' claims share: the typed queries that pick a configuration out of an
// experiment's rows, and the figures they print.

extension Catalogue {
    // MARK: Queries

    /// The sequential run.
    static func sequential(_ key: ConfigurationKey) -> Bool { key.mode == .sequential }
    /// Threads allowed every CPU.
    static func threadsAll(_ key: ConfigurationKey) -> Bool { key.mode == .threads && key.cpuList == allCPUs }
    /// Threads pinned to one CPU.
    static func oneCPU(_ key: ConfigurationKey) -> Bool { key.mode == .threads && key.cpus == 1 }

    /// The CPUs of a run allowed every CPU (its `cpu_list`); empty when they cannot be read, and
    /// then the claims that need a run on every CPU are not measured, for the reason ``allCPUsProblem`` gives.
    static var allCPUs: [Int] { (try? allowedCPUs.get()) ?? [] }

    /// The CPUs this process may use, or why they cannot be read.
    static var allowedCPUs: Result<[Int], GilBenchError> { Result { () throws(GilBenchError) in try CPUAffinity.current() } }

    /// Why no run is known to be allowed every CPU (a claim's reason for not being measured); nil
    /// when the CPUs this process may use can be read.
    static var allCPUsProblem: String? {
        guard case .failure(let error) = allowedCPUs else { return nil }
        return "which runs were allowed every CPU is unknown, as \(error)"
    }

    // MARK: Figures

    /// "0.62 s for 2 × count(4,000,000), 77 ns/iteration".
    static func countdownFigure(_ g: Summary.Group?) -> String {
        guard let g, let w = g.median(.wallSeconds) else { return "—" }
        let n = Double(g.key.n ?? 0), tasks = Double(g.key.tasks ?? 0)
        var s = Summary.Group.seconds(w) + " for \(Int(tasks)) × count(\(grouped(n)))"
        if n * tasks > 0 { s += ", \(grouped(w * 1e9 / (n * tasks))) ns/iteration" }
        return s
    }

    /// The figure of the group matching `wanted` (the countdown's by default), with its wall time
    /// over the sequential run's, repetition by repetition (``PairedRatio``), as the ratio.
    static func wallRatio(
        _ s: Summary, _ wanted: (ConfigurationKey) -> Bool, figure: (Summary.Group?) -> String = countdownFigure
    ) -> Observation {
        Observation(figure: figure(s.group(wanted)), paired: s.pairedRatio(.wallSeconds, wanted, over: sequential))
    }

    // MARK: Claims and experiments

    /// The claim that the sequential run is a baseline: its repetitions agree (slowest/fastest at most
    /// 1.25), so the ratios that divide by it mean something. `figure` prints the sequential group.
    static func baselineClaim(
        _ reference: SlideReference.Key, _ claim: String, figure: @escaping @Sendable (Summary.Group?) -> String
    ) -> Claim {
        Claim(reference: reference, claim: claim,
              criterion: Criterion("slowest/fastest repetition", .atMost(1.25)),
              observe: { s in
                  let g = s.group(sequential)
                  return Observation(figure: figure(g), ratio: g?.spread)
              })
    }

    /// An experiment beyond the slides: the countdown sequential and in two threads under `design`,
    /// with one claim on threaded/sequential decided by `rule` (about parallel gain when
    /// `isParallelGain`: shown over the machine's ceiling too). `countdownN` sizes each task (the
    /// scale's countdown by default).
    static func designExperiment(
        _ design: GILDesign, id: String, title: String, paragraph: String, claim: String, _ rule: Criterion.Rule,
        isParallelGain: Bool = false, countdownN: @escaping @Sendable (ExperimentScale) -> Int = \.countdownN
    ) -> Experiment {
        Experiment(
            id: id, slides: [], title: title, paragraph: paragraph,
            configurations: { scale in
                [ExecutionMode.sequential, .threads].map { mode in
                    scale.configuration(id) { $0.gil = design; $0.mode = mode; $0.n = countdownN(scale) }
                }
            },
            claims: [
                Claim(reference: nil, claim: claim, criterion: Criterion("threaded/sequential", rule), isParallelGain: isParallelGain,
                      observe: { s in wallRatio(s, threadsAll) }),
            ])
    }
}
