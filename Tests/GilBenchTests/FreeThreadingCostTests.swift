import Foundation
import Testing
@testable import GilBench

@Suite("Free threading's cost to one thread")
struct FreeThreadingCostTests {
    static func sequential(_ engine: String, gil: GILDesign, walls: [Double]) -> [ResultRow] {
        walls.enumerated().map { k, wall in
            var row = TwinFinderTests.row(.sequential, wall: wall, engine: .interpreter(name: engine, gil: gil), gil: gil, experiment: "python")
            row.repetition = k + 1
            return row
        }
    }

    @Test("The free-threaded build's sequential countdown over the newest build with a GIL of its minor version")
    func ratio() throws {
        let rows = Self.sequential("cpython-3.13.5t", gil: .none, walls: [1.4, 1.42, 1.38])
            + Self.sequential("cpython-3.13.0", gil: .interval, walls: [1.0, 1.01, 0.99])
            + Self.sequential("cpython-3.12.0", gil: .interval, walls: [0.5, 0.5, 0.5])
            + Self.sequential("cpython-2.7.18", gil: .ticks, walls: [0.3, 0.3, 0.3])
        let cost = FreeThreadingCost(rows: rows)
        let entry = try #require(cost.entries.first)
        #expect(cost.entries.count == 1)
        #expect(entry.freeThreaded == "cpython-3.13.5t" && entry.withGIL == "cpython-3.13.0")
        #expect(abs(entry.ratio.value - 1.4) < 1e-9)
        let interval = try #require(entry.ratio.interval)
        #expect(interval.low <= 1.4 && 1.4 <= interval.high)
        #expect(cost.render().hasPrefix("sequential countdown, cpython-3.13.5t over cpython-3.13.0: 1.40 ["))
        #expect(cost.render().contains("(+40%) (patch versions differ"))
    }

    @Test("No free-threaded build, or none with a GIL of its minor version: nothing to report")
    func nothing() {
        #expect(FreeThreadingCost(rows: Self.sequential("cpython-3.13.0", gil: .interval, walls: [1, 1])).entries.isEmpty)
        #expect(FreeThreadingCost(rows: Self.sequential("cpython-3.13.5t", gil: .none, walls: [1, 1])
            + Self.sequential("cpython-3.12.0", gil: .interval, walls: [1, 1])).entries.isEmpty)
    }
}
