import Foundation
import Testing
@testable import GilBench

@Suite("reproduce --timeline: the report's section on the GIL, hand-off by hand-off")
struct GILTimelineReportTests {
    func report(_ timeline: Result<GILTimelineComparison, GilBenchError>?) -> ReproductionReport {
        let options = Reproduction.Options(scale: .quick, selected: [Catalogue.countdown], command: "gilbench reproduce --timeline", timeline: true)
        return ReproductionReport(
            options: options, machine: MachineInfo.current(), runID: "r1", csvFileName: "r1.csv", rows: [], findings: [], plots: [],
            completed: [], stopped: nil, elapsedSeconds: 3, gilTimeline: timeline)
    }

    @Test("Not asked for: no section; recorded: the comparison's table and its CSV named; refused: why, in one line")
    func section() {
        #expect(report(nil).gilTimelineSection().isEmpty)
        var comparison = GILTimelineComparison(runID: "r1")
        var row = GILTimelineComparison.Row(engine: "cpython-3.13.0", label: "countdown 2 threads cpus=all")
        row.real.holds = [5_000_000, 5_100_000]
        row.simulated.holds = [5_050_000, 5_000_000]
        row.real.handoffsPerThousand = [1000]
        row.simulated.handoffsPerThousand = [1000]
        comparison.rows = [row]
        let recorded = report(.success(comparison)).gilTimelineSection()
        #expect(recorded.contains("### The GIL, hand-off by hand-off"))
        #expect(recorded.contains("cpython-3.13.0, countdown 2 threads cpus=all"))
        #expect(recorded.contains("hand-offs per 1,000 acquisitions (real: release probe alone) real 1000.0  simulated 1000.0  x1.00 ok"))
        #expect(recorded.contains("`r1-gil-timeline.csv`"))
        let refused = report(.failure(GilBenchError(.unavailable, "uprobes are not available here"))).gilTimelineSection()
        #expect(refused.contains("Not recorded: uprobes are not available here"))
    }
}
