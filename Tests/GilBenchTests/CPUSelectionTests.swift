import Foundation
import Testing
@testable import GilBench

@Suite("CPU selection")
struct CPUSelectionTests {
    @Test("Counts and lists resolve against the CPUs allowed")
    func resolves() throws {
        #expect(try CPUAffinity.resolve(.all, allowed: [0, 1]) == [0, 1])
        #expect(try CPUAffinity.resolve(.count(1), allowed: [2, 3]) == [2])
        #expect(try CPUAffinity.resolve(.list([1]), allowed: [0, 1]) == [1])
        #expect(throws: GilBenchError.self) { try CPUAffinity.resolve(.count(3), allowed: [0, 1]) }
        #expect(throws: GilBenchError.self) { try CPUAffinity.resolve(.list([5]), allowed: [0, 1]) }
        #expect(CPUSelection(argument: "0") == nil)
        #expect(CPUSelection(list: "0,x") == nil)
    }

    @Test("A run pinned to one CPU stays on it, and the previous affinity comes back afterwards")
    func pinsAndRestores() throws {
        let before = try CPUAffinity.current()
        var c = RunConfiguration()
        c.n = 1000
        c.cpus = .count(1)
        let session = Session(writer: nil)
        try session.run([c])
        #expect(session.rows.first?.cpus == 1)
        #expect(try CPUAffinity.current() == before)
    }
}
