import GilBench
import Testing
@testable import gilbench

@Suite("--check-points: a schedule by name or by CPython version")
struct CheckPointsOptionTests {
    @Test("A version or a name sets every configuration's check points; without it each design keeps its own", arguments: [
        ("3.13", CheckPoints.backwardJumpsAndCalls311), ("3.10", .jumpsAndCalls310), ("3.9.18", .loopTop32), ("2.7", .ticker27),
        ("loop-top-3.2", .loopTop32), ("backward-jumps-and-calls-3.11", .backwardJumpsAndCalls311),
    ])
    func parsesIntoConfigurations(value: String, expected: CheckPoints) throws {
        let run = try parse(["run", "--workload", "race", "--mode", "threads", "--gil", "ticks,interval", "--check-points", value], as: Run.self)
        let configurations = try run.options.configurations()
        #expect(configurations.count == 2 && configurations.allSatisfy { $0.interpreterSettings.checkPoints == expected })
    }

    @Test("Without --check-points a design runs with its own")
    func defaultsToTheDesigns() throws {
        let run = try parse(["run", "--mode", "threads", "--gil", "ticks,interval"], as: Run.self)
        let configurations = try run.options.configurations()
        #expect(configurations.map(\.checkPoints) == [nil, nil])
        #expect(configurations.map(\.interpreterSettings.checkPoints) == [.ticker27, .loopTop32])
    }

    @Test("Anything else is a usage error, and the help shows the option")
    func refusedAndDocumented() throws {
        let failure = try #require(parseFailure(["run", "--check-points", "3.x"]))
        #expect(failure.status == 64 && failure.message.contains("--check-points"))
        #expect(help(Run.self).contains("  --check-points <check-points>"))
        #expect(help(Sweep.self).contains("  --check-points <check-points>"))
    }
}
