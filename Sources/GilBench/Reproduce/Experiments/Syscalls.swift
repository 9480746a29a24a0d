import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slides 96-97: the GIL's signalling as system calls counted by the kernel.

extension Catalogue {
    /// Medians of all calls and of futex calls for the group matching `wanted`.
    static func calls(_ s: Summary, _ wanted: (ConfigurationKey) -> Bool) -> (total: Double, futex: Double)? {
        guard let g = s.group(wanted), let total = g.median(.syscallsTotal), let futex = g.median(.syscallsFutex) else { return nil }
        return (total, futex)
    }

    static func callsFigure(_ c: (total: Double, futex: Double)?) -> String {
        guard let c else { return "—" }
        return "\(grouped(c.total)) calls, \(grouped(c.futex)) of them futex"
    }

    /// The futex calls of the group matching `wanted` over those of the group matching `base` (at
    /// least 1, as `base` may make none), repetition by repetition, with the first group's figure.
    static func futexRatio(
        _ s: Summary, _ wanted: (ConfigurationKey) -> Bool, over base: (ConfigurationKey) -> Bool
    ) -> Observation {
        Observation(figure: callsFigure(calls(s, wanted)), paired: s.pairedRatio(.syscallsFutex, wanted, over: base, minimumDenominator: 1))
    }

    /// A slide's two claims on two threads on `cpus` CPUs (the runs matching `wanted`): the calls other
    /// than futex ("unix") barely change, and the futex ("mach") calls `explode` over the sequential
    /// run's by at least `atLeast`.
    static func threadCallClaims(
        slide: Int, cpus: Int, _ wanted: @escaping @Sendable (ConfigurationKey) -> Bool, explode: String, ratio2009: String,
        atLeast: Double
    ) -> [Claim] {
        let on = cpus == 1 ? "1 CPU" : "\(cpus) CPUs"
        return [
            Claim(reference: .init(slide, "threads-\(cpus)cpu-unix"), claim: "threads on \(on): other calls barely change",
                  criterion: Criterion("non-futex calls, threads on \(on)", .atMost(1000)),
                  observe: { s in let c = calls(s, wanted); return Observation(figure: callsFigure(c), ratio: c.map { $0.total - $0.futex }) }),
            Claim(reference: .init(slide, "threads-\(cpus)cpu-mach"), claim: "threads on \(on): futex calls \(explode)", ratio2009: ratio2009,
                  criterion: Criterion("futex calls threads on \(on)/sequential", .atLeast(atLeast)),
                  observe: { s in futexRatio(s, wanted, over: sequential) }),
        ]
    }

    static var syscalls: Experiment {
        Experiment(
            id: "syscalls", slides: [96, 97], title: "System calls: the GIL's signalling, counted by the kernel",
            paragraph: """
                The kernel counts every system call of the countdown (perf tracepoints, measured region \
                only), sequential and in two threads on one and on two CPUs. OS X's "mach" calls (the \
                semaphore signalling of 2009) correspond to Linux's futex calls; its "unix" calls to all the \
                others. Ratios over the sequential count divide by at least 1, as a sequential run may make \
                no futex call at all. On Linux a semaphore post enters the kernel only when a waiter sleeps, \
                so on one CPU, where the waiter rarely runs, the calls stay far fewer than OS X's millions.
                """,
            countsSystemCalls: true,
            configurations: { scale in
                [
                    scale.configuration("syscalls") { $0.mode = .sequential },
                    scale.configuration("syscalls") { $0.mode = .threads; $0.cpus = .count(1) },
                    scale.configuration("syscalls") { $0.mode = .threads },
                ]
            },
            claims: [
                Claim(reference: .init(96, "sequential-unix"), claim: "sequential: a handful of system calls", criterion: Criterion("system calls, sequential", .atMost(1000)),
                      observe: { s in let c = calls(s, sequential); return Observation(figure: callsFigure(c), ratio: c?.total) }),
                Claim(reference: .init(96, "sequential-mach"), claim: "sequential: almost no futex (mach) calls", criterion: Criterion("futex calls, sequential", .atMost(100)),
                      observe: { s in let c = calls(s, sequential); return Observation(figure: callsFigure(c), ratio: c?.futex) }),
            ]
                + threadCallClaims(slide: 96, cpus: 1, oneCPU, explode: "explode", ratio2009: "28,000", atLeast: 1000)
                + threadCallClaims(slide: 97, cpus: 2, threadsAll, explode: "explode further", ratio2009: "81,000", atLeast: 10000)
                + [
                    Claim(reference: nil, claim: "two CPUs signal far more than one", ratio2009: "2.9",
                          criterion: Criterion("futex calls 2 CPUs/1 CPU", .atLeast(10)),
                          observe: { s in futexRatio(s, threadsAll, over: oneCPU) }),
                ])
    }
}
