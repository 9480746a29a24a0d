import Testing
@testable import GilBench

/// A gilbench CSV with the current header and the given rows (cells by column; others empty).
func resultText(_ rows: [[Column: String]]) -> String {
    var lines = [Column.header]
    for cells in rows {
        var record = CSVRecord()
        record.set(.schemaVersion, Column.currentSchemaVersion)
        record.set(.runID, "r1")
        for (column, value) in cells { record[column] = value }
        lines.append(record.line)
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Rows of a countdown run: `walls` per mode, repetitions numbered from 1.
func countdownRows(sequential: [Double], threads: [Double], extra: [Column: String] = [:]) -> [[Column: String]] {
    var rows: [[Column: String]] = []
    for (mode, walls) in [("sequential", sequential), ("threads", threads)] {
        for (i, wall) in walls.enumerated() {
            var cells: [Column: String] = [
                .workload: "countdown", .mode: mode, .gil: "ticks", .lock: "semaphore", .tasks: "2",
                .threads: mode == "threads" ? "2" : "1", .cpus: "2", .n: "1000", .checkInterval: "100",
                .repeat: String(i + 1), .wallSeconds: String(wall), .ticks: "4000",
            ]
            cells.merge(extra) { _, new in new }
            rows.append(cells)
        }
    }
    return rows
}

@Suite("Reading gilbench CSV files")
struct ResultFileTests {
    @Test("A well-formed file reads back with each row's line, quoted commas and line breaks included")
    func readsRows() throws {
        var rows = countdownRows(sequential: [1, 2], threads: [3])
        rows[0][.cpuModel] = "Xeon, \"fast\"\nsecond line"
        let file = try ResultFile(path: "a.csv", text: resultText(rows))
        #expect(file.rows.map(\.line) == [2, 4, 5])
        #expect(file.rows[0].record[.cpuModel] == "Xeon, \"fast\"\nsecond line")
        #expect(file.rows[2].record[.wallSeconds] == "3.0")
    }

    @Test("Each kind of malformed file is refused with its file and line", arguments: [
        ("a,b\n1,2\n", "a.csv line 1: not a gilbench CSV"),
        ("", "a.csv: the file is empty"),
        ("HEADER\nschema,\"open\n", "a.csv line 2: a quoted field opened here is never closed"),
        ("HEADER\n1,ab\"c\n", "a.csv line 2: a quote inside an unquoted field (field 2)"),
        ("HEADER\n1,\"ab\"c\n", "a.csv line 2: text after the closing quote of field 2"),
        ("HEADER\n1,r1\n", "a.csv line 2: a ragged row: 2 fields where the header has"),
        ("HEADER\n", "a.csv line 1: a header and no rows"),
    ])
    func refusesMalformed(text: String, message: String) {
        let text = text.replacingOccurrences(of: "HEADER", with: Column.header)
        #expect {
            _ = try ResultFile(path: "a.csv", text: text)
        } throws: { error in
            guard let error = error as? GilBenchError else { return false }
            return error.code == .badInput && error.message.hasPrefix(message)
        }
    }

    @Test("Another schema version, a missing column and a non-numeric metric are refused with their line")
    func refusesContent() {
        let good = resultText(countdownRows(sequential: [1, 2], threads: [3]))
        var lines = good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var other = lines
        other[2] = "2" + other[2].dropFirst()
        #expect(message(other) == "a.csv line 3: schema_version is '2'; this gilbench reads version 1 only")
        let gitIndex = Column.allCases.firstIndex(of: .gitCommit)!
        other = lines.map { line in
            guard !line.isEmpty else { return line }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false)
            cells.remove(at: gitIndex)
            return cells.joined(separator: ",")
        }
        #expect(message(other) == "a.csv line 1: missing column git_commit")
        lines[2] = lines[2].replacingOccurrences(of: ",2.0,", with: ",fast,")
        #expect(message(lines) == "a.csv line 3: column wall_s holds 'fast', not a number")
    }

    private func message(_ lines: [String]) -> String? {
        do {
            _ = try ResultFile(path: "a.csv", text: lines.joined(separator: "\n"))
            return nil
        } catch {
            return error.message
        }
    }
}

@Suite("Mann-Whitney U test")
struct MannWhitneyTests {
    @Test("Exact p-values match scipy 1.17 mannwhitneyu(method=\"exact\")")
    func exact() {
        // Completely separated samples of 5: p = 2 / C(10, 5) = 2/252.
        let separated = MannWhitney.test([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
        #expect(separated.method == .exact)
        #expect(separated.u == 0)
        #expect(abs(separated.p - 2.0 / 252) < 1e-12)
        // Interleaved: x = 1,3,5,7,9 against y = 2,4,6,8,10: U = 10, p = 0.6904761904761905.
        let interleaved = MannWhitney.test([1, 3, 5, 7, 9], [2, 4, 6, 8, 10])
        #expect(interleaved.u == 10)
        #expect(abs(interleaved.p - 0.6904761904761905) < 1e-12)
    }

    @Test("The exact distribution of U sums to C(n+m, n) and is symmetric")
    func distribution() {
        let d = MannWhitney.exactDistribution(4, 6)
        #expect(d.reduce(0, +) == 210)
        #expect(d == d.reversed())
    }

    @Test("Ties take the normal approximation with tie correction (scipy 1.17 asymptotic: p = 0.0097008)")
    func ties() {
        let r = MannWhitney.test([1, 1, 1, 2, 2], [3, 3, 4, 4, 4])
        #expect(r.method == .normalApproximation)
        #expect(r.u == 0)
        #expect(abs(r.p - 0.009700785068229596) < 1e-12)
        #expect(MannWhitney.test([5, 5, 5], [5, 5, 5]).p == 1)
    }

    @Test("Too few repetitions can never reach alpha 0.05: 3 and 3 cannot, 4 and 4 can")
    func smallestPValue() {
        #expect(MannWhitney.smallestPValue(3, 3) == 0.1)
        #expect(MannWhitney.smallestPValue(4, 4) < 0.05)
    }
}

@Suite("Comparing runs")
struct ComparisonTests {
    func compare(_ baseline: [[Column: String]], _ current: [[Column: String]], _ options: Comparison.Options = .init()) throws -> Comparison {
        try Comparison(
            baseline: ResultFile(path: "base.csv", text: resultText(baseline)),
            current: ResultFile(path: "cur.csv", text: resultText(current)), options: options)
    }

    @Test("A file compared with itself: no change, no regression")
    func itself() throws {
        let rows = countdownRows(sequential: [1.0, 1.1, 0.9, 1.0, 1.05], threads: [2.0, 2.1, 1.9, 2.2, 2.0])
        let c = try compare(rows, rows)
        #expect(c.exitStatus == .success)
        #expect(c.entries.allSatisfy { $0.relativeChange == 0 && $0.decision == .unchanged })
        #expect(c.entries.contains { $0.metric == .ratio(.overSequential(.threads)) })
    }

    @Test("Slower threads: wall_s and threads/sequential regress; the sequential run does not")
    func regression() throws {
        let base = countdownRows(sequential: [1.0, 1.1, 0.9, 1.0, 1.05], threads: [2.0, 2.1, 1.9, 2.2, 2.0])
        let slow = countdownRows(sequential: [1.0, 1.05, 0.95, 1.0, 1.1], threads: [3.0, 3.1, 2.9, 3.2, 3.0])
        let c = try compare(base, slow)
        #expect(c.exitStatus == .regression)
        #expect(Set(c.regressions.map(\.metric)) == [.column(.wallSeconds), .ratio(.overSequential(.threads))])
        #expect(c.regressions.allSatisfy { $0.configuration.contains("threads") && $0.pValue != nil })
        // Each change has current/baseline with its bootstrap interval: threads' wall went from 2.0 to 3.0.
        let wall = try #require(c.regressions.first { $0.metric == .column(.wallSeconds) }?.currentOverBaseline)
        #expect(wall.value == 1.5)
        let interval = try #require(wall.interval)
        #expect(interval.low > 1.3 && interval.high < 1.7 && interval.low <= 1.5 && interval.high >= 1.5)
        let text = c.render(.text)
        #expect(text.contains("current/baseline [95%]") && text.contains("1.500 [\(String(format: "%.3f", interval.low)), \(String(format: "%.3f", interval.high))]"))
        #expect(c.render(.csv).split(separator: "\n")[0].hasSuffix(",ratio,ratio_low,ratio_high"))
        // Reversed, the same change is an improvement.
        let back = try compare(slow, base)
        #expect(back.exitStatus == .success)
        #expect(Set(back.improvements.map(\.metric)) == [.column(.wallSeconds), .ratio(.overSequential(.threads))])
    }

    @Test("Beyond the threshold but not significant: no regression")
    func notSignificant() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.0, 1.0, 3.0, 2.0, 2.5])
        let cur = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.6, 1.2, 3.1, 2.2, 3.0])
        let c = try compare(base, cur, .init(metrics: [.column(.wallSeconds)]))
        let entry = try #require(c.entries.first { $0.configuration.contains("threads") })
        #expect(entry.relativeChange > 0.10)
        #expect(entry.decision == .notSignificant)
        #expect(c.exitStatus == .success)
    }

    @Test("Two repetitions: the threshold alone decides, and the output says so")
    func thresholdOnly() throws {
        let c = try compare(countdownRows(sequential: [1, 1], threads: [2, 2]), countdownRows(sequential: [1, 1], threads: [3, 3]))
        #expect(c.regressions.allSatisfy { $0.pValue == nil })
        #expect(c.exitStatus == .regression)
        #expect(c.render(.text).contains("decided by threshold alone"))
    }

    @Test("Thresholds and --metrics are honoured; informational metrics never regress")
    func options() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.0, 2.1, 1.9, 2.0, 2.0])
        let cur = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2.3, 2.4, 2.2, 2.3, 2.3], extra: [.ticks: "8000"])
        let loose = try compare(base, cur, .init(thresholds: [.column(.wallSeconds): 0.5, .ratio(.overSequential(.threads)): 0.5]))
        #expect(loose.exitStatus == .success)
        #expect(loose.entries.contains { $0.metric == .column(.ticks) && $0.decision == .changed })
        let only = try compare(base, cur, .init(metrics: [.ratio(.overSequential(.threads))]))
        #expect(only.entries.map(\.metric) == [.ratio(.overSequential(.threads))])
        #expect(only.exitStatus == .regression)
    }

    @Test("No configuration in common is bad input; --ignore makes them match")
    func noCommonConfiguration() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2, 2, 2, 2, 2])
        let other = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [9, 9, 9, 9, 9], extra: [.checkInterval: "1"])
        #expect {
            _ = try compare(base, other)
        } throws: { error in
            (error as? GilBenchError)?.code == .badInput
                && (error as? GilBenchError)?.message.contains("no configuration in common") == true
        }
        let matched = try compare(base, other, .init(ignoredColumns: [.checkInterval]))
        #expect(matched.exitStatus == .regression)
    }

    @Test("Every format names the regressions; JSON and CSV carry infinite changes")
    func formats() throws {
        let base = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [2, 2, 2, 2, 2], extra: [.gilFailedAcquisitions: "0"])
        let cur = countdownRows(sequential: [1, 1, 1, 1, 1], threads: [3, 3, 3, 3, 3], extra: [.gilFailedAcquisitions: "7"])
        let c = try compare(base, cur)
        for format in Comparison.Format.allCases {
            #expect(c.render(format).contains("gil_failed_acquisitions"), "\(format)")
        }
        #expect(c.render(.markdown).contains("**regression**"))
        #expect(c.render(.json).contains("\"inf\""))
        #expect(c.render(.csv).contains(",inf,"))
    }
}

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
