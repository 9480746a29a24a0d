import Testing
@testable import GilBench

@Suite("Ratios and compared metrics, typed")
struct RatioKindTests {
    /// Every kind, with the values runs make: each mode over sequential, one CPU over 2 and 4, the
    /// interval sweeps' values.
    static let kinds: [RatioKind] =
        ExecutionMode.allCases.filter { $0 != .sequential }.map(RatioKind.overSequential)
        + [.oneCPUOver(cpus: 2), .oneCPUOver(cpus: 4), .workerOverMainThread, .threadsOverWorkerThread]
        + [10, 1000, 10000].map(RatioKind.checkInterval)
        + [0.5, 1, 20, 100, 0.25].map { RatioKind.switchInterval(milliseconds: $0) }

    @Test("Each kind prints the name tables have always printed")
    func names() {
        let names: [RatioKind: String] = [
            .overSequential(.threads): "threads/sequential", .overSequential(.processes): "processes/sequential",
            .oneCPUOver(cpus: 2): "1 cpu/2 cpus", .workerOverMainThread: "worker thread/main thread",
            .threadsOverWorkerThread: "threads/sequential on a worker thread", .checkInterval(10): "check interval 10/100",
            .switchInterval(milliseconds: 0.5): "switch interval 0.5/5 ms",
        ]
        for (kind, name) in names { #expect(kind.name == name) }
    }

    @Test("Every kind's name round-trips through the compact parser", arguments: RatioKindTests.kinds)
    func roundTrip(kind: RatioKind) {
        #expect(kind.compactName == kind.name.replacingOccurrences(of: " ", with: ""))
        #expect(RatioKind(compactName: kind.compactName) == kind, "\(kind.compactName)")
        #expect(ComparedMetric(name: kind.compactName) == .ratio(kind))
        #expect(ComparedMetric.ratio(kind).name == kind.compactName)
    }

    @Test("The compact names compare has always taken parse; other spellings do not", arguments: [
        ("threads/sequential", RatioKind?.some(.overSequential(.threads))), ("pool/sequential", .overSequential(.pool)),
        ("coroutines/sequential", .overSequential(.coroutines)), ("1cpu/2cpus", .oneCPUOver(cpus: 2)),
        ("workerthread/mainthread", .workerOverMainThread), ("threads/sequentialonaworkerthread", .threadsOverWorkerThread),
        ("checkinterval10/100", .checkInterval(10)), ("switchinterval0.5/5ms", .switchInterval(milliseconds: 0.5)),
        ("threads/sequential ", nil), ("threads / sequential", nil), ("1 cpu/2 cpus", nil), ("sequential/sequential", nil),
        ("speed/sequential", nil), ("/sequential", nil), ("1cpu/twocpus", nil), ("checkinterval10/50", nil),
        ("checkinterval010/100", nil), ("switchinterval.5/5ms", nil), ("switchinterval0.5/5", nil), ("wall_s", nil),
    ])
    func parses(name: String, kind: RatioKind?) {
        #expect(RatioKind(compactName: name) == kind, "\(name)")
    }

    @Test("One CPU over more is better higher; every other ratio lower; all default to 10%")
    func direction() {
        for kind in Self.kinds {
            #expect(kind.direction == (kind == .oneCPUOver(cpus: 2) || kind == .oneCPUOver(cpus: 4) ? .higherIsBetter : .lowerIsBetter))
            #expect(ComparedMetric.ratio(kind).defaultThreshold == 0.10)
        }
    }

    @Test("A metric is a measurement column or a ratio; disturbance and configuration columns are not metrics")
    func metricNames() {
        #expect(ComparedMetric(name: "wall_s") == .column(.wallSeconds))
        #expect(ComparedMetric(name: "requests_per_s")?.direction == .higherIsBetter)
        #expect(ComparedMetric(name: "syscalls_futex")?.defaultThreshold == 0.25)
        for name in ["steal_s", "attempts", "mode", "check_interval", "speed", ""] { #expect(ComparedMetric(name: name) == nil, "\(name)") }
        #expect(ComparedMetric.ratio(.oneCPUOver(cpus: 2)).isRatio && !ComparedMetric.column(.wallSeconds).isRatio)
    }

    @Test("Each twin of a swept interval is the run at Python's default; the other kinds change mode, thread or CPUs")
    func denominators() {
        var key = ConfigurationKey()
        key.mode = .threads
        key.cpus = 1
        key.sweepParameter = .checkInterval
        key.checkInterval = 10
        #expect(RatioKind.sweptInterval(of: key) == .checkInterval(10))
        #expect(RatioKind.checkInterval(10).denominator(of: key).checkInterval == 100)
        #expect(RatioKind.oneCPUOver(cpus: 2).denominator(of: key).cpus == 2)
        let worker = RatioKind.threadsOverWorkerThread.denominator(of: key)
        #expect(worker.mode == .sequential && worker.sequentialThread == .worker)
        key.checkInterval = 100
        #expect(RatioKind.sweptInterval(of: key) == nil, "the default over itself is no ratio")
    }

    @Test("Compare's thresholds are keyed by the typed metric: a ratio's threshold leaves the column's alone")
    func thresholdsByMetric() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.0, 2.1, 1.9, 2.0, 2.0])
        let cur = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.3, 2.4, 2.2, 2.3, 2.3])
        let threadsOverSequential = ComparedMetric.ratio(.overSequential(.threads))
        let comparison = try Comparison(
            baseline: ResultFile(path: "base.csv", text: resultText(base)), current: ResultFile(path: "cur.csv", text: resultText(cur)),
            options: .init(thresholds: [threadsOverSequential: 0.5]))
        let ratio = try #require(comparison.entries.first { $0.metric == threadsOverSequential })
        #expect(ratio.threshold == 0.5 && ratio.decision == .unchanged)
        let wall = try #require(comparison.entries.first { $0.metric == .column(.wallSeconds) && $0.configuration.contains("threads") })
        #expect(wall.threshold == 0.10 && wall.decision == .regression)
        // Every format still prints the metric by its name.
        #expect(comparison.render(.csv).contains(",threads/sequential,lower-is-better,"))
        #expect(comparison.render(.json).contains("\"metric\" : \"threads\\/sequential\""))
        #expect(comparison.verdict.contains("wall_s ("))
    }

    @Test("The 2009 figures are those of slides 80 and 133, looked up by the typed ratio")
    func figures2009() throws {
        #expect(try #require(SlideReference.ratio(.overSequential(.threads))) == 45.5 / 24.6)
        #expect(try #require(SlideReference.ratio(.oneCPUOver(cpus: 2))) == 38.0 / 45.5)
        #expect(try #require(SlideReference.ratio(.overSequential(.processes))) == 12.5 / 24.6)
        for kind in [RatioKind.oneCPUOver(cpus: 4), .overSequential(.pool), .workerOverMainThread, .checkInterval(10)] {
            #expect(SlideReference.ratio(kind) == nil, "\(kind)")
        }
    }
}
