import Foundation
import GilBench
import GilBenchTestSupport
import Testing

/// The run's CSV in a results folder (the one file named like a run id).
func runCSV(in folder: String) -> String? {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return files.first { $0.hasSuffix(".csv") && !$0.hasSuffix("-timeline.csv") }.map { folder + "/" + $0 }
}

/// Runs `gilbench reproduce --only <only>` on a small countdown (20,000), 3 repetitions and no
/// warm-up, quietly, into `folder`'s `results` and `plots`, and expects it to succeed.
@discardableResult
func reproduceQuietly(
    only: String, into folder: String, sourceLocation: SourceLocation = #_sourceLocation
) throws -> GilbenchResult {
    let result = try runGilbench([
        "reproduce", "--only", only, "--n", "20000", "--repeat", "3", "--warmup", "0",
        "--results", folder + "/results", "--plots", folder + "/plots", "--quiet", "--python", "none",
    ])
    #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
    return result
}

@Suite("gilbench reproduce and plot, end to end", .serialized)
struct ReproduceCommandTests {
    @Test("--list prints every slide of the catalogue and says what this build cannot run")
    func list() throws {
        let result = try runGilbench(["reproduce", "--list"])
        #expect(result.status == 0)
        for slide in ["43", "80", "86", "90", "96,97", "98", "104", "133", "148,150"] {
            #expect(result.stdout.contains("\n" + slide + " "), "slide \(slide)")
        }
        for name in ["countdown", "no-gil", "interval", "fair", "convoy"] {
            #expect(result.stdout.contains(name))
        }
    }

    @Test("--only refuses a slide no experiment covers, and bad sizes, with exit status 64", arguments: [
        (["reproduce", "--only", "99"], "--only 99: no experiment reproduces it"),
        (["reproduce", "--n=-1"], "--n must be 0 or more"),
        (["reproduce", "--repeat", "0"], "--repeat must be at least 1"),
    ])
    func badInput(arguments: [String], fragment: String) throws {
        try expectRefusal(arguments, fragment)
    }

    @Test("--only 80 runs the countdown alone, writes rows, report and plots; plot redraws the same SVG from the CSV")
    func onlyCountdown() throws {
        let folder = try makeTemporaryDirectory("reproduce")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try reproduceQuietly(only: "80", into: folder)
        #expect(result.stderr.isEmpty)
        let csv = try #require(runCSV(in: folder + "/results"))
        let rows = try readResults(csv)
        let report = try String(contentsOfFile: folder + "/results/REPORT.md", encoding: .utf8)
        // 3 repetitions of 3 configurations, then per extra round (when a claim was inconclusive) a
        // row of each configuration the inconclusive claims read: the sequential one and one or two others.
        let extra = report.contains("*Measured again: ") ? Int(report.components(separatedBy: "*Measured again: ")[1].prefix { $0.isNumber }) ?? 0 : 0
        #expect((2 * extra...3 * extra).contains(rows.count - 3 * 3), "\(report)")
        #expect(extra <= 3)
        #expect(rows.allSatisfy { $0.experiment == "countdown" && $0.workload == .countdown })
        #expect(report.contains("gilbench reproduce --only 80 --n 20000"))
        #expect(report.contains("](../plots/countdown-wall.svg)"))
        #expect(report.contains("not measured (not selected with --only)"))
        let drawn = try String(contentsOfFile: folder + "/plots/countdown-wall.svg", encoding: .utf8)

        let redraw = try runGilbench(["plot", csv, "--out", folder + "/again"])
        #expect(redraw.status == 0, "\(redraw.stderr)")
        #expect(redraw.stdout.contains("countdown-wall.svg"))
        #expect(try String(contentsOfFile: folder + "/again/countdown-wall.svg", encoding: .utf8) == drawn)
    }

    @Test("plot refuses a file that is not gilbench's (65) and one it cannot read (66)")
    func plotBadInput() throws {
        let folder = try makeTemporaryDirectory("plot")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "a,b\n1,2\n".write(toFile: folder + "/other.csv", atomically: true, encoding: .utf8)
        try expectRefusal(["plot", folder + "/other.csv", "--out", folder], status: 65, "not a gilbench CSV")
        try expectRefusal(["plot", folder + "/missing.csv"], status: 66, "cannot read")
    }

    @Test("Ctrl-C keeps the rows measured, writes the report, says how far it got, and exits 130")
    func interrupt() throws {
        let folder = try makeTemporaryDirectory("interrupt")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try gilbenchExecutable())
        process.arguments = [
            "reproduce", "--only", "80", "--n", "1000000", "--repeat", "50", "--warmup", "0",
            "--results", folder + "/results", "--plots", folder + "/plots",
        ]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        // Wait (without a deadline on the outcome) until at least one row is in the file.
        for _ in 0..<600 {
            if let csv = runCSV(in: folder + "/results"), let rows = try? readResults(csv), !rows.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(stderr.contains("interrupted after 0 of 1 experiments"), "\(stderr)")
        let csv = try #require(runCSV(in: folder + "/results"))
        let rows = try readResults(csv).count
        #expect(rows >= 1 && rows < 150)
        #expect(stderr.contains("the \(rows) rows measured are in"))
        let report = try String(contentsOfFile: folder + "/results/REPORT.md", encoding: .utf8)
        #expect(report.contains("**This run was interrupted**"))
    }
}
