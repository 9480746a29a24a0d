import Testing
@testable import GilBench

@Suite("ResultFile: compare reads a gilbench CSV strictly, with the file and line of each problem")
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
