import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("Claims judged against the machine's ceiling")
struct CeilingCriterionTests {
    @Test("The threshold is halfway from no gain to the ceiling, and says where it comes from")
    func resolved() {
        let unresolved = Criterion("pool/sequential", .nearerCeilingThanNoGain)
        #expect(unresolved.needsCeiling)
        #expect(unresolved.text == "pool/sequential <= (1 + the machine's ceiling) / 2")
        #expect(unresolved.judge(Estimate(value: 0.6)) == nil, "no verdict before the run gives a ceiling")
        let criterion = unresolved.resolved(ceiling: 0.5)
        #expect(criterion.rule == .atMost(0.75) && !criterion.needsCeiling)
        #expect(criterion.text == "pool/sequential <= 0.75 ((1 + the machine's ceiling 0.500) / 2)")
        #expect(criterion.resolved(ceiling: 0.9) == criterion, "a fixed threshold stays as it is")
    }

    @Test("Selecting the hashing experiment runs the machine's ceiling too; others do not need it")
    func selection() throws {
        #expect(try Catalogue.select(["hashing"]).map(\.id) == ["machine", "hashing"])
        #expect(try Catalogue.select(["150"]).map(\.id) == ["machine", "hashing"])
        #expect(try Catalogue.select(["processes"]).map(\.id) == ["processes"])
    }

    /// A fake measurement: spin's processes and threads take `ceiling` of its sequential time, the
    /// pool and both hashing threads `parallel` of theirs.
    static func measure(ceiling: Double, parallel: Double) -> @Sendable (RunConfiguration, GILEventRecorder?) -> RunMeasurement {
        { c, _ in
            let share = c.workload == .spin ? ceiling : parallel
            var m = RunMeasurement(
                wallSeconds: c.mode == .sequential ? 1.0 : share, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: GILCounters())
            m.cpus = ReproductionRunTests.pinned(c)
            return m
        }
    }

    /// The verdict on slide 150's pool when the pool takes `parallel` of the sequential time on a
    /// machine whose ceiling is `ceiling`.
    static func pool(ceiling: Double, parallel: Double) throws -> Finding {
        let dir = try makeTemporaryDirectory("ceiling")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reproduction = try ReproductionRunTests.reproduction(["hashing"], in: dir, command: "gilbench reproduce --only hashing")
        let outcome = try reproduction.run(measure: measure(ceiling: ceiling, parallel: parallel), interrupted: { false })
        #expect(outcome.completed == ["machine", "hashing"])
        return try #require(outcome.findings.first { $0.claim.reference == SlideReference.Key(150, "pool") })
    }

    @Test("The same pool passes on a machine with a high ceiling and fails where two CPUs could do far better")
    func verdictFollowsTheCeiling() throws {
        let idle = try Self.pool(ceiling: 0.5, parallel: 0.8)
        #expect(idle.verdict.status == "not reproduced" && idle.claim.criterion.rule == .atMost(0.75))
        let busy = try Self.pool(ceiling: 0.7, parallel: 0.8)
        #expect(busy.verdict.status == "reproduced")
        #expect(busy.claim.criterion.rule == .atMost(0.85), "(1 + 0.7) / 2")
        #expect(busy.verdict.text(busy.claim.criterion).contains("meets pool/sequential <= 0.85 ((1 + the machine's ceiling 0.700) / 2)"))
    }

    @Test("Without the machine's rows the claim is not measured, with the reason")
    func withoutCeiling() throws {
        let dir = try makeTemporaryDirectory("ceiling")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reproduction = try ReproductionRunTests.reproduction(["hashing"], in: dir, command: "gilbench reproduce --only hashing")
        _ = try reproduction.run(measure: Self.measure(ceiling: 0.5, parallel: 0.6), interrupted: { false })
        let findings = Catalogue.hashing.findings(reproduction.session.rows, ceiling: nil)
        let pool = try #require(findings.first { $0.claim.reference == SlideReference.Key(150, "pool") })
        guard case .notMeasured(let reason) = pool.verdict else {
            Issue.record("expected not measured, got \(pool.verdict.status)")
            return
        }
        #expect(reason.contains("machine's ceiling"))
    }
}
