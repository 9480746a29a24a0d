import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import GilBench

@Suite("SVG plots: the simulator against the real interpreters")
struct FidelityChartTests {
    @Test("One point per ratio at (real, simulated), inside the ±10% band when within 10%, with y = x and the band's lines")
    func pointsAroundTheDiagonal() throws {
        // cpython-3.11.7's threads/sequential is 1.2 and the simulator's 1.3 (+8.3%); then the simulator at 1.5 (+25%).
        let within = Fidelity(rows: TwinFinderTests.pythonAndSimulatorRows()).entries
        let outside = Fidelity(rows: TwinFinderTests.pythonAndSimulatorRows().map { row in
            var r = row
            if r.key.engine == .simulator && r.key.mode == .threads { r.measurements.wallSeconds = 3.0 }
            return r
        }).entries
        let entries = within + outside
        try #require(entries.count == 2)
        let elements = try svgElements(FidelityChart(entries: entries).render().render())
        #expect(elements.first?.name == "svg")
        let points = elements.filter { $0.name == "circle" }
        #expect(points.map { $0.value("data-x") } == ["1.2", "1.2"])
        #expect(points.map { $0.value("data-y") } == ["1.3", "1.5"])
        #expect(points.map { $0.value("data-series") } == ["cpython-3.11.7", "cpython-3.11.7"])
        let references = elements.filter { $0.name == "line" }.compactMap { $0.value("data-reference") }
        #expect(references == ["y = x", "+10%", "−10%"])
        // A point's y lies between the band's lines at its x exactly when its error is within 10%.
        for (point, entry) in zip(points, entries) {
            let cy = try #require(Double(point.value("cy") ?? ""))
            let lines = elements.filter { $0.name == "line" && $0.value("data-reference") != nil }
            func yOfLine(_ i: Int, atPixelX px: Double) throws -> Double {
                let l = lines[i]
                let (x1, y1, x2, y2) = (
                    Double(l.value("x1") ?? "") ?? 0, Double(l.value("y1") ?? "") ?? 0, Double(l.value("x2") ?? "") ?? 0, Double(l.value("y2") ?? "") ?? 0)
                return y1 + (y2 - y1) * (px - x1) / (x2 - x1)
            }
            let cx = try #require(Double(point.value("cx") ?? ""))
            let above = try yOfLine(1, atPixelX: cx), below = try yOfLine(2, atPixelX: cx)
            #expect((cy >= above && cy <= below) == (abs(entry.error) <= FidelityChart.band), "\(entry.ratio)")
        }
    }
}
