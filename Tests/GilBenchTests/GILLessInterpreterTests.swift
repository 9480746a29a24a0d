import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("Real interpreters without a GIL: Jython and free-threaded CPython")
struct GILLessInterpreterTests {
    /// The race and its locked twin on `python`, 2 repetitions of 20,000 updates, beside the `none` twins.
    static func race(_ python: String) throws -> RealInterpreterComparison.Measured {
        var options = InterpreterComparison.Options()
        options.raceN = 20_000
        options.twins = ["race"]
        options.repetitions = 2
        options.warmup = 0
        return try InterpreterComparison(options).measure(python, in: Session(writer: nil)).result.get()
    }

    @Test("Jython is identified as having no GIL, without multiprocessing, and measured beside the none design", .requiresJython)
    func jython() throws {
        let bench = try PythonBench(python: try #require(Capabilities.jython))
        #expect(bench.interpreter.implementation == "jython" && !bench.interpreter.hasGIL)
        #expect(bench.interpreter.gilDesign == GILDesign.none && bench.interpreter.missingModules.contains("multiprocessing"))
        let measured = try Self.race(bench.interpreter.path)
        #expect(measured.design == GILDesign.none)
        let locked = measured.rows.filter { $0.key.workload == .raceLocked && $0.key.engine != .simulator }
        #expect(locked.count == 2 && locked.allSatisfy { $0.measurements.raceFinalX == 0 }, "with the lock x always ends at 0")
    }

    @Test("A free-threaded CPython is identified by its build, named with a t, and measured beside the none design", .requiresFreeThreadedPython)
    func freeThreaded() throws {
        let bench = try PythonBench(python: try #require(Capabilities.freeThreadedPython))
        #expect(bench.interpreter.isFreeThreaded && !bench.interpreter.hasGIL && bench.interpreter.engine.hasSuffix("t"))
        let measured = try Self.race(bench.interpreter.path)
        #expect(measured.design == GILDesign.none)
        let locked = measured.rows.filter { $0.key.workload == .raceLocked && $0.key.engine != .simulator }
        #expect(locked.count == 2 && locked.allSatisfy { $0.measurements.raceFinalX == 0 })
    }
}
