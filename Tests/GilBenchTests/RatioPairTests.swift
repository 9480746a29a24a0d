import Testing
@testable import GilBench

@Suite("Ratio pairs")
struct RatioPairTests {
    @Test("threads/sequential pairs twins that differ only in mode; 1 cpu/2 cpus only in CPUs")
    func pairs() throws {
        var rows = countdownRows(sequential: [1], threads: [2])
        rows += countdownRows(sequential: [1], threads: [1.5], extra: [.cpus: "1"])
        let file = try ResultFile(path: "a.csv", text: resultText(rows))
        let summary = Summary(rows: file.results)
        #expect(summary.ratioPairs.map(\.kind) == [.overSequential(.threads), .overSequential(.threads), .oneCPUOver(cpus: 2)])
        #expect(summary.ratios.map(\.name) == ["threads/sequential", "threads/sequential", "1 cpu/2 cpus"])
        #expect(summary.ratios.map(\.value) == [2, 1.5, 0.75])
    }
}
