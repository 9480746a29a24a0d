import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import GilBench

/// The `events` experiment's configurations, claims and plots, on rows built by hand: nothing here
/// runs a server or depends on timing.
@Suite("Events experiment: server models, claims and plots")
struct EventsExperimentTests {
    /// What one configuration measured in one round: requests per second, p99 latency, peak RSS.
    struct Figures {
        var rate: Double
        var p99: Double
        var rssKiB: Int
    }

    /// Rows for every configuration of the experiment at the quick scale, `rounds` repetitions each,
    /// each value from `figures`, the rates and latencies of round k scaled by `drift(k)` alike in
    /// every configuration (a machine slowing down between rounds, which pairing must cancel).
    static func rows(
        rounds: Int = 3, drift: (Int) -> Double = { 1 + 0.07 * Double($0) },
        _ figures: (ExecutionMode, Int, Int) -> Figures
    ) -> [ResultRow] {
        var out: [ResultRow] = []
        let configurations = Catalogue.events.configurations(.quick)
        for round in 1...rounds {
            for c in configurations {
                var row = ResultRow(runID: "r", repetition: round)
                row.key = ConfigurationKey(c)
                let f = figures(c.mode, c.connections, c.cpuThreads)
                row.measurements.requestsPerSecond = f.rate / drift(round)
                row.measurements.latencyP99Us = f.p99 * drift(round)
                row.measurements.rssKiB = f.rssKiB
                row.measurements.wallSeconds = 0.08
                out.append(row)
            }
        }
        return out
    }

    /// Models as the talk says they behave: an event loop that gains with connections where a thread
    /// per connection loses, a CPU-bound thread that costs the event loop and the coroutines a factor
    /// of 2.5, the thread per connection 1.5 (one of many threads waiting for the GIL) and processes
    /// 1.2, a thread's 12 KiB per connection against the loop's 1.
    static func talkRight(_ model: ExecutionMode, _ connections: Int, _ cpu: Int) -> Figures {
        let index = Catalogue.serverConnections.firstIndex(of: connections)!
        let rates: [ExecutionMode: [Double]] = [
            .threads: [20_000, 15_000, 12_000, 10_000], .events: [16_000, 20_000, 24_000, 25_000],
            .coroutines: [15_000, 18_000, 21_000, 22_000], .processes: [18_000, 26_000, 30_000, 30_000],
        ]
        let convoy: [ExecutionMode: Double] = [.threads: 1.5, .events: 2.5, .coroutines: 2.5, .processes: 1.2]
        let perConnection: [ExecutionMode: Int] = [.threads: 12, .events: 1, .coroutines: 2, .processes: 1]
        let rate = rates[model]![index] / (cpu == 1 ? convoy[model]! : 1)
        // A closed loop: latency is connections over rate; a thread per connection's tail is wider.
        let p99 = Double(connections) / rate * 1e6 * (model == .threads ? 2 : 1.2)
        return Figures(rate: rate, p99: p99, rssKiB: 20_000 + perConnection[model]! * connections)
    }

    /// Models where the talk is wrong: every model alike, a CPU-bound thread changing nothing.
    static func talkWrong(_ model: ExecutionMode, _ connections: Int, _ cpu: Int) -> Figures {
        Figures(rate: 20_000, p99: Double(connections) / 20_000 * 1e6, rssKiB: 20_000 + 2 * connections)
    }

    static func finding(_ findings: [Finding], _ ratio: String) throws -> Finding {
        try #require(findings.first { $0.claim.criterion.ratio == ratio }, "no claim \(ratio)")
    }

    @Test("32 configurations: four models at 1, 10, 100 and 1,000 connections, alone and beside one CPU-bound thread")
    func configurations() {
        let quick = Catalogue.events.configurations(.quick)
        #expect(quick.count == 32)
        #expect(Set(quick.map(\.mode)) == [.threads, .events, .coroutines, .processes])
        #expect(Set(quick.map(\.connections)) == [1, 10, 100, 1_000])
        #expect(Set(quick.map(\.cpuThreads)) == [0, 1])
        #expect(Set(quick.map { ConfigurationKey($0) }).count == 32, "no two configurations are the same row key")
        for c in quick {
            #expect(c.workload == .server && c.experiment == "events")
            #expect(c.tasks == 1 + c.cpuThreads)
            #expect(c.warmup == 0 && c.repetitions == 3)
            #expect(c.messageSize == 8 && c.rate == nil && c.requests == nil)
            #expect(c.processes == (c.mode == .processes ? 2 : RunConfiguration().processes))
            #expect(throws: Never.self) { try c.validate() }
        }
        // The windows the experiment's time rests on: 96 runs of 0.08 s of load, 7.7 s (starting
        // the client, the connections and the threads comes on top).
        let load = quick.reduce(0) { $0 + Double($1.repetitions) * ($1.serverWarmupSeconds + $1.durationSeconds) }
        #expect(load <= 8)
        let full = Catalogue.events.configurations(.full)
        #expect(full.allSatisfy { $0.durationSeconds == RunConfiguration().durationSeconds })
    }

    @Test("--only selects the experiment by name or by its slides; slide 163 also brings the coroutines")
    func selection() throws {
        #expect(try Catalogue.select(["events"]).map(\.id) == ["events"])
        #expect(try Catalogue.select(["153"]).map(\.id) == ["events"])
        #expect(try Catalogue.select(["163"]).map(\.id) == ["events", "coroutines"])
    }

    @Test("Where the models behave as the talk says, every judged claim is reproduced, with the ratio the rows give")
    func talkRightReproduces() throws {
        let findings = Catalogue.events.findings(Self.rows(Self.talkRight))
        #expect(findings.count == 8)
        let gain = try Self.finding(findings, "requests/s events/threads, 1,000 connections over 1")
        // (25,000 / 10,000) / (16,000 / 20,000): the drift of each round cancels.
        #expect(abs((gain.verdict.estimate?.value ?? 0) - 3.125) < 1e-9)
        #expect(gain.verdict.status == "reproduced")
        #expect(gain.observation?.configurations.count == 4)
        // The figure gives the medians over the rounds (the drift's median is round 2's, 1.14).
        func rate(_ r: Double) -> String { grouped(r / 1.14) + " requests/s" }
        #expect(gain.observation?.figure == "events/threads 2.5 at 1,000 (\(rate(25_000)) against \(rate(10_000))), "
            + "events/threads 0.8 at 1 (\(rate(16_000)) against \(rate(20_000)))")
        let p99 = try Self.finding(findings, "p99 latency threads/events at 1,000 connections")
        #expect(abs((p99.verdict.estimate?.value ?? 0) - (2.0 / 10_000) / (1.2 / 25_000)) < 1e-9)
        #expect(p99.verdict.status == "reproduced")
        for (model, name) in [(ExecutionMode.events, "event loop"), (.coroutines, "coroutines")] {
            let convoy = try Self.finding(findings, "requests/s without/with a CPU-bound thread, \(name), 100 connections")
            #expect(abs((convoy.verdict.estimate?.value ?? 0) - 2.5) < 1e-9, "\(model)")
            #expect(convoy.verdict.status == "reproduced", "\(model)")
            #expect(convoy.observation?.figure.contains("without/with 2.5 at 1, ") == true, "\(model)")
        }
        // The event loop loses 2.5 to its CPU-bound thread; the thread per connection 1.5 at 1,000
        // connections, the workers 1.2 at 100: 2.5 / 1.5 and 2.5 / 1.2, both >= 1.5.
        for (name, connections, loss) in [("thread per connection", "1,000", 1.5), ("worker processes", "100", 1.2)] {
            let less = try Self.finding(findings, "requests/s without/with a CPU-bound thread, event loop over \(name), \(connections) connections")
            #expect(abs((less.verdict.estimate?.value ?? 0) - 2.5 / loss) < 1e-9, "\(name)")
            #expect(less.verdict.status == "reproduced", "\(name)")
            #expect(less.observation?.configurations.count == 4)
            #expect(less.observation?.figure.hasPrefix(
                "without/with a CPU-bound thread at \(connections) connections: event loop 2.5, \(name) \(Criterion.number(loss))") == true, "\(name)")
        }
        let memory = try Self.finding(findings, "KiB per connection, threads - events")
        #expect(abs((memory.verdict.estimate?.value ?? 0) - 11) < 1e-9)
        #expect(memory.verdict.status == "reproduced")
        #expect(memory.observation?.figure == "KiB per connection: thread per connection 12.00, event loop 1.00, coroutines 2.00, worker processes 1.00")
        #expect(memory.observation?.configurations.count == 8)
        let generators = try Self.finding(findings, "requests/s coroutines/events at 1,000 connections")
        #expect(generators.verdict.status == "reported")
        #expect(abs((generators.verdict.estimate?.value ?? 0) - 22_000.0 / 25_000) < 1e-9)
    }

    @Test("Where the models do not behave as the talk says, the claims say not reproduced; nothing is tuned away")
    func talkWrongFails() throws {
        let findings = Catalogue.events.findings(Self.rows(Self.talkWrong))
        let statuses = Dictionary(uniqueKeysWithValues: findings.map { ($0.claim.criterion.ratio, $0.verdict.status) })
        #expect(statuses["requests/s events/threads, 1,000 connections over 1"] == "not reproduced")
        #expect(statuses["p99 latency threads/events at 1,000 connections"] == "not reproduced")
        #expect(statuses["requests/s without/with a CPU-bound thread, event loop, 100 connections"] == "not reproduced")
        #expect(statuses["requests/s without/with a CPU-bound thread, coroutines, 100 connections"] == "not reproduced")
        // A thread per connection and workers losing as much as the event loop (nothing, here) are
        // not losing less.
        #expect(statuses["requests/s without/with a CPU-bound thread, event loop over thread per connection, 1,000 connections"] == "not reproduced")
        #expect(statuses["requests/s without/with a CPU-bound thread, event loop over worker processes, 100 connections"] == "not reproduced")
        #expect(statuses["KiB per connection, threads - events"] == "not reproduced")
    }

    @Test("Rounds that disagree give an interval; one that straddles a threshold is inconclusive")
    func straddling() throws {
        // The gain is 1.2, 1.5 and 1.8 in the three rounds: the threads' rate at 1,000 varies.
        let rows = Self.rows(drift: { _ in 1 }) { model, connections, cpu in
            var f = Self.talkWrong(model, connections, cpu)
            if model == .events, connections == 1_000 { f.rate = 24_000 }
            return f
        }.map { row -> ResultRow in
            var row = row
            if row.key.mode == .threads, row.key.connections == 1_000, row.key.cpuThreads == 0 {
                row.measurements.requestsPerSecond = 24_000 / [1.2, 1.5, 1.8][row.repetition! - 1]
            }
            return row
        }
        let gain = try Self.finding(Catalogue.events.findings(rows), "requests/s events/threads, 1,000 connections over 1")
        #expect(abs((gain.verdict.estimate?.value ?? 0) - 1.5) < 1e-9)
        #expect(gain.verdict.status == "inconclusive")
        let rounds = try #require(gain.observation?.pairedRatios)
        #expect(rounds.count == 3 && zip(rounds, [1.2, 1.5, 1.8]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test("Without the rows a claim needs, it is not measured, and the others are still decided")
    func missingRows() throws {
        let alone = Self.rows(Self.talkRight).filter { $0.key.cpuThreads == 0 }
        let findings = Catalogue.events.findings(alone)
        for f in findings where f.claim.criterion.ratio.contains("CPU-bound") {
            #expect(f.verdict.status == "not measured", "\(f.claim.claim)")
        }
        #expect(try Self.finding(findings, "KiB per connection, threads - events").verdict.status == "reproduced")
        // Rows without rss_kib: the memory claim has nothing to fit.
        let noMemory = alone.map { row -> ResultRow in
            var row = row
            row.measurements.rssKiB = nil
            return row
        }
        #expect(try Self.finding(Catalogue.events.findings(noMemory), "KiB per connection, threads - events").verdict.status == "not measured")
        #expect(Catalogue.events.findings([]).allSatisfy { $0.verdict.status == "not measured" })
    }

    @Test("The least-squares slope of a line through points is its slope; one x has none")
    func leastSquares() {
        #expect(Catalogue.leastSquaresSlope(x: [1, 10, 100, 1_000], y: [5, 32, 302, 3_002]).map { abs($0 - 3) < 1e-9 } == true)
        #expect(Catalogue.leastSquaresSlope(x: [1, 1], y: [2, 3]) == nil)
        #expect(Catalogue.leastSquaresSlope(x: [1], y: [2]) == nil)
    }

    @Test("Requests/s and p99 against connections: one line per model, log scales, a pair of plots alone and beside a CPU-bound thread")
    func plots() throws {
        let rows = Self.rows(drift: { _ in 1 }, Self.talkRight)
        let plots = PlotSet.plots(rows: rows)
        #expect(plots.map(\.fileName) == ["events-requests.svg", "events-p99.svg", "events-requests-cpu-bound.svg", "events-p99-cpu-bound.svg"])
        for plot in plots {
            let elements = try svgElements(plot.svg.render())
            let points = elements.filter { $0.name == "circle" && $0.value("data-series") != nil }
            #expect(points.count == 16, "\(plot.fileName): four models at four connection counts")
            #expect(Set(points.compactMap { $0.value("data-series") }) == ["threads", "events", "coroutines", "processes"])
            #expect(Set(points.compactMap { $0.value("data-x") }) == ["1", "10", "100", "1000"])
            let texts = elements.filter { $0.name == "text" }.compactMap(\.stringValue)
            #expect(texts.contains { $0.contains("connections, log scale") }, "\(plot.fileName)")
            #expect(texts.contains { $0.contains(", log scale") && !$0.contains("connections") }, "\(plot.fileName)")
        }
        // The points carry the medians: threads at 1,000 connections, alone and beside a CPU-bound thread.
        func y(_ plot: String, _ series: String, _ x: String) throws -> Double? {
            let svg = try #require(plots.first { $0.fileName == plot }).svg.render()
            let point = try svgElements(svg).first { $0.value("data-series") == series && $0.value("data-x") == x }
            return point?.value("data-y").flatMap(Double.init)
        }
        #expect(try y("events-requests.svg", "threads", "1000") == 10_000)
        // The SVG writes values compactly: compare within its rounding.
        #expect(try y("events-requests-cpu-bound.svg", "processes", "10").map { abs($0 / (26_000 / 1.2) - 1) < 1e-4 } == true)
        #expect(try y("events-p99.svg", "events", "100").map { abs($0 / (100.0 / 24_000 * 1e6 * 1.2) - 1) < 1e-4 } == true)
    }

    @Test("The report's section shows each configuration by model, connections and CPU-bound threads, with the server's figures and plots")
    func reportSection() throws {
        let rows = Self.rows(drift: { _ in 1 }, Self.talkRight)
        let labels = PlotSet.shortLabels(Summary(rows: rows).groups)
        #expect(Set(labels).count == 32, "every configuration has its own label")
        #expect(labels.first == "threads 1 conn 0 CPU-bound")
        #expect(labels.contains("processes 1000 conn 1 CPU-bound"))
        let options = Reproduction.Options(scale: .quick, selected: [Catalogue.events], command: "gilbench reproduce --only events")
        let findings = Catalogue.experiments.flatMap { $0.findings(rows, ran: $0.id == "events") }
        let md = ReproductionReport(
            options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: rows, findings: findings,
            plots: PlotSet.plots(rows: rows), completed: ["events"], stopped: nil, elapsedSeconds: 3
        ).render()
        #expect(md.contains("## Event loops beside threads (slides 153-154-155-156-163)"))
        #expect(md.contains("| configuration | runs | wall median | min | max | hand-offs/s | failed/s | requests/s | p99 µs | RSS KiB |"))
        #expect(md.contains("| threads 1000 conn 0 CPU-bound | 3 | 0.080 s | 0.080 s | 0.080 s | — | — | 10,000 | 200,000 | 32,000 |"), "\(md)")
        for plot in ["events-requests.svg", "events-p99.svg", "events-requests-cpu-bound.svg", "events-p99-cpu-bound.svg"] {
            #expect(md.contains("](../plots/\(plot))"))
        }
        #expect(md.contains("| beyond | an event loop's advantage over a thread per connection grows with the connections |"))
    }

    @Test("Lines are told apart by what varies besides the connections: the engine of real twins")
    func seriesNames() {
        var rows = Self.rows(drift: { _ in 1 }, Self.talkRight).filter { $0.key.cpuThreads == 0 && $0.key.mode != .processes }
        rows += rows.filter { $0.key.mode == .threads }.map { row in
            var row = row
            row.key.engineName = "cpython-3.11.7"
            return row
        }
        let series = PlotSet.serverSeries(Summary(rows: rows).groups, .requestsPerSecond)
        #expect(series.map(\.name) == ["threads, gilbench-sim", "events, gilbench-sim", "coroutines, gilbench-sim", "threads, cpython-3.11.7"])
        #expect(series.allSatisfy { $0.points.map(\.x) == [1, 10, 100, 1_000] })
    }
}
