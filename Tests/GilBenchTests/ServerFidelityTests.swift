import Testing
@testable import GilBench

/// Issue 24's check of the simulated server against its real twins (``ServerFidelity``), on rows built
/// by hand: nothing here runs a server or depends on timing.
@Suite("Server fidelity: the simulator's requests/s against the real twins, within 2x and in the same order")
struct ServerFidelityTests {
    static let real = "cpython-3.11.7"
    static let models: [ExecutionMode] = [.threads, .events, .coroutines, .processes]

    /// What one side measured in one configuration: requests per second, and the run's counters.
    struct Side {
        var rate: Double
        var userSeconds = 0.1
        var systemSeconds = 0.05
        var voluntarySwitches = 1_000
    }

    /// Rows of `engine` (the real interpreter or the simulator) under `gil` for the four models at 1,
    /// 100 and 1,000 connections, alone and beside one CPU-bound thread, `repetitions` each, the k-th
    /// repetition's rate scaled by 1 + 0.02 k.
    static func rows(
        engine: String, gil: GILDesign = .interval, repetitions: Int = 5, _ side: (ExecutionMode, Int, Int) -> Side
    ) -> [ResultRow] {
        var out: [ResultRow] = []
        for repetition in 1...repetitions {
            for cpu in [0, 1] {
                for connections in [1, 100, 1_000] {
                    for model in models {
                        var row = ResultRow(runID: "r", repetition: repetition)
                        row.key.engineName = engine
                        row.key.gil = gil
                        row.key.workload = .server
                        row.key.mode = model
                        row.key.connections = connections
                        row.key.cpuThreads = cpu
                        row.key.messageSize = 8
                        row.key.requestWork = 100
                        let s = side(model, connections, cpu)
                        row.measurements.requestsPerSecond = s.rate * (1 + 0.02 * Double(repetition))
                        row.measurements.wallSeconds = 0.2
                        row.measurements.userSeconds = s.userSeconds
                        row.measurements.systemSeconds = s.systemSeconds
                        row.measurements.voluntaryContextSwitches = s.voluntarySwitches
                        out.append(row)
                    }
                }
            }
        }
        return out
    }

    /// An interpreter whose models rank events > coroutines > processes > threads at every size.
    static func interpreter(_ model: ExecutionMode, _ connections: Int, _ cpu: Int) -> Side {
        let rate: [ExecutionMode: Double] = [.threads: 8_000, .events: 20_000, .coroutines: 16_000, .processes: 12_000]
        return Side(rate: rate[model]! / (cpu == 1 ? 2 : 1))
    }

    @Test("A simulator within 2x and in the same order: every entry within, every order the same")
    func withinAndSameOrder() throws {
        let rows = Self.rows(engine: Self.real, Self.interpreter)
            + Self.rows(engine: Engine.simulator.name) { m, c, k in
                var s = Self.interpreter(m, c, k)
                s.rate *= 1.5
                return s
            }
        let fidelity = ServerFidelity(rows: rows)
        #expect(fidelity.entries.count == 24)
        #expect(fidelity.entries.allSatisfy { $0.verdict == .within })
        #expect(fidelity.entries.allSatisfy { abs($0.ratio.value - 1.5) < 1e-9 && $0.cause == nil })
        #expect(fidelity.orderings.count == 6)
        #expect(fidelity.orderings.allSatisfy { $0.same && $0.real == [.events, .coroutines, .processes, .threads] })
        #expect(fidelity.summaryLine() == "24 of 24 within 2× either way, 6 of 6 orders the same.\n")
        let text = fidelity.render()
        #expect(text.contains("order at 1000 connections, 1 CPU-bound thread on cpython-3.11.7: real events > coroutines > processes > threads; simulator events > coroutines > processes > threads: same"))
    }

    @Test("A simulator 3x too fast in one model is beyond the factor, and the cost per request that differs is named")
    func beyondNamesItsCause() throws {
        let rows = Self.rows(engine: Self.real) { m, c, k in
            var s = Self.interpreter(m, c, k)
            // The interpreter's event loop spends 3x the user CPU per request at 1,000 connections.
            if m == .events, c == 1_000, k == 0 { s.userSeconds = 0.3 }
            return s
        } + Self.rows(engine: Engine.simulator.name) { m, c, k in
            var s = Self.interpreter(m, c, k)
            if m == .events, c == 1_000, k == 0 { s.rate *= 3 }
            return s
        }
        let fidelity = ServerFidelity(rows: rows)
        let beyond = fidelity.entries.filter { $0.verdict == .beyond }
        #expect(beyond.count == 1)
        let miss = try #require(beyond.first)
        #expect(miss.model == .events && miss.connections == 1_000 && miss.cpuThreads == 0)
        #expect(abs(miss.ratio.value - 3) < 1e-9)
        // Per request over the run: the interpreter 0.3 s / (20,000 × 1.06 × 0.2) = 70.8 µs; the
        // simulator 0.1 s / (60,000 × 1.06 × 0.2) = 7.86 µs; 9×. The system CPU differs 3× only.
        let cause = try #require(miss.cause)
        #expect(cause.hasPrefix("the interpreter spends 9.0× the user CPU per request"), "\(cause)")
        #expect(cause.contains("(70.8 µs real, 7.86 µs simulated, over the run)"), "\(cause)")
        #expect(fidelity.summaryLine().contains("23 of 24 within 2× either way"))
        #expect(fidelity.markdown().contains("| events (cpython-3.11.7) | 1000 | 0 | 21,200 | 63,600 | 3.00 "))
    }

    @Test("A miss where no counted cost differs says so rather than inventing a cause")
    func beyondWithoutCause() throws {
        let rows = Self.rows(engine: Self.real, Self.interpreter)
            + Self.rows(engine: Engine.simulator.name) { m, c, k in
                var s = Self.interpreter(m, c, k)
                // Three times the rate, and three times the counters: the same cost per request.
                if m == .threads, c == 1 {
                    s.rate *= 3; s.userSeconds *= 3; s.systemSeconds *= 3; s.voluntarySwitches *= 3
                }
                return s
            }
        let fidelity = ServerFidelity(rows: rows)
        let misses = fidelity.entries.filter { $0.verdict == .beyond }
        #expect(misses.count == 2, "threads at 1 connection, alone and beside a CPU-bound thread")
        #expect(misses.allSatisfy { $0.cause?.hasPrefix("no cost per request counted here differs by 1.25× or more") == true })
    }

    @Test("Models in another order: the order differs, and the relative cost that differs is named")
    func orderDiffers() throws {
        let rows = Self.rows(engine: Self.real) { m, c, k in
            var s = Self.interpreter(m, c, k)
            // On the interpreter, processes switch context 4x as often per request as elsewhere.
            if m == .processes { s.voluntarySwitches = 4_000 }
            return s
        } + Self.rows(engine: Engine.simulator.name) { m, c, k in
            var s = Self.interpreter(m, c, k)
            // In the simulator, processes come first at 100 connections.
            if m == .processes, c == 100 { s.rate *= 1.9 }
            return s
        }
        let fidelity = ServerFidelity(rows: rows)
        #expect(fidelity.entries.allSatisfy { $0.verdict != .beyond })
        let differs = fidelity.orderings.filter { !$0.same }
        #expect(differs.count == 2 && differs.allSatisfy { $0.connections == 100 })
        let alone = try #require(differs.first { $0.cpuThreads == 0 })
        #expect(alone.simulated == [.processes, .events, .coroutines, .threads])
        #expect(alone.real == [.events, .coroutines, .processes, .threads])
        let cause = try #require(alone.cause)
        #expect(cause.hasPrefix("processes ahead of events in the simulator only: relative to events, the interpreter spends"), "\(cause)")
        #expect(cause.contains("the voluntary context switches per request in processes"), "\(cause)")
        #expect(fidelity.summaryLine().contains("4 of 6 orders the same"))
        #expect(fidelity.render().contains(": DIFFERS; cause: processes ahead of events"))
    }

    @Test("Only the simulator's twin under the interpreter's GIL design is compared; rows without a twin are left out")
    func twinsOfTheInterpretersDesign() {
        // The events experiment's rows run the `ticks` design: no twin of CPython 3.11's `interval`.
        let ticks = Self.rows(engine: Engine.simulator.name, gil: .ticks) { m, c, k in Side(rate: 1) }
        #expect(ServerFidelity(rows: Self.rows(engine: Self.real, Self.interpreter) + ticks).entries.isEmpty)
        let interval = Self.rows(engine: Engine.simulator.name, Self.interpreter).filter { $0.key.connections != 100 }
        let fidelity = ServerFidelity(rows: Self.rows(engine: Self.real, Self.interpreter) + ticks + interval)
        #expect(fidelity.entries.count == 16)
        #expect(fidelity.entries.allSatisfy { abs($0.ratio.value - 1) < 1e-9 })
        #expect(fidelity.render().isEmpty == false)
        #expect(ServerFidelity(rows: ticks).render().isEmpty)
    }

    @Test("Within, beyond and inconclusive against [1/2, 2], on the whole interval")
    func verdicts() {
        #expect(ServerFidelity.verdict(Estimate(value: 1.9, interval: Interval(low: 1.5, high: 1.99))) == .within)
        #expect(ServerFidelity.verdict(Estimate(value: 0.6, interval: Interval(low: 0.5, high: 0.7))) == .within)
        #expect(ServerFidelity.verdict(Estimate(value: 1.9, interval: Interval(low: 1.5, high: 2.2))) == .inconclusive)
        #expect(ServerFidelity.verdict(Estimate(value: 0.45, interval: Interval(low: 0.3, high: 0.49))) == .beyond)
        #expect(ServerFidelity.verdict(Estimate(value: 2.5, interval: nil)) == .beyond)
    }

    @Test("reproduce's events section carries the check when a real interpreter ran the server's twins, and says why not otherwise")
    func reportSection() {
        let rows = Self.rows(engine: Self.real, Self.interpreter) + Self.rows(engine: Engine.simulator.name, Self.interpreter)
        let options = Reproduction.Options(scale: .quick, selected: [Catalogue.events], command: "gilbench reproduce --only events")
        func report(_ measured: [ResultRow]) -> String {
            let comparison = RealInterpreterComparison(
                python: "python3.11",
                result: .success(.init(engine: Self.real, design: .interval, rows: measured, fidelity: Fidelity(rows: measured))))
            return ReproductionReport(
                options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: [], findings: [],
                plots: [], completed: ["events"], stopped: nil, elapsedSeconds: 1, realInterpreters: [comparison]
            ).serverFidelitySection()
        }
        let md = report(rows)
        #expect(md.contains("### Performance and fidelity: the simulated server against its real twins"))
        #expect(md.contains("| threads (cpython-3.11.7) | 1 | 0 | 8,480 | 8,480 | 1.00 "), "\(md)")
        #expect(md.contains("24 of 24 within 2× either way, 6 of 6 orders the same."))
        #expect(report([]).contains("*Not measured: the server's real twins run on CPython 3.11 only"))
        let none = ReproductionReport(
            options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: [], findings: [],
            plots: [], completed: ["events"], stopped: nil, elapsedSeconds: 1)
        #expect(none.serverFidelitySection().isEmpty)
    }

    @Test("Twins of one minor version run on that version's interpreters only; reproduce asks for the server's on 3.11 when events runs")
    func versionTwins() throws {
        var options = InterpreterComparison.Options()
        options.twins = ["countdown"]
        options.versionTwins = ["3.11": ["race"]]
        let comparison = InterpreterComparison(options)
        let twins311 = Set(comparison.experiments(for: PythonInterpreter(path: "p311", implementation: "cpython", version: "3.11.7")).map(\.twin))
        let twins313 = Set(comparison.experiments(for: PythonInterpreter(path: "p313", implementation: "cpython", version: "3.13.0")).map(\.twin))
        #expect(twins311 == ["countdown", "race"])
        #expect(twins313 == ["countdown"])
        options.versionTwins = ["3.11": ["no-such-twin"]]
        #expect(throws: GilBenchError.self) { try options.validate() }
        let events = Reproduction.interpreterComparison(.init(scale: .quick, selected: [Catalogue.events], command: "c", python: .auto))
        let others = Reproduction.interpreterComparison(.init(scale: .quick, selected: [Catalogue.countdown], command: "c", python: .auto))
        #expect(events.options.versionTwins == (Reproduction.serverTwin.isEmpty ? [:] : ["3.11": ["server"]]))
        #expect(others.options.versionTwins.isEmpty)
        #expect(events.options.serverCPUThreads == [0, 1] && events.options.serverConnections == [1, 100, 1_000])
        let window = events.options.serverWindow
        #expect(window == Catalogue.serverWindow(.quick))
        // The window reaches the server twins' configurations (and so their simulator twins').
        let python311 = PythonInterpreter(path: "p311", implementation: "cpython", version: "3.11.7")
        let server = events.experiments(for: python311).filter { $0.configuration.workload == .server }
        #expect(server.count == 30, "five twins at three connection counts, alone and beside a CPU-bound thread")
        #expect(server.allSatisfy { $0.configuration.durationSeconds == window.duration && $0.configuration.serverWarmupSeconds == window.warmup })
        #expect(events.experiments(for: PythonInterpreter(path: "p313", implementation: "cpython", version: "3.13.0"))
            .allSatisfy { $0.configuration.workload != .server })
    }

    @Test("The asyncio twin is compared with the simulator's coroutines, named apart, and left out of the models' order and of the claims")
    func asyncioTwin() throws {
        let asyncio = Self.rows(engine: Self.real) { m, c, k in Side(rate: Self.interpreter(m, c, k).rate / 4) }
            .filter { $0.key.mode == .coroutines }
            .map { row -> ResultRow in
                var row = row
                row.key.experiment = "python-asyncio"
                return row
            }
        let rows = Self.rows(engine: Self.real, Self.interpreter) + asyncio + Self.rows(engine: Engine.simulator.name, Self.interpreter)
        let fidelity = ServerFidelity(rows: rows)
        #expect(fidelity.entries.count == 30)
        let twins = fidelity.entries.filter { $0.twin == "asyncio" }
        #expect(twins.count == 6 && twins.allSatisfy { $0.model == .coroutines && abs($0.ratio.value - 4) < 1e-9 && $0.verdict == .beyond })
        #expect(fidelity.orderings.allSatisfy { $0.same && $0.real.count == 4 })
        #expect(fidelity.render().contains("asyncio (coroutines)"))
        #expect(ClaimFidelity.experimentIDs(of: asyncio[0].key).isEmpty)
        #expect(ClaimFidelity.experimentIDs(of: rows[0].key) == ["events"])
    }

    @Test("Context switches too few per request on a side are no cause (a loop that never blocks switches a handful of times)")
    func tooFewSwitches() throws {
        let rows = Self.rows(engine: Self.real) { m, c, k in
            var s = Self.interpreter(m, c, k)
            s.voluntarySwitches = 2
            return s
        } + Self.rows(engine: Engine.simulator.name) { m, c, k in
            var s = Self.interpreter(m, c, k)
            if m == .events, c == 1_000 { s.rate *= 3; s.voluntarySwitches = 1 }
            return s
        }
        let misses = ServerFidelity(rows: rows).entries.filter { $0.verdict == .beyond }
        #expect(misses.count == 2)
        // User CPU per request differs 3x (the same CPU for 3x the requests), switches are below the floor.
        #expect(misses.allSatisfy { $0.cause?.hasPrefix("the interpreter spends 3.0× the user CPU per request") == true }, "\(misses.map(\.cause))")
    }
}
