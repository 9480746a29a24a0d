import Foundation
import GilBench
import GilBenchTestSupport
import Testing

@Suite("reproduce's CSV is gilbench's CSV")
struct ReproduceCompareTests {
    @Test("compare accepts a reproduce CSV (with its failed wake-up histograms) against itself")
    func compareItself() throws {
        let folder = try makeTemporaryDirectory("reproduce")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try reproduceQuietly(only: "98", into: folder)
        let csv = try #require(runCSV(in: folder + "/results"))
        let rows = try readResults(csv)
        #expect(!rows.isEmpty && rows.allSatisfy { $0.experiment == "failed-acquisitions" })
        #expect(rows.contains { $0.failedWakeups != nil }, "the failed wake-up histograms compare reads")
        let compared = try runGilbench(["compare", csv, csv])
        #expect(compared.status == 0, "\(compared.stdout)\(compared.stderr)")
    }
}
