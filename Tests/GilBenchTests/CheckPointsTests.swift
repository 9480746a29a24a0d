import Testing
@testable import GilBench

@Suite("Check points: where each CPython version lets a waiter in")
struct CheckPointsTests {
    @Test("Each CPython version maps to its era's check points", arguments: [
        ("2.6", CheckPoints.ticker27), ("2.7.18", .ticker27), ("3.1", .ticker27),
        ("3.2", .loopTop32), ("3.6.15", .loopTop32), ("3.7.16", .loopTop32), ("3.8.18", .loopTop32), ("3.9.18", .loopTop32),
        ("3.10.13", .jumpsAndCalls310),
        ("3.11.7", .backwardJumpsAndCalls311), ("3.12.1", .backwardJumpsAndCalls311), ("3.13.0", .backwardJumpsAndCalls311),
        ("3.14", .backwardJumpsAndCalls311),
    ])
    func versionMapping(version: String, expected: CheckPoints) {
        #expect(CheckPoints(pythonVersion: version) == expected)
        #expect(CheckPoints(parsing: version) == expected)
    }

    @Test("A schedule is named by its name or by a version; anything else is refused")
    func parsing() {
        for schedule in CheckPoints.allCases { #expect(CheckPoints(parsing: schedule.rawValue) == schedule) }
        for bad in ["", "3", "three.ten", "3.x", "loop-top", ".13"] { #expect(CheckPoints(parsing: bad) == nil, "\(bad)") }
        #expect(GILDesign.ticks.checkPoints == .ticker27 && GILDesign.fair.checkPoints == .ticker27)
        #expect(GILDesign.none.checkPoints == .ticker27)
        #expect(GILDesign.interval.checkPoints == .loopTop32 && GILDesign.priority.checkPoints == .loopTop32)
    }

    /// The indices of the race's LOAD_GLOBAL and of the STORE_GLOBAL that follows it.
    static func raceUpdate(_ program: Program) throws -> ClosedRange<Int> {
        let load = try #require(program.instructions.firstIndex { $0.opcode == .loadGlobal })
        let store = try #require(program.instructions.firstIndex { $0.opcode == .storeGlobal })
        return load...store
    }

    @Test("Up to 3.9 a check point falls between the race's load and store; from 3.10 none does, only the loop's jump back")
    func raceUpdateIsSplitOnlyBefore310() throws {
        let (increment, _) = RaceWorkload.programs(locked: false)
        let update = try Self.raceUpdate(increment)
        let jumpBack = try #require(increment.instructions.firstIndex { $0.opcode == .jumpAbsolute })
        for schedule in [CheckPoints.ticker27, .loopTop32] {
            let marks = schedule.marks(increment.instructions)
            #expect(marks[update.lowerBound], "LOAD_GLOBAL is a check point under \(schedule)")
            #expect(marks == increment.instructions.map(\.opcode.ticks), "\(schedule) checks where 2.7 ticks")
        }
        for schedule in [CheckPoints.jumpsAndCalls310, .backwardJumpsAndCalls311] {
            let marks = schedule.marks(increment.instructions)
            #expect(!marks[update.lowerBound..<update.upperBound].contains(true), "\(schedule) splits the update")
            #expect(marks[jumpBack])
        }
    }

    @Test("3.10 checks after every taken jump, 3.11 and later only after backward ones; calls check in both; `with` enters without one")
    func jumpsAndCalls() throws {
        let program = try Assembler.assemble("""
            .local n
            .lock lock
            .native f
            top:
                LOAD_FAST n
                POP_JUMP_IF_FALSE end
                LOCK_ACQUIRE lock
                LOCK_RELEASE lock
                LOAD_FAST n
                CALL_NATIVE f
                POP_JUMP_IF_TRUE top
                JUMP_ABSOLUTE end
            end:
                LOAD_FAST n
                RETURN_VALUE
            """, name: "jumps", natives: [NativeFunction(name: "f", releasesGIL: false) { $0 - 1 }])
        //                  LOAD_FAST, POP_JUMP fwd, LOCK_ACQUIRE, LOCK_RELEASE, LOAD_FAST, CALL, POP_JUMP back, JUMP fwd, LOAD_FAST, RETURN
        #expect(CheckPoints.jumpsAndCalls310.marks(program.instructions)
            == [false, true, false, true, false, true, true, true, false, false])
        #expect(CheckPoints.backwardJumpsAndCalls311.marks(program.instructions)
            == [false, false, false, true, false, true, true, false, false, false])
        // 2.7's: where it ticks (RETURN_VALUE would too, but the frame ends there).
        #expect(CheckPoints.ticker27.marks(program.instructions)
            == [false, false, true, true, false, true, false, true, false, true])
    }

    /// Runs the countdown of `n` alone under `schedule`; returns the check points it passed.
    static func countdownChecks(_ n: Int, _ schedule: CheckPoints) -> UInt64 {
        struct Countdown: GILBody {
            let n: Int
            let schedule: CheckPoints
            func run<G: GlobalInterpreterLock>(_ gil: G) -> UInt64 {
                var thread = InterpreterThread(id: 0)
                gil.acquire(&thread)
                _ = VirtualMachine.run(
                    Programs.countdown, arguments: [n], gil: gil, thread: &thread, shared: SharedState(globals: 0, locks: 0),
                    checkPoints: schedule)
                gil.release(&thread)
                return thread.ticks
            }
        }
        return InterpreterSettings(gil: .none, lock: .semaphore, checkInterval: 100).withGIL(Countdown(n: n, schedule: schedule))
    }

    @Test("The countdown passes 3 check points an iteration up to 3.9, one from 3.10 (and 3.10's exit jump)")
    func countdownCheckCounts() {
        #expect(Self.countdownChecks(1000, .ticker27) == 3001)
        #expect(Self.countdownChecks(1000, .loopTop32) == 3001)
        #expect(Self.countdownChecks(1000, .jumpsAndCalls310) == 1001)
        #expect(Self.countdownChecks(1000, .backwardJumpsAndCalls311) == 1000)
    }

    /// The race's final x after two threads of `n` updates each under `gil`, checked where `schedule` says.
    static func raceFinalX<G: GlobalInterpreterLock>(_ gil: G, _ schedule: CheckPoints, n: Int) throws -> Int {
        var c = RunConfiguration()
        c.workload = .race
        c.n = n
        let plan = RaceWorkload.plan(for: c)
        _ = try Runner.runInThreads(plan, gil: gil, checkPoints: schedule)
        return try #require(plan.report(plan.shared).raceFinalX)
    }

    @Test("From 3.10 the race loses no update, however often the GIL changes hands", arguments: [
        CheckPoints.jumpsAndCalls310, .backwardJumpsAndCalls311,
    ])
    func noLostUpdateFrom310(schedule: CheckPoints) throws {
        // A 1 µs switch interval: a waiter asks for the GIL after every few iterations.
        let gil = IntervalGIL(switchIntervalMilliseconds: 0.001)
        #expect(try Self.raceFinalX(gil, schedule, n: 20_000) == 0)
        #expect(gil.counters().handoffs > 0)
    }

    @Test("Up to 3.9 a switch between the load and the store loses updates", arguments: [CheckPoints.ticker27, .loopTop32])
    func lostUpdatesBefore310(schedule: CheckPoints) throws {
        // A fair GIL handing over every other check point: once both threads run, they alternate in
        // lock step, each loading x before the other stores it, so every pair of updates loses one.
        let gil = FairGIL(checkInterval: 1)
        #expect(try Self.raceFinalX(gil, schedule, n: 20_000) != 0)
    }

    @Test("A worker process receives the check points with its interpreter settings")
    func wireRoundTrip() throws {
        for schedule in CheckPoints.allCases {
            let request = WorkerRequest.countdown(
                runs: [5], InterpreterSettings(gil: .interval, lock: .semaphore, checkInterval: 100, checkPoints: schedule))
            #expect(try WorkerFrameTests.decodeAll(request.frame.bytes).map { try WorkerRequest(frame: $0) } == [request])
        }
    }
}

@Suite("Check points in rows, twins and claims")
struct CheckPointsRowTests {
    @Test("The check_points cell is empty for the design's own schedule and names any other")
    func column() {
        var c = RunConfiguration()
        c.gil = .interval
        #expect(ConfigurationKey(c).checkPoints == nil)
        c.checkPoints = .loopTop32
        #expect(ConfigurationKey(c).checkPoints == nil && c.record[.checkPoints] == nil)
        c.checkPoints = .backwardJumpsAndCalls311
        #expect(c.record[.checkPoints] == "backward-jumps-and-calls-3.11")
        #expect(ResultRow(record: c.record).key.checkPoints == .backwardJumpsAndCalls311)
        #expect(ConfigurationKey(c).label.contains("checks=backward-jumps-and-calls-3.11"))
        #expect(Column.addedSinceFirstFiles.contains(.checkPoints) && Column.configuration.contains(.checkPoints))
    }

    @Test("The long tick's twin runs at least the simulator's own size, so that its instruction outlasts a wake-up")
    func longTickTwinSize() throws {
        let python = PythonInterpreter(path: "/x/python2.7", implementation: "cpython", version: "2.7.18")
        let longTick = try #require(PythonExperiment.catalogue(for: python, n: 10, raceN: 10, tree: nil, repetitions: 1, sweep: [])
            .first { $0.configuration.workload == .longTick })
        #expect(longTick.configuration.n == PythonExperiment.longTickN)
        let twin = try #require(longTick.simulatorTwin(design: python.gilDesign))
        #expect(twin.n == Workload.longTick.defaultN && twin.n > PythonExperiment.longTickN)
        let countdown = try #require(PythonExperiment.catalogue(for: python, n: 10, raceN: 10, tree: nil, repetitions: 1, sweep: [])
            .first { $0.configuration.workload == .countdown })
        #expect(countdown.simulatorTwin(design: python.gilDesign)?.n == 10, "other twins keep the script's size")
    }

    @Test("A real interpreter's experiments and its twins carry its version's check points in the same cell")
    func realAndTwin() throws {
        let python = PythonInterpreter(path: "/x/python3.13", implementation: "cpython", version: "3.13.0")
        #expect(python.checkPoints == .backwardJumpsAndCalls311)
        #expect(PythonInterpreter(path: "/x/pypy", implementation: "pypy", version: "3.10.13").checkPoints == nil)
        let race = try #require(PythonExperiment.catalogue(for: python, n: 10, raceN: 10, tree: nil, repetitions: 1, sweep: [])
            .first { $0.configuration.workload == .race })
        let twin = try #require(race.simulatorTwin(design: python.gilDesign))
        #expect(twin.interpreterSettings.checkPoints == .backwardJumpsAndCalls311)
        var realKey = ConfigurationKey(race.configuration)
        #expect(realKey.checkPoints == .backwardJumpsAndCalls311)
        realKey.engine = .simulator
        #expect(realKey.matches(ConfigurationKey(twin), ignoring: ConfigurationKey.allColumns(except: Fidelity.comparedColumns)))
        let old = PythonInterpreter(path: "/x/python3.9", implementation: "cpython", version: "3.9.18")
        let oldRace = try #require(PythonExperiment.catalogue(for: old, n: 10, raceN: 10, tree: nil, repetitions: 1, sweep: [])
            .first { $0.configuration.workload == .race })
        #expect(ConfigurationKey(oldRace.configuration).checkPoints == nil, "3.9's are the interval design's own")
    }

    /// Three repetitions of the race: on `engine` with final x `x`, under `checkPoints`.
    static func raceRows(engine: Engine, x: Int, checkPoints: CheckPoints?) -> [ResultRow] {
        (1...3).map { repetition in
            var r = ResultRow(runID: "r", repetition: repetition)
            r.key.engine = engine
            r.key.workload = .race
            r.key.mode = .threads
            r.key.gil = .interval
            r.key.tasks = 2
            r.key.threads = 2
            r.key.cpus = 2
            r.key.n = 1000
            r.key.checkPoints = checkPoints
            r.measurements.wallSeconds = 0.1
            r.measurements.raceFinalX = x
            return r
        }
    }

    @Test("A claim whose twin contradicts the interpreter's verdict is flagged a fidelity miss, not shown as –")
    func verdictMiss() throws {
        let python = Engine.interpreter(name: "cpython-3.13.0", gil: .interval)
        // The twin of 3.13 loses updates (the old model): a miss. A 3.9 twin beside it is not its twin.
        let missed = ClaimFidelity(rows: Self.raceRows(engine: python, x: 0, checkPoints: .backwardJumpsAndCalls311)
            + Self.raceRows(engine: .simulator, x: 17, checkPoints: .backwardJumpsAndCalls311)
            + Self.raceRows(engine: .simulator, x: 0, checkPoints: nil))
        let entry = try #require(missed.entries.first { $0.slide == "43" && $0.criterion.ratio.contains("x != 0") })
        #expect(entry.missed && entry.error == nil && entry.checkPoints == .backwardJumpsAndCalls311)
        #expect(missed.render().contains("MISS: verdicts differ"))
        #expect(missed.render().contains("fidelity misses"))
        #expect(missed.markdown().contains("| **fidelity miss**: verdicts differ |"))
        #expect(missed.markdown().contains("`interval, backward-jumps-and-calls-3.11`"))
        // Twins that agree: no miss, and the error cell stays "–" where the ratio has no error.
        let agreed = ClaimFidelity(rows: Self.raceRows(engine: python, x: 0, checkPoints: .backwardJumpsAndCalls311)
            + Self.raceRows(engine: .simulator, x: 0, checkPoints: .backwardJumpsAndCalls311)
            + Self.raceRows(engine: .simulator, x: 17, checkPoints: nil))
        let same = try #require(agreed.entries.first { $0.slide == "43" && $0.criterion.ratio.contains("x != 0") })
        #expect(!same.missed && agreed.missed.isEmpty && !agreed.markdown().contains("fidelity miss"))
    }
}
