import Foundation
import Testing
@testable import GilBench

@Suite("Reproduce: the slides' claims on a real interpreter and on its simulator twins")
struct ClaimFidelityTests {
    @Test("Each claim is decided on the real rows and on the twins by the catalogue's own criterion, with the error on its ratio")
    func decidesBoth() throws {
        let claims = ClaimFidelity(rows: TwinFinderTests.pythonAndSimulatorRows())
        let threads = try #require(claims.entries.first { $0.criterion.ratio == "threaded/sequential" })
        #expect(threads.slide == "80" && threads.engine == .interpreter(name: "cpython-3.11.7", gil: .interval) && threads.design == .interval)
        #expect(threads.real.observation?.ratio == 1.2 && threads.simulated.observation?.ratio == 1.3)
        #expect(threads.real.verdict.status == "not reproduced" && threads.simulated.verdict.status == "reproduced")
        #expect(abs((threads.error ?? 0) - 0.1 / 1.2) < 1e-9)
        #expect(claims.render().contains("not reproduced 1.2"))
        #expect(claims.markdown().contains("| 80 | two threads on two CPUs are slower than sequential (cpython-3.11.7) |"))
        // Not reproduced on the interpreter, reproduced on its twin: a fidelity miss, beside its error.
        #expect(claims.markdown().contains("| +8.3%; **fidelity miss**: verdicts differ |"))
    }

    @Test("Rows of the simulator alone, or of an interpreter gilbench has no design for, give no entry")
    func nothingToCompare() {
        let rows = TwinFinderTests.pythonAndSimulatorRows()
        #expect(ClaimFidelity(rows: rows.filter { $0.key.engine == .simulator }).entries.isEmpty)
        let pypy = rows.map { row -> ResultRow in
            var r = row
            if r.key.engine != .simulator { r.key.engine = .interpreter(name: "pypy-7.3.15", gil: nil); r.key.gil = nil }
            return r
        }
        #expect(ClaimFidelity(rows: pypy).entries.isEmpty)
    }
}
