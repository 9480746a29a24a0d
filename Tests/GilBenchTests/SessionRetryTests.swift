import Foundation
import Synchronization
import Testing
@testable import GilBench

@Suite("Session: a disturbed repetition is measured again")
struct SessionRetryTests {
    /// A session over `configuration` whose fake measurement's wall time is the call's number (1, 2, ...)
    /// and which is disturbed while `disturbed(call)`. Returns the rows and the calls made.
    func run(
        maxAttempts: Int, warmup: Int = 0, repetitions: Int = 2, disturbed: @escaping (Int) -> Bool
    ) throws -> (rows: [ResultRow], calls: Int) {
        var c = RunConfiguration()
        c.warmup = warmup
        c.repetitions = repetitions
        let session = Session(writer: nil)
        session.maxAttempts = maxAttempts
        var calls = 0
        try session.run([c], measure: { _ in
            calls += 1
            var m = RunMeasurement(wallSeconds: Double(calls), usage: ResourceUsage(), ticks: 0, instructions: 0, gil: nil)
            // The row's `disturbed` follows the measurement's own samples: marked when disturbed.
            m.disturbance = CPUDisturbance(
                stealSeconds: 0, foreignCPUSeconds: disturbed(calls) ? 1e3 : 0, cpuCount: 1, tickSeconds: 0.01)
            return m
        }, disturbed: { m in disturbed(Int(m.wallSeconds)) })
        return (session.rows, calls)
    }

    @Test("Always disturbed: measured K times, the row keeps the last and says so")
    func upToK() throws {
        let (rows, calls) = try run(maxAttempts: 3, disturbed: { _ in true })
        #expect(calls == 6)
        #expect(rows.map(\.wallSeconds) == [3, 6], "the last attempt of each repetition is kept")
        #expect(rows.map(\.measurements.attempts) == [3, 3])
        #expect(rows.allSatisfy { $0.measurements.isDisturbed })
        #expect(rows.map(\.repetition) == [1, 2])
        let table = Summary(rows: rows).render()
        #expect(table.contains("*\n") || table.contains(" * ") || table.contains(" *  "), "\(table)")
        #expect(table.contains("* kept a disturbed repetition: steal, foreign CPU or CPU speed spread above the threshold after 3 attempts"))
    }

    @Test("Disturbed once: measured again once; undisturbed rows are not marked")
    func again() throws {
        let (rows, calls) = try run(maxAttempts: 3, disturbed: { $0 == 1 })
        #expect(calls == 3)
        #expect(rows.map(\.wallSeconds) == [2, 3])
        #expect(rows.map(\.measurements.attempts) == [2, 1])
        #expect(rows.map(\.measurements.disturbed) == [0, 0])
        let table = Summary(rows: rows).render()
        #expect(!table.contains("kept a disturbed"))
    }

    @Test("--max-attempts 1 never measures again; warm-ups are never measured again")
    func noRetry() throws {
        let once = try run(maxAttempts: 1, disturbed: { _ in true })
        #expect(once.calls == 2 && once.rows.map(\.measurements.attempts) == [1, 1])
        #expect(Summary(rows: once.rows).render().contains("after 1 attempt\n"))
        // Call 1 is the warm-up, disturbed: not measured again; call 2 is the repetition.
        let warm = try run(maxAttempts: 3, warmup: 1, repetitions: 1, disturbed: { $0 == 1 })
        #expect(warm.calls == 2 && warm.rows.map(\.wallSeconds) == [2] && warm.rows.map(\.measurements.attempts) == [1])
    }

    @Test("A configuration whose repetitions spread beyond 1.25 gets one warning naming it")
    func spread() throws {
        let (rows, _) = try run(maxAttempts: 1, repetitions: 3, disturbed: { _ in false })
        let warnings = Summary(rows: rows).spreadWarnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix(rows[0].key.label + ": repetitions spread 3.00x") == true, "\(warnings)")
        var tight = rows
        for i in tight.indices { tight[i].measurements.wallSeconds = 1 + Double(i) * 0.1 }
        #expect(Summary(rows: tight).spreadWarnings.isEmpty, "1.2: within the limit")
    }
}
