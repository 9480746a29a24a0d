import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("CSV output")
struct CSVTests {
    func smallRun() -> RunConfiguration {
        var c = RunConfiguration()
        c.n = 10_000
        c.repetitions = 2
        c.warmup = 0
        return c
    }

    @Test("A new file gets the header, then one row per repetition, each written as measured")
    func writesHeaderAndRows() throws {
        let path = temporaryFilePath("csv-output", extension: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let session = Session(writer: try CSVWriter(path: path))
        // One attempt per repetition: a repetition disturbed by the tests that run beside this one
        // would otherwise be measured again, calling progress once more.
        session.maxAttempts = 1
        var threaded = smallRun()
        threaded.mode = .threads
        var seen = 0
        try session.run([smallRun(), threaded], progress: { done, _, _ in
            // Rows measured before this one are already in the file.
            let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").count ?? 0
            #expect(lines == 1 + done)
            seen += 1
        })
        #expect(seen == 4)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first.map(String.init) == Column.header)
        #expect(lines.count == 5)
        for line in lines.dropFirst() {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == Column.allCases.count)
        }
    }

    @Test("Appending keeps the rows already there")
    func appendKeepsRows() throws {
        let path = temporaryFilePath("csv-output", extension: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Session(writer: try CSVWriter(path: path)).run([smallRun()])
        try Session(writer: try CSVWriter(path: path)).run([smallRun()])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 2 + 2)
        #expect(lines.filter { $0 == Column.header }.count == 1)
    }

    @Test("A file with another header is refused and left untouched")
    func refusesOtherHeader() throws {
        let path = temporaryFilePath("csv-output", extension: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = "name,value\nx,1\n"
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: GilBenchError.self) { try CSVWriter(path: path) }
        do { _ = try CSVWriter(path: path) } catch {
            #expect(error.code == .unwritableOutput)
            #expect(error.message.contains("different header"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
    }

    @Test("An unwritable path is a clear error, not a crash")
    func unwritable() {
        #expect(throws: GilBenchError.self) { try CSVWriter(path: "/nonexistent-dir/x.csv") }
    }

    @Test("Fields with commas or quotes are quoted as RFC 4180 says")
    func quoting() {
        #expect(CSVRecord.quote("plain") == "plain")
        #expect(CSVRecord.quote("a,b") == "\"a,b\"")
        #expect(CSVRecord.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }

    @Test("Rows carry the configuration, the measurements and the machine")
    func rowContents() throws {
        let session = Session(writer: nil)
        var c = smallRun()
        c.mode = .threads
        c.repetitions = 1
        try session.run([c])
        let row = try #require(session.rows.first)
        #expect(row.schemaVersion == 1)
        #expect(row.mode == .threads)
        #expect(row.threads == 2)
        #expect(row.tasks == 2)
        #expect(row.lock == .semaphore)
        #expect(row.n == 10000)
        #expect(row.ticks == 2 * (3 * 10000 + 1))
        #expect(row.gilFailedAcquisitions == nil, "a semaphore cannot see failed wake-ups: empty, not 0")
        #expect(row.record[.gilFailedAcquisitions] == nil)
        #expect(row.wallSeconds ?? 0 > 0)
        #expect(row.machine.cores ?? 0 >= 1)
        #expect(!(row.machine.kernel ?? "").isEmpty)
        #expect(row.machine.gilbenchVersion == MachineInfo.gilbenchVersion)
    }

    @Test("The condition-variable lock reports failed acquisitions (a number, possibly 0)")
    func condvarCountsFailures() throws {
        let session = Session(writer: nil)
        var c = smallRun()
        c.lock = .condvar
        c.mode = .threads
        c.repetitions = 1
        try session.run([c])
        let row = try #require(session.rows.first)
        let failed = try #require(row.gilFailedAcquisitions, "a condition variable sees its failed wake-ups")
        #expect(failed >= 0)
        #expect(row.record[.gilFailedAcquisitions] == String(failed), "written as the number, 0 included")
    }
}
