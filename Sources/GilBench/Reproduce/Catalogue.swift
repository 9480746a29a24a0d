import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The experiments `gilbench reproduce` runs, in the order of the talk, then those beyond it.
///
/// Each experiment names the rows of ``SlideReference`` it answers; every row is answered by some
/// claim or listed in ``Catalogue/notJudged`` with the reason (the tests check this). Experiments
/// whose capability is not in this build say so and run nothing: they are never faked.
public enum Catalogue {
    /// Every experiment, available or not.
    public static var experiments: [Experiment] {
        [race, countdown, checkInterval, longTick, syscalls, failedAcquisitions, extensionSpeedup, processes, hashing,
         intervalGIL, convoy, fairGIL, noGIL]
    }

    /// Reference rows that are settings rather than measurements, with why no verdict is drawn on them.
    public static let notJudged: [Int: String] = [:]

    /// The experiments that reproduce any of `slides` (all when empty); unknown slide numbers are refused.
    /// - Throws: ``GilBenchError`` `.usage` naming a slide or experiment no experiment covers.
    public static func select(_ selectors: [String]) throws(GilBenchError) -> [Experiment] {
        guard !selectors.isEmpty else { return experiments }
        var chosen: [String] = []
        for selector in selectors {
            let matches: [Experiment]
            if let slide = Int(selector) {
                matches = experiments.filter { $0.slides.contains(slide) }
            } else {
                matches = experiments.filter { $0.id == selector }
            }
            guard !matches.isEmpty else {
                let slides = Set(experiments.flatMap(\.slides)).sorted().map(String.init).joined(separator: ", ")
                throw GilBenchError(.usage, "--only \(selector): no experiment reproduces it; slides: \(slides); or an experiment: \(experiments.map(\.id).joined(separator: ", "))")
            }
            chosen += matches.map(\.id)
        }
        return experiments.filter { chosen.contains($0.id) }
    }

    // MARK: Helpers shared by the claims

    /// The sequential run.
    static func sequential(_ key: ConfigurationKey) -> Bool { key.mode == .sequential }
    /// Threads allowed every CPU.
    static func threadsAll(_ key: ConfigurationKey) -> Bool { key.mode == .threads && key.cpuList == allCPUs }
    /// Threads pinned to one CPU.
    static func oneCPU(_ key: ConfigurationKey) -> Bool { key.mode == .threads && key.cpus == 1 }

    /// The CPUs of a run allowed every CPU (its `cpu_list`).
    static var allCPUs: [Int] { (try? CPUAffinity.current()) ?? [] }

    /// "0.62 s for 2 × count(4,000,000), 77 ns/iteration".
    static func countdownFigure(_ g: Summary.Group?) -> String {
        guard let g, let w = g.median(.wallSeconds) else { return "—" }
        let n = Double(g.key.n ?? 0), tasks = Double(g.key.tasks ?? 0)
        var s = Summary.Group.seconds(w) + " for \(Int(tasks)) × count(\(grouped(n)))"
        if n * tasks > 0 { s += ", \(grouped(w * 1e9 / (n * tasks))) ns/iteration" }
        return s
    }

    // MARK: The experiments

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
                Claim(row: 0, claim: "x += 1 and x -= 1 in two threads, no lock: x ends non-zero",
                      criterion: Criterion("runs with x != 0 / runs", .atLeast(0.8)),
                      observe: { s in raceObservation(s, workload: .race, counting: { $0 != 0 }) }),
                Claim(row: nil, claim: "the same with a lock around each update: x is always 0",
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
                Claim(row: 1, claim: "sequential count(n) twice: the baseline the ratios divide by",
                      criterion: Criterion("slowest/fastest repetition", .atMost(1.25)),
                      observe: { s in
                          let g = s.group(sequential)
                          return Observation(figure: countdownFigure(g), ratio: g?.spread)
                      }),
                Claim(row: 2, claim: "two threads on two CPUs are slower than sequential", ratio2009: "1.85",
                      criterion: Criterion("threaded/sequential", .atLeast(1.3)),
                      observe: { s in
                          Observation(figure: countdownFigure(s.group(threadsAll)), ratio: s.ratio(.wallSeconds, threadsAll, over: sequential))
                      }),
                Claim(row: 3, claim: "two threads on one CPU: no such penalty on Linux (OS X showed 1.54)", ratio2009: "1.54",
                      criterion: Criterion("threaded on 1 CPU/sequential", .between(0.85, 1.3)),
                      observe: { s in
                          Observation(figure: countdownFigure(s.group(oneCPU)), ratio: s.ratio(.wallSeconds, oneCPU, over: sequential))
                      }),
            ])
    }

    static let checkIntervals = [10, 100, 1000, 10000]

    static var checkInterval: Experiment {
        Experiment(
            id: "check-interval", slides: [86], title: "The check interval",
            paragraph: """
                Python 2 releases and re-takes the GIL every 100 ticks (`sys.setcheckinterval`). The same \
                two-thread countdown runs with a check every 10, 100, 1,000 and 10,000 ticks: the more often \
                the GIL is offered, the more time goes into signalling instead of counting.
                """,
            configurations: { scale in
                checkIntervals.map { ci in scale.configuration("check-interval") { $0.mode = .threads; $0.checkInterval = ci } }
            },
            claims: [
                Claim(row: 4, claim: "a check every 10 ticks costs more than one every 10,000",
                      criterion: Criterion("wall at 10 ticks/wall at 10,000 ticks", .atLeast(1.1)),
                      observe: { s in
                          func every(_ ticks: Int) -> (ConfigurationKey) -> Bool { { $0.checkInterval == ticks } }
                          let at10 = s.group(every(10)), at100 = s.group(every(100)), at10000 = s.group(every(10_000))
                          return Observation(
                              figure: "\(at10?.seconds() ?? "—") at 10 ticks, \(at100?.seconds() ?? "—") at 100, \(at10000?.seconds() ?? "—") at 10,000",
                              ratio: s.ratio(.wallSeconds, every(10), over: every(10_000)))
                      }),
            ])
    }

    static var longTick: Experiment {
        Experiment(
            id: "long-tick", slides: [90], title: "One long tick blocks everyone",
            paragraph: """
                A tick is one instruction, however long it runs: `-1 in range(n)` is a single \
                uninterruptible instruction. A thread waiting for the GIL waits for all of it, whatever the \
                check interval: the runs below use a check every 100 ticks and every 10.
                """,
            configurations: { scale in
                [100, 10].map { ci in
                    scale.configuration("long-tick") {
                        $0.workload = .longTick; $0.mode = .threads; $0.n = Workload.longTick.defaultN
                        $0.checkInterval = ci; $0.applyWorkloadShape()
                    }
                }
            },
            claims: [
                Claim(row: 5, claim: "a waiting thread's delay equals the long instruction's length",
                      criterion: Criterion("waiter's delay/instruction's length (worst check interval)", .atLeast(0.8)),
                      observe: { s in
                          var ratios: [Double] = []
                          var parts: [String] = []
                          for g in s.groups {
                              guard let delay = g.median(.latencyMaxUs), let tick = g.median(.longTickUs), tick > 0 else { continue }
                              ratios.append(delay / tick)
                              parts.append(String(format: "one tick %.1f ms, waiter delayed %.1f ms (check interval %@)", tick / 1000, delay / 1000, g.key.checkInterval.map(String.init) ?? "?"))
                          }
                          guard !ratios.isEmpty else { return nil }
                          return Observation(figure: parts.joined(separator: "; "), ratio: ratios.min())
                      }),
            ])
    }

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
                Claim(row: 6, claim: "sequential: a handful of system calls", criterion: Criterion("system calls, sequential", .atMost(1000)),
                      observe: { s in let c = calls(s, sequential); return Observation(figure: callsFigure(c), ratio: c?.total) }),
                Claim(row: 7, claim: "sequential: almost no futex (mach) calls", criterion: Criterion("futex calls, sequential", .atMost(100)),
                      observe: { s in let c = calls(s, sequential); return Observation(figure: callsFigure(c), ratio: c?.futex) }),
                Claim(row: 8, claim: "threads on 1 CPU: other calls barely change", criterion: Criterion("non-futex calls, threads on 1 CPU", .atMost(1000)),
                      observe: { s in let c = calls(s, oneCPU); return Observation(figure: callsFigure(c), ratio: c.map { $0.total - $0.futex }) }),
                Claim(row: 9, claim: "threads on 1 CPU: futex calls explode", ratio2009: "28,000",
                      criterion: Criterion("futex calls threads on 1 CPU/sequential", .atLeast(1000)),
                      observe: { s in
                          let c = calls(s, oneCPU), q = calls(s, sequential)
                          return Observation(figure: callsFigure(c), ratio: c.flatMap { c in q.map { c.futex / max($0.futex, 1) } })
                      }),
                Claim(row: 10, claim: "threads on 2 CPUs: other calls barely change", criterion: Criterion("non-futex calls, threads on 2 CPUs", .atMost(1000)),
                      observe: { s in let c = calls(s, threadsAll); return Observation(figure: callsFigure(c), ratio: c.map { $0.total - $0.futex }) }),
                Claim(row: 11, claim: "threads on 2 CPUs: futex calls explode further", ratio2009: "81,000",
                      criterion: Criterion("futex calls threads on 2 CPUs/sequential", .atLeast(10000)),
                      observe: { s in
                          let c = calls(s, threadsAll), q = calls(s, sequential)
                          return Observation(figure: callsFigure(c), ratio: c.flatMap { c in q.map { c.futex / max($0.futex, 1) } })
                      }),
                Claim(row: nil, claim: "two CPUs signal far more than one", ratio2009: "2.9",
                      criterion: Criterion("futex calls 2 CPUs/1 CPU", .atLeast(10)),
                      observe: { s in
                          let two = calls(s, threadsAll), one = calls(s, oneCPU)
                          return Observation(figure: callsFigure(two), ratio: two.flatMap { t in one.map { t.futex / max($0.futex, 1) } })
                      }),
            ])
    }

    static var failedAcquisitions: Experiment {
        Experiment(
            id: "failed-acquisitions", slides: [98], title: "Failed acquisitions",
            paragraph: """
                With the condition-variable lock gilbench can see each wake-up: when the running thread \
                releases the GIL at a check, the waiter is signalled, but the releasing thread takes the GIL \
                back before the waiter runs, so the waiter wakes, finds it taken, and sleeps again. The \
                histogram counts, for every acquisition that had to wait, how many failed wake-ups came \
                before it succeeded; the timeline shows a short stretch of one run.
                """,
            recordsTimeline: true,
            configurations: { scale in
                [scale.configuration("failed-acquisitions") { $0.mode = .threads; $0.lock = .condvar }]
            },
            claims: [
                Claim(row: 12, claim: "the waiting thread fails many times before it gets the GIL",
                      criterion: Criterion("failed wake-ups per contended acquisition (mean)", .atLeast(10)),
                      observe: { s in
                          guard let g = s.group({ $0.mode == .threads && $0.lock == .condvar }) else { return nil }
                          var merged = FailedWakeupHistogram()
                          for row in g.rows { if let h = row.failedWakeups { merged.merge(h) } }
                          let failed = g.values(.gilFailedAcquisitions).reduce(0, +)
                          guard merged.total > 0 else { return Observation(figure: "no contended acquisition", ratio: nil) }
                          let worst = merged.highestBucket.map(FailedWakeupHistogram.label) ?? "0"
                          return Observation(
                              figure: "\(grouped(failed)) failed wake-ups for \(grouped(Double(merged.total))) contended acquisitions; worst: \(worst)",
                              ratio: failed / Double(merged.total))
                      }),
            ])
    }

    /// The native call lengths the extension experiment sweeps (gb_churn iterations).
    static func churnNs(_ scale: ExperimentScale) -> [Int] {
        scale.isFull ? [0, 1_000, 10_000, 30_000, 100_000, 300_000] : [0, 1_000, 10_000, 100_000]
    }

    static var extensionSpeedup: Experiment {
        Experiment(
            id: "extension", slides: [104], title: "Releasing the GIL in an extension",
            paragraph: """
                Each thread calls a native function that spins n times with the GIL released. For small n \
                the threads spend their time handing the GIL over and two threads are slower than one; \
                once the native work is long enough, both cores work and the speed-up approaches 2. On a \
                virtual machine a wake-up across CPUs costs tens of microseconds, so the crossing comes at a \
                far larger n than the slide's few thousand.
                """,
            configurations: { scale in
                churnNs(scale).flatMap { churn in
                    [ExecutionMode.sequential, .threads].map { mode in
                        scale.configuration("extension") {
                            $0.workload = .extension; $0.mode = mode; $0.churnN = churn
                            // The slide's 1,000,000 calls per thread at --full; fewer by default.
                            $0.calls = scale.isFull ? 1_000_000 : 5_000
                        }
                    }
                }
            },
            claims: [
                Claim(row: 13, claim: "no gain for short native calls",
                      criterion: Criterion("speed-up at n = 0", .atMost(1.0)),
                      observe: { s in
                          guard let zero = PlotSet.speedups(s).first(where: { $0.n == 0 }) else { return nil }
                          return Observation(figure: String(format: "speed-up %.2f at n = 0", zero.speedup), ratio: zero.speedup)
                      }),
                Claim(row: nil, claim: "near 2× once the native call is long enough", ratio2009: "2.0",
                      criterion: Criterion("best speed-up over n", .atLeast(1.6)),
                      observe: { s in
                          let points = PlotSet.speedups(s)
                          guard let best = points.max(by: { $0.speedup < $1.speedup }) else { return nil }
                          let crossing = points.filter { $0.speedup >= 1.6 }.map(\.n).min()
                          return Observation(
                              figure: String(format: "best %.2f at n = %@", best.speedup, grouped(best.n))
                                  + (crossing.map { "; 1.6 first reached at n = \(grouped($0))" } ?? "; 1.6 not reached"),
                              ratio: best.speedup)
                      }),
            ])
    }

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
                Claim(row: 14, claim: "two processes take about half the sequential time", ratio2009: "0.51",
                      criterion: Criterion("processes/sequential", .atMost(0.6)),
                      observe: { s in
                          let p = { (key: ConfigurationKey) in key.mode == .processes }
                          return Observation(figure: countdownFigure(s.group(p)), ratio: s.ratio(.wallSeconds, p, over: sequential))
                      }),
            ])
    }

    /// "0.21 s for 3,001 files, 71 MB (340 MB/s)".
    static func hashingFigure(_ g: Summary.Group?) -> String {
        guard let g, let w = g.median(.wallSeconds) else { return "—" }
        let files = g.median(.files) ?? 0, bytes = g.median(.bytes) ?? 0
        return Summary.Group.seconds(w) + " for \(grouped(files)) files, \(grouped(bytes / 1e6)) MB (\(grouped(bytes / 1e6 / w)) MB/s)"
    }

    static var hashing: Experiment {
        Experiment(
            id: "hashing", slides: [148, 150], title: "Hashing files: sequential, threads and a process pool",
            paragraph: """
                SHA-512 of every file of a source-like tree (gilbench's own corpus, generated once), 8,192 \
                bytes at a time: sequentially, with a pool of two worker processes, and in two threads that \
                release the GIL while hashing each chunk (as CPython's hashlib does) or hold it (as pure \
                Python code would).
                """,
            configurations: { scale in
                [
                    scale.configuration("hashing") { $0.workload = .hashing; $0.mode = .sequential },
                    scale.configuration("hashing") { $0.workload = .hashing; $0.mode = .pool; $0.processes = 2 },
                    scale.configuration("hashing") { $0.workload = .hashing; $0.mode = .threads; $0.gilDuringHash = .release },
                    scale.configuration("hashing") { $0.workload = .hashing; $0.mode = .threads; $0.gilDuringHash = .hold },
                ]
            },
            claims: [
                Claim(row: 15, claim: "sequential hashing: the baseline",
                      criterion: Criterion("slowest/fastest repetition", .atMost(1.25)),
                      observe: { s in
                          let g = s.group(sequential)
                          return Observation(figure: hashingFigure(g), ratio: g?.spread)
                      }),
                Claim(row: 16, claim: "a pool of two takes about half the time", ratio2009: "0.56",
                      criterion: Criterion("pool/sequential", .atMost(0.6)),
                      observe: { s in
                          let p = { (key: ConfigurationKey) in key.mode == .pool }
                          return Observation(figure: hashingFigure(s.group(p)), ratio: s.ratio(.wallSeconds, p, over: sequential))
                      }),
                Claim(row: nil, claim: "two threads that release the GIL while hashing also gain",
                      criterion: Criterion("threads (GIL released)/sequential", .atMost(0.65)),
                      observe: { s in
                          let t = { (key: ConfigurationKey) in key.mode == .threads && key.gilDuringHash == .release }
                          return Observation(figure: hashingFigure(s.group(t)), ratio: s.ratio(.wallSeconds, t, over: sequential))
                      }),
                Claim(row: nil, claim: "two threads that hold the GIL while hashing gain nothing",
                      criterion: Criterion("threads (GIL held)/sequential", .atLeast(0.95)),
                      observe: { s in
                          let t = { (key: ConfigurationKey) in key.mode == .threads && key.gilDuringHash == .hold }
                          return Observation(figure: hashingFigure(s.group(t)), ratio: s.ratio(.wallSeconds, t, over: sequential))
                      }),
            ])
    }

    static var intervalGIL: Experiment {
        Experiment(
            id: "interval", slides: [], title: "Python 3.2's GIL on the same countdown",
            paragraph: """
                Python 3.2 replaced the tick count with a 5 ms switch interval: a waiting thread asks the \
                holder to drop the GIL and the holder waits until the waiter has it. On the countdown the \
                threads no longer fight over every check.
                """,
            configurations: { scale in
                [
                    scale.configuration("interval") { $0.gil = .interval; $0.mode = .sequential },
                    scale.configuration("interval") { $0.gil = .interval; $0.mode = .threads },
                ]
            },
            claims: [
                Claim(row: nil, claim: "the new GIL removes most of the threaded penalty",
                      criterion: Criterion("threaded/sequential", .atMost(1.15)),
                      observe: { s in
                          Observation(figure: countdownFigure(s.group(threadsAll)), ratio: s.ratio(.wallSeconds, threadsAll, over: sequential))
                      }),
            ])
    }

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
                Claim(row: nil, claim: "a CPU-bound thread slows the I/O thread's answers under the interval GIL",
                      criterion: Criterion("p50 response with/without a CPU-bound thread (interval)", .atLeast(10)),
                      observe: { s in
                          latencyObservation(s, alone: .interval, busy: .interval)
                      }),
                Claim(row: nil, claim: "priorities bring the response time back",
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
            ratio: s.ratio(.latencyP50Us, isBusy, over: isAlone))
    }

    static var fairGIL: Experiment {
        Experiment(
            id: "fair", slides: [], title: "A fair (FIFO hand-off) GIL",
            paragraph: """
                A GIL that hands itself to the longest waiter: the releasing thread cannot take it straight \
                back. Every check becomes a real switch between threads.
                """,
            configurations: { scale in
                [
                    scale.configuration("fair") { $0.gil = .fair; $0.mode = .sequential },
                    scale.configuration("fair") { $0.gil = .fair; $0.mode = .threads },
                ]
            },
            claims: [
                Claim(row: nil, claim: "a fair GIL on the countdown",
                      criterion: Criterion("threaded/sequential", .reportOnly),
                      observe: { s in
                          Observation(figure: countdownFigure(s.group(threadsAll)), ratio: s.ratio(.wallSeconds, threadsAll, over: sequential))
                      }),
            ])
    }

    static var noGIL: Experiment {
        Experiment(
            id: "no-gil", slides: [], title: "No GIL at all",
            paragraph: """
                Free-threaded Python (PEP 703) has no GIL: the two countdowns run at once on two CPUs and \
                the threaded run should take about half the sequential time.
                """,
            configurations: { scale in
                [
                    scale.configuration("no-gil") { $0.gil = .none; $0.mode = .sequential },
                    scale.configuration("no-gil") { $0.gil = .none; $0.mode = .threads },
                ]
            },
            claims: [
                Claim(row: nil, claim: "without a GIL two threads take about half the time",
                      criterion: Criterion("threaded/sequential", .atMost(0.75)),
                      observe: { s in
                          Observation(figure: countdownFigure(s.group(threadsAll)), ratio: s.ratio(.wallSeconds, threadsAll, over: sequential))
                      }),
            ])
    }
}
