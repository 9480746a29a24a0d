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
                Claim(reference: .init(96, "threads-1cpu-unix"), claim: "threads on 1 CPU: other calls barely change", criterion: Criterion("non-futex calls, threads on 1 CPU", .atMost(1000)),
                      observe: { s in let c = calls(s, oneCPU); return Observation(figure: callsFigure(c), ratio: c.map { $0.total - $0.futex }) }),
                Claim(reference: .init(96, "threads-1cpu-mach"), claim: "threads on 1 CPU: futex calls explode", ratio2009: "28,000",
                      criterion: Criterion("futex calls threads on 1 CPU/sequential", .atLeast(1000)),
                      observe: { s in
                          let c = calls(s, oneCPU), q = calls(s, sequential)
                          return Observation(figure: callsFigure(c), ratio: c.flatMap { c in q.map { c.futex / max($0.futex, 1) } })
                      }),
                Claim(reference: .init(97, "threads-2cpu-unix"), claim: "threads on 2 CPUs: other calls barely change", criterion: Criterion("non-futex calls, threads on 2 CPUs", .atMost(1000)),
                      observe: { s in let c = calls(s, threadsAll); return Observation(figure: callsFigure(c), ratio: c.map { $0.total - $0.futex }) }),
                Claim(reference: .init(97, "threads-2cpu-mach"), claim: "threads on 2 CPUs: futex calls explode further", ratio2009: "81,000",
                      criterion: Criterion("futex calls threads on 2 CPUs/sequential", .atLeast(10000)),
                      observe: { s in
                          let c = calls(s, threadsAll), q = calls(s, sequential)
                          return Observation(figure: callsFigure(c), ratio: c.flatMap { c in q.map { c.futex / max($0.futex, 1) } })
                      }),
                Claim(reference: nil, claim: "two CPUs signal far more than one", ratio2009: "2.9",
                      criterion: Criterion("futex calls 2 CPUs/1 CPU", .atLeast(10)),
                      observe: { s in
                          let two = calls(s, threadsAll), one = calls(s, oneCPU)
                          return Observation(figure: callsFigure(two), ratio: two.flatMap { t in one.map { t.futex / max($0.futex, 1) } })
                      }),
            ])
    }
}
