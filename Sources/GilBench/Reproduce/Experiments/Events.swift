import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slides 153-156 (event handling: asyncore's dispatcher, every socket turned into events by
// select()/poll()), slide 163 (coroutines resumed by an event loop when their socket is ready), and
// the python-dev thread of 2005 the tutorial answers, about "large numbers of concurrent connections
// to a server". The slides give no figure for them: the claims are "beyond".

extension Catalogue {
    /// The server models the experiment compares, in the order its report and plots list them.
    static let serverModels: [ExecutionMode] = [.threads, .events, .coroutines, .processes]
    /// The connections each model serves, one configuration each.
    static let serverConnections = [1, 10, 100, 1_000]
    /// The connections at which the cost of a CPU-bound thread is judged: many, but not so many that
    /// a thread per connection beside a CPU-bound thread answers too few requests in the window to
    /// give a rate.
    static let serverConvoyConnections = 100
    /// Worker processes of the `processes` model: one per core of the 2-core machines gilbench is
    /// built on (the client process takes its share too).
    static let serverWorkers = 2

    /// The measured window of each run and the warm-up before it, at `scale`. At the quick scale the
    /// 32 configurations × 3 repetitions are 8 s of load; each run also starts its client, its
    /// connections and (threads model) its threads, which at 1,000 connections cost more than the
    /// load (DocC article "Event loops beside threads"); at the slides' scale each run measures
    /// `gilbench run`'s own default window.
    static func serverWindow(_ scale: ExperimentScale) -> (warmup: Double, duration: Double) {
        scale.isFull ? (RunConfiguration().serverWarmupSeconds, RunConfiguration().durationSeconds) : (0.03, 0.05)
    }

    static var events: Experiment {
        Experiment(
            id: "events", slides: [153, 154, 155, 156, 163], title: "Event loops beside threads",
            paragraph: """
                A request/reply server in the interpreter answers a client process over loopback TCP \
                connections (each request runs a small interpreted loop before its answer), at 1, 10, 100 \
                and 1,000 connections, in four models: a thread per connection blocking in `recv` with the \
                GIL released; one thread running an asyncore-style loop, `poll` over every socket and a \
                handler per ready one (slides 153-156); generators resumed by that loop (slide 163); and \
                pre-forked worker processes, each with its own GIL. Each alone, and beside one CPU-bound \
                thread. Closed loop: each connection sends its next request when its answer arrives.
                """,
            configurations: { scale in
                let window = serverWindow(scale)
                return [0, 1].flatMap { cpu in
                    serverConnections.flatMap { connections in
                        serverModels.map { model in
                            scale.configuration("events") {
                                $0.workload = .server; $0.mode = model; $0.connections = connections; $0.cpuThreads = cpu
                                $0.messageSize = Workload.server.defaultMessageSize
                                $0.serverWarmupSeconds = window.warmup; $0.durationSeconds = window.duration
                                if model == .processes { $0.processes = serverWorkers }
                                // Each run warms up inside itself (`serverWarmupSeconds` of load before its
                                // window), so the scale's unrecorded warm-up runs would only double the time.
                                $0.warmup = 0
                                $0.applyWorkloadShape()
                            }
                        }
                    }
                }
            },
            // The thresholds below were set on 2026-12-07, before any run of the server workload
            // existed to look at, from what the models must show if the talk is right:
            //
            // - Gain with connections, 1.5: at 1 connection a thread per connection and an event loop
            //   make the same recv and send per request, the loop one poll more. At 1,000 a poll
            //   serves many ready sockets, while a thread per connection adds to each request the
            //   wake-up of that connection's thread and a GIL hand-over to it (slides 96-97: a futex
            //   wait and wake and a context switch). Counting system calls per request with the
            //   client's (its send and recv, its epoll shared by many): events about 4 at 1,000 and 5
            //   at 1; threads 4 at 1 and 6 or more at 1,000. The ratio's change is then about
            //   (6/4)/(4/5) = 1.9; 1.5 asks for most of it.
            // - p99 at 1,000 connections, 1.5: in a closed loop a request's latency is the
            //   connections over the rate served (Little's law), so the tail follows the rate, and a
            //   GIL that lets the thread releasing it take it back (slide 98) only widens the tail of
            //   a thread per connection.
            // - The CPU-bound thread, 2: the GIL lets a server sharing it with a CPU-bound thread use
            //   at most one CPU between them; shared fairly, the server would keep half and serve
            //   half as many requests. Slide 98's failed wake-ups (100s before one succeeds) say the
            //   woken thread does worse than half: more than 2. Worker processes have a GIL each, and
            //   a CPU-bound thread beside them can take only a CPU: with the client's process, 3
            //   runnable threads on 2 CPUs keep at least 2/3 of the rate, at most 1.5.
            // - Memory, 4 KiB per connection: a thread per connection costs at least the page of
            //   stack its thread touches (glibc's thread stack, mapped 8 MiB and resident where
            //   touched), beyond the socket and the handler's objects that an event loop's
            //   connection costs too (socket buffers are the kernel's, not the process's).
            //
            // Posed again on 2026-12-07 (issue 22, point 5: a claim whose value sits on its threshold
            // is badly posed), after default runs had been looked at:
            //
            // - A thread per connection beside a CPU-bound thread (>= 2 at 100 connections) sat on its
            //   threshold: without/with 1.64, 2.14 and 1.52 at 100 connections in the three runs kept
            //   under results/stability/, 1.93, 4.19 and 2.41 at 1 (the machine's state moves the
            //   event loop's loss and the thread per connection's with it). At 1,000 it was 0.82, 0.8
            //   and 0.85: the CPU-bound thread is one of 1,001 threads waiting for the GIL, each
            //   server thread holding it for one request's handler, and it gets little of it, while
            //   the single event loop thread serves every connection and waits behind the CPU-bound
            //   thread for all of them. The claim now compares the two losses at 1,000 connections.
            // - Worker processes (<= 1.5, "no more than a CPU's share") was written for one CPU-bound
            //   thread in the listening process; both twins run one in each worker (`--cpu-threads`
            //   is per interpreter), so each worker's loop shares its GIL with a CPU-bound thread as
            //   the single event loop does. What differs is the CPUs: two loops, two CPU-bound threads
            //   and the client are five runnable threads on two CPUs, so a worker's waiter mostly
            //   shares a CPU with its GIL's holder, slide 80's one-CPU case (no convoy), where the
            //   single loop races its CPU-bound thread from the other CPU (slide 98). The claim
            //   compares the two losses at 100 connections.
            // - Both comparisons ask for at least 1.5: "less" by more than the spread one
            //   configuration's loss showed between default runs (up to about 1.5x).
            claims: [
                Claim(reference: nil, claim: "an event loop's advantage over a thread per connection grows with the connections",
                      criterion: Criterion("requests/s events/threads, 1,000 connections over 1", .atLeast(1.5)),
                      observe: { s in eventsGainObservation(s) }),
                Claim(reference: nil, claim: "at 1,000 connections a thread per connection answers later than an event loop, in the tail",
                      criterion: Criterion("p99 latency threads/events at 1,000 connections", .atLeast(1.5)),
                      observe: { s in
                          let threads = serverQuery(.threads, connections: 1_000, cpu: 0), events = serverQuery(.events, connections: 1_000, cpu: 0)
                          return Observation(
                              figure: "p99 \(latencyFigure(s.group(threads))) with a thread per connection, "
                                  + "\(latencyFigure(s.group(events))) with the event loop",
                              paired: s.pairedRatio(.latencyP99Us, threads, over: events))
                      }),
            ] + [ExecutionMode.events, .coroutines].map { model in
                Claim(
                    reference: nil, claim: "a CPU-bound thread beside the \(modelName(model)) takes more than a fair half of the GIL",
                    criterion: Criterion(
                        "requests/s without/with a CPU-bound thread, \(modelName(model)), \(serverConvoyConnections) connections",
                        .atLeast(2)),
                    observe: { s in convoyObservation(s, model) })
            } + [ExecutionMode.threads, .processes].map { model in
                Claim(
                    reference: nil,
                    claim: model == .threads
                        ? "a CPU-bound thread costs a thread per connection less than it costs the event loop"
                        : "a CPU-bound thread in each worker process costs the workers less than one costs the event loop",
                    criterion: Criterion(
                        "requests/s without/with a CPU-bound thread, event loop over \(modelName(model)), "
                            + "\(grouped(Double(lessThanEventLoopConnections(model)))) connections",
                        .atLeast(1.5)),
                    observe: { s in lessThanEventLoopObservation(s, model) })
            } + [
                Claim(reference: nil, claim: "a thread per connection costs more memory per connection than an event loop",
                      criterion: Criterion("KiB per connection, threads - events", .atLeast(4)),
                      observe: { s in memoryObservation(s) }),
                Claim(reference: nil, claim: "generators resumed by the loop (slide 163) against asyncore-style handlers",
                      criterion: Criterion("requests/s coroutines/events at 1,000 connections", .reportOnly),
                      observe: { s in
                          let coroutines = serverQuery(.coroutines, connections: 1_000, cpu: 0), events = serverQuery(.events, connections: 1_000, cpu: 0)
                          return Observation(
                              figure: "\(rateFigure(s.group(coroutines))) as generators, \(rateFigure(s.group(events))) with handlers",
                              paired: s.pairedRatio(.requestsPerSecond, coroutines, over: events))
                      }),
            ])
    }

    /// The connections at which a CPU-bound thread's cost to `model` is compared with its cost to
    /// the event loop: 1,000 for a thread per connection (where its CPU-bound thread is one of many
    /// threads waiting for the GIL), ``serverConvoyConnections`` for worker processes.
    static func lessThanEventLoopConnections(_ model: ExecutionMode) -> Int {
        model == .threads ? 1_000 : serverConvoyConnections
    }

    /// The model's name in a claim: "thread per connection", "event loop".
    static func modelName(_ model: ExecutionMode) -> String {
        switch model {
        case .threads: "thread per connection"
        case .events: "event loop"
        case .coroutines: "coroutines"
        case .processes: "worker processes"
        default: model.rawValue
        }
    }

    // MARK: Queries

    /// The server's configuration in `model` at `connections`, with `cpu` CPU-bound threads.
    static func serverQuery(_ model: ExecutionMode, connections: Int, cpu: Int) -> (ConfigurationKey) -> Bool {
        { $0.workload == .server && $0.mode == model && $0.connections == connections && ($0.cpuThreads ?? 0) == cpu }
    }

    /// A repetition's identity across configurations: its run and its round (as ``PairedRatio`` pairs them).
    struct ServerRound: Hashable {
        var runID: String?
        var repetition: Int

        /// Run by run, then round by round.
        static func precedes(_ a: ServerRound, _ b: ServerRound) -> Bool {
            (a.runID ?? "", a.repetition) < (b.runID ?? "", b.repetition)
        }
    }

    /// `column` of each of `group`'s rows by round; rows without a `repeat` are numbered by position.
    static func byRound(_ group: Summary.Group, _ column: Column) -> [ServerRound: Double] {
        var out: [ServerRound: Double] = [:]
        for (index, row) in group.rows.enumerated() {
            guard let value = row.measurements[column] else { continue }
            out[ServerRound(runID: row.runID, repetition: row.repetition ?? -(index + 1))] = value
        }
        return out
    }

    /// `combine` of `column` of `groups`, round by round, over the rounds every group measured (a nil
    /// or non-finite result leaves the round out), in the first group's order; empty when a group is
    /// missing.
    static func roundByRound(
        _ groups: [Summary.Group?], _ column: Column, _ combine: ([Double]) -> Double?
    ) -> [Double] {
        let present = groups.compactMap { $0 }
        guard present.count == groups.count else { return [] }
        let byRound = valuesByRound(present, column, combine)
        return byRound.keys.sorted(by: ServerRound.precedes).map { byRound[$0]! }
    }

    /// `combine` of `column` of `groups` by round, over the rounds every group measured (a nil or
    /// non-finite result leaves the round out); empty without groups.
    static func valuesByRound(
        _ groups: [Summary.Group], _ column: Column, _ combine: ([Double]) -> Double?
    ) -> [ServerRound: Double] {
        guard !groups.isEmpty else { return [:] }
        let maps = groups.map { byRound($0, column) }
        var out: [ServerRound: Double] = [:]
        for round in maps[0].keys {
            let values = maps.compactMap { $0[round] }
            guard values.count == maps.count, let v = combine(values), v.isFinite else { continue }
            out[round] = v
        }
        return out
    }

    /// An observation whose ratio is the median of `values`, one per round, with its bootstrap 95%
    /// interval; the configurations of `groups` are those measured again when it is inconclusive.
    static func roundObservation(figure: String, _ values: [Double], groups: [Summary.Group?]) -> Observation {
        guard let estimate = Statistics.bootstrapMedian(values) else { return Observation(figure: figure, ratio: nil) }
        var observation = Observation(figure: figure, ratio: estimate.value, interval: estimate.interval)
        observation.configurations = groups.compactMap { $0?.key }
        observation.pairedRatios = values
        return observation
    }

    // MARK: Observations

    /// Events over threads in requests per second at 1,000 connections, over the same at 1: how much
    /// the event loop's advantage grows, round by round.
    static func eventsGainObservation(_ s: Summary) -> Observation {
        let groups = [
            s.group(serverQuery(.events, connections: 1_000, cpu: 0)), s.group(serverQuery(.threads, connections: 1_000, cpu: 0)),
            s.group(serverQuery(.events, connections: 1, cpu: 0)), s.group(serverQuery(.threads, connections: 1, cpu: 0)),
        ]
        let values = roundByRound(groups, .requestsPerSecond, ratioOfRatios)
        func side(_ events: Summary.Group?, _ threads: Summary.Group?, _ connections: Int) -> String {
            "events/threads \(rateRatio(events, threads)) at \(grouped(Double(connections))) (\(rateFigure(events)) against \(rateFigure(threads)))"
        }
        return roundObservation(
            figure: side(groups[0], groups[1], 1_000) + ", " + side(groups[2], groups[3], 1), values, groups: groups)
    }

    /// Requests per second without a CPU-bound thread over with one, for `model` at
    /// ``serverConvoyConnections``, the figure giving the same ratio at every connection count.
    static func convoyObservation(_ s: Summary, _ model: ExecutionMode) -> Observation {
        let judged = serverConvoyConnections
        let alone = serverQuery(model, connections: judged, cpu: 0)
        let busy = serverQuery(model, connections: judged, cpu: 1)
        return Observation(
            figure: "\(rateFigure(s.group(alone))) alone, \(rateFigure(s.group(busy))) beside a CPU-bound thread "
                + "at \(judged) connections; without/with \(lossByConnections(s, model))",
            paired: s.pairedRatio(.requestsPerSecond, alone, over: busy))
    }

    /// The event loop's loss to a CPU-bound thread over `model`'s loss to one (in each worker, for
    /// processes), at ``lessThanEventLoopConnections(_:)``: (events without/with) / (model
    /// without/with), round by round.
    static func lessThanEventLoopObservation(_ s: Summary, _ model: ExecutionMode) -> Observation {
        let c = lessThanEventLoopConnections(model)
        let groups = [
            s.group(serverQuery(.events, connections: c, cpu: 0)), s.group(serverQuery(.events, connections: c, cpu: 1)),
            s.group(serverQuery(model, connections: c, cpu: 0)), s.group(serverQuery(model, connections: c, cpu: 1)),
        ]
        let values = roundByRound(groups, .requestsPerSecond, ratioOfRatios)
        let beside = model == .processes ? "beside one in each worker" : "beside one"
        return roundObservation(
            figure: "without/with a CPU-bound thread at \(grouped(Double(c))) connections: event loop \(rateRatio(groups[0], groups[1])), "
                + "\(modelName(model)) \(rateRatio(groups[2], groups[3])) (\(rateFigure(groups[2])) alone, \(rateFigure(groups[3])) "
                + "\(beside); \(modelName(model)) \(lossByConnections(s, model)))",
            values, groups: groups)
    }

    /// (a / b) / (c / d) of one round's four values; nil when a divisor is not positive.
    static func ratioOfRatios(_ v: [Double]) -> Double? {
        guard v[1] > 0, v[2] > 0, v[3] > 0 else { return nil }
        return (v[0] / v[1]) / (v[2] / v[3])
    }

    /// The ratio of two groups' median requests per second, "—" when either is missing or the
    /// divisor is not positive.
    static func rateRatio(_ numerator: Summary.Group?, _ denominator: Summary.Group?) -> String {
        guard let a = numerator?.median(.requestsPerSecond), let b = denominator?.median(.requestsPerSecond), b > 0 else { return "—" }
        return Criterion.number(a / b)
    }

    /// `model`'s requests per second without a CPU-bound thread over with one at every connection
    /// count: "4.7 at 1, 1.8 at 10, ...".
    static func lossByConnections(_ s: Summary, _ model: ExecutionMode) -> String {
        serverConnections.map { connections in
            "\(rateRatio(s.group(serverQuery(model, connections: connections, cpu: 0)), s.group(serverQuery(model, connections: connections, cpu: 1)))) "
                + "at \(grouped(Double(connections)))"
        }.joined(separator: ", ")
    }

    /// Each model's resident memory per connection, `rss_kib` against connections by least squares
    /// round by round (without a CPU-bound thread, over the connection counts the rows have: a real
    /// interpreter's twins may run fewer than the experiment's four); the ratio is threads' slope
    /// minus events'.
    static func memoryObservation(_ s: Summary) -> Observation {
        func groups(_ model: ExecutionMode) -> [Summary.Group] {
            s.groups.filter { $0.key.workload == .server && $0.key.mode == model && ($0.key.cpuThreads ?? 0) == 0 && $0.key.connections != nil }
                .sorted { $0.key.connections! < $1.key.connections! }
        }
        func slopes(_ model: ExecutionMode) -> [ServerRound: Double] {
            let g = groups(model)
            let x = g.map { Double($0.key.connections!) }
            return valuesByRound(g, .rssKiB) { leastSquaresSlope(x: x, y: $0) }
        }
        let figure = serverModels.map { model -> String in
            let median = Statistics.median(Array(slopes(model).values))
            return "\(modelName(model)) \(median.map { String(format: "%.2f", $0) } ?? "—")"
        }.joined(separator: ", ")
        let threads = slopes(.threads), events = slopes(.events)
        let values = threads.keys.sorted(by: ServerRound.precedes).compactMap { round in events[round].map { threads[round]! - $0 } }
        return roundObservation(figure: "KiB per connection: " + figure, values, groups: groups(.threads) + groups(.events))
    }

    /// The slope of the least-squares line through (x, y); nil with fewer than two distinct x.
    static func leastSquaresSlope(x: [Double], y: [Double]) -> Double? {
        guard x.count == y.count, x.count >= 2 else { return nil }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        guard sxx > 0 else { return nil }
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        return sxy / sxx
    }

    // MARK: Figures

    /// "12,300 requests/s" for a server group.
    static func rateFigure(_ g: Summary.Group?) -> String {
        guard let rate = g?.median(.requestsPerSecond) else { return "—" }
        return "\(grouped(rate)) requests/s"
    }

    /// "1,250 µs" for a server group's p99.
    static func latencyFigure(_ g: Summary.Group?) -> String {
        guard let p99 = g?.median(.latencyP99Us) else { return "—" }
        return p99 >= 100 ? "\(grouped(p99)) µs" : String(format: "%.1f µs", p99)
    }
}
