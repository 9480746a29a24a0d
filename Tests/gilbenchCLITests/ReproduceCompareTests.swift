import Foundation
import Testing

@Suite("reproduce's CSV is gilbench's CSV")
struct ReproduceCompareTests {
    @Test("compare accepts a reproduce CSV (with its failed wake-up histograms) against itself")
    func compareItself() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try reproduceQuietly(only: "98", into: folder)
        let csv = try #require(runCSV(in: folder + "/results"))
        #expect(lines(csv).dropFirst().allSatisfy { $0.contains(",failed-acquisitions,") })
        let compared = try runGilbench(["compare", csv, csv])
        #expect(compared.status == 0, "\(compared.stdout)\(compared.stderr)")
    }
}
