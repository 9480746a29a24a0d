import Foundation
import GilBenchTestSupport
import Testing

/// Real runs of `gilbench run`, made once and shared by the compare tests: a baseline of the
/// countdown (sequential and threads, 5 repetitions) and the same with `--check-interval 1`.
enum CompareFixture {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-compare-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs the countdown with `extra` options into `name` (once) and returns its path.
    static func run(_ name: String, _ extra: [String]) throws -> String {
        let path = path(name)
        if FileManager.default.fileExists(atPath: path) { return path }
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        let result = try runGilbench(
            ["run", "--n", "50000", "--mode", "sequential", "threads", "--repeat", "5", "--warmup", "0", "--quiet", "--output", partial] + extra)
        guard result.status == 0 else { throw FixtureError(message: "gilbench run failed: \(result.stderr)") }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        return path
    }

    struct FixtureError: Error { var message: String }

    /// The baseline and the check-interval-1 run. Made under a lock so that parallel tests share them.
    static func runs() throws -> (baseline: String, checkIntervalOne: String) {
        lock.lock()
        defer { lock.unlock() }
        return (try run("baseline.csv", []), try run("ci1.csv", ["--check-interval", "1"]))
    }

    private static let lock = NSLock()

    /// Writes `text` to a file of the fixture directory and returns its path.
    static func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The baseline's lines (header first).
    static func baselineLines() throws -> [String] {
        try String(contentsOfFile: runs().baseline, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

@Suite("gilbench compare, end to end")
struct CompareCommandTests {
    @Test("A file compared with itself exits 0 and shows no change", arguments: ["text", "markdown", "csv", "json"])
    func itself(format: String) throws {
        let base = try CompareFixture.runs().baseline
        let result = try runGilbench(["compare", base, base, "--format", format])
        #expect(result.status == 0, "\(result.stderr)")
        // Only the warning that the fixture's 5 repetitions are fewer than the U test's 9, once per side.
        let warnings = result.stderr.split(separator: "\n")
        #expect(warnings.count == 2 && warnings.allSatisfy { $0.contains("has 5 repetitions of a configuration, fewer than the 9") }, "\(result.stderr)")
        #expect(!result.stdout.contains("regressions:"))
        switch format {
        case "text", "markdown":
            #expect(result.stdout.contains("no regression ("))
            #expect(!result.stdout.contains("improved"))
            #expect(result.stdout.contains("+0.0%"))
            #expect(!result.stdout.contains("not-significant"))
            #expect(result.stdout.contains("threads/sequential"))
        case "csv":
            #expect(result.stdout.hasPrefix("configuration,metric,direction,"))
            // The decision, then current/baseline (1 for a file against itself, none over a zero
            // baseline) and its interval.
            #expect(result.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.contains(",unchanged,1,") || $0.hasSuffix(",unchanged,,,") })
        default:
            #expect(result.stdout.contains("\"regressions\" : 0"))
            #expect(result.stdout.contains("\"improvements\" : 0"))
        }
    }

    @Test("A run with --check-interval 1 against the baseline exits 2 and names the metrics")
    func checkIntervalOne() throws {
        let (base, ci1) = try CompareFixture.runs()
        let result = try runGilbench(["compare", base, ci1, "--ignore", "check_interval"])
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        let verdict = try #require(result.stdout.split(separator: "\n").last)
        // 100 times as many GIL releases: acquisitions explode in threads. (Sequentially there is
        // no lock to take: CPython 2 creates it when the first thread starts.)
        #expect(verdict.contains("regressions: "))
        #expect(verdict.contains("gil_acquisitions (countdown threads"))
        #expect(!verdict.contains("gil_acquisitions (countdown sequential"))
        // The markdown form bolds them.
        let markdown = try runGilbench(["compare", base, ci1, "--ignore", "check_interval", "--format", "markdown"])
        #expect(markdown.status == 2)
        #expect(markdown.stdout.contains("| gil_acquisitions |"))
        #expect(markdown.stdout.contains("**regression**"))
    }

    @Test("Without --ignore, runs with another check interval have no configuration in common: 65")
    func noCommonConfiguration() throws {
        let (base, ci1) = try CompareFixture.runs()
        let result = try runGilbench(["compare", base, ci1])
        #expect(result.status == 65)
        #expect(result.stderr.contains("have no configuration in common"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// A malformed copy of the baseline: (name, how to damage its lines, expected message).
    static let malformed: [(String, @Sendable ([String]) -> [String], String)] = [
        ("bad-quote.csv", { l in var l = l; l[2] = l[2].replacingOccurrences(of: "countdown", with: "count\"down"); return l },
         "line 3: a quote inside an unquoted field"),
        ("unclosed-quote.csv", { l in var l = l; l[4] = l[4].replacingOccurrences(of: ",countdown,", with: ",\"countdown,"); return l },
         "line 5: a quoted field opened here is never closed"),
        ("after-quote.csv", { l in var l = l; l[3] = l[3].replacingOccurrences(of: ",countdown,", with: ",\"count\"down,"); return l },
         "line 4: text after the closing quote of field"),
        ("missing-column.csv", { l in l.map { line in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false)
            cells.removeLast()
            return cells.joined(separator: ",")
        } }, "line 1: missing column git_commit"),
        ("schema-2.csv", { l in var l = l; l[5] = "2" + l[5].drop(while: { $0 != "," }); return l },
         "line 6: schema_version is '2'; this gilbench reads version 1 only"),
        ("not-gilbench.csv", { _ in ["name,value", "a,1"] }, "line 1: not a gilbench CSV"),
        ("ragged.csv", { l in var l = l; l[3] += ",extra"; return l },
         "line 4: a ragged row: "),
        ("non-numeric.csv", { l in
            var l = l
            var cells = l[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let wall = l[0].split(separator: ",").firstIndex(of: "wall_s")!
            cells[wall] = "fast"
            l[2] = cells.joined(separator: ",")
            return l
        }, "line 3: column wall_s holds 'fast', not a number"),
        ("header-only.csv", { l in [l[0]] }, "line 1: a header and no rows"),
        ("empty.csv", { _ in [] }, "the file is empty"),
    ]

    @Test("Malformed CSV: exit 65 and one line naming the file and line, as baseline or current",
          arguments: 0..<10)
    func malformedInput(index: Int) throws {
        let (name, damage, message) = Self.malformed[index]
        let base = try CompareFixture.runs().baseline
        let lines = damage(try CompareFixture.baselineLines())
        let bad = try CompareFixture.write(name, lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
        for arguments in [["compare", base, bad], ["compare", bad, base]] {
            let result = try runGilbench(arguments)
            #expect(result.status == 65, "\(name): \(result.stderr)")
            #expect(result.stderr.hasPrefix("gilbench: \(bad)"), "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("Unreadable input exits 66", arguments: ["missing", "directory"])
    func unreadable(kind: String) throws {
        let base = try CompareFixture.runs().baseline
        let path = kind == "missing" ? CompareFixture.path("does-not-exist.csv") : CompareFixture.directory.path
        let result = try expectRefusal(["compare", base, path], status: 66, "cannot read \(path): ")
        #expect(result.stderr.contains(kind == "missing" ? "No such file or directory" : "Is a directory"), "\(result.stderr)")
    }

    @Test("Bad options exit 64 with a message naming the option", arguments: [
        (["--threshold", "wall_s"], "--threshold takes METRIC=PERCENT"),
        (["--threshold", "wall_s=fast"], "--threshold wall_s needs a percentage"),
        (["--threshold", "speed=10%"], "unknown metric 'speed'"),
        (["--alpha", "2"], "--alpha must be between 0 and 1"),
        (["--metrics", "wall_s,nope"], "--metrics names unknown metric 'nope'"),
        (["--format", "xml"], "xml"),
        (["--ignore", "wall_s"], "--ignore takes configuration columns"),
    ])
    func badOptions(extra: [String], fragment: String) throws {
        try expectRefusal(["compare", "a.csv", "b.csv"] + extra, fragment)
    }

    @Test("--metrics and --threshold shape the comparison")
    func metricsAndThresholds() throws {
        let (base, ci1) = try CompareFixture.runs()
        let result = try runGilbench([
            "compare", base, ci1, "--ignore", "check_interval", "--metrics", "ticks,instructions", "--format", "csv",
        ])
        // Ticks and instructions do not depend on the check interval, and never regress.
        #expect(result.status == 0, "\(result.stdout)")
        let rows = result.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { $0.contains(",informational,") && $0.contains(",unchanged,") })
        let loose = try runGilbench([
            "compare", base, ci1, "--ignore", "check_interval", "--metrics", "gil_acquisitions", "--threshold", "gil_acquisitions=100000%",
        ])
        #expect(loose.status == 0, "\(loose.stdout)")
    }

    @Test("The help text documents thresholds, the U test and the exit statuses")
    func help() throws {
        let result = try runGilbench(["compare", "--help"])
        #expect(result.status == 0)
        // Help text is wrapped to the terminal's width: compare with whitespace collapsed.
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for fragment in ["<baseline> <current>", "--threshold <metric=percent>", "--alpha", "--metrics", "--ignore", "Mann-Whitney",
                         "0 no regression, 2 regression, 64 bad command line", "65 malformed or mismatched input, 66 unreadable input"] {
            #expect(text.contains(fragment), "\(fragment)")
        }
    }
}
