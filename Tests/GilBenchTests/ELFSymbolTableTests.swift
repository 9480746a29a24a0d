import CGilBench
import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

@Suite("Real interpreters: ELF symbols and the GIL counted with uprobes")
struct ELFSymbolTableTests {
    @Test("gilbench's own test binary: gb_churn's file offset holds the bytes the loaded function starts with")
    func ownBinary() throws {
        let table = try ELFSymbolTable(path: "/proc/self/exe")
        let offset = try #require(table.fileOffset(of: "gb_churn"))
        let file = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe"))
        let function: @convention(c) (UInt64) -> UInt64 = gb_churn
        let loaded = unsafeBitCast(function, to: UnsafeRawPointer.self)
        let expected = [UInt8](UnsafeRawBufferPointer(start: loaded, count: 16))
        #expect([UInt8](file[Int(offset)..<Int(offset) + 16]) == expected)
        #expect(table.fileOffset(of: "no_such_function_here") == nil)
    }

    @Test("Not ELF, or truncated: one line, bad input")
    func refusesGarbage() throws {
        let notELF = try #require(throws: GilBenchError.self) { try ELFSymbolTable(data: Data("#!/bin/sh\n".utf8), name: "x") }
        #expect(notELF.code == .badInput && notELF.message == "x: not an ELF file")
        var header = [UInt8](repeating: 0, count: 64)
        header[0...5] = [0x7F, 0x45, 0x4C, 0x46, 2, 1]
        header[0x28] = 0xFF  // section headers past the end
        header[0x3C] = 1
        let truncated = try #require(throws: GilBenchError.self) { try ELFSymbolTable(data: Data(header), name: "y") }
        #expect(truncated.message == "y: truncated ELF file")
    }

    @Test("A real libpython (pyenv's): take_gil, drop_gil and PyThread_acquire_lock are found inside the file", .requiresPyenvLibpython3)
    func realLibpython() throws {
        let path = try #require(Capabilities.pyenvLibpython3)
        let table = try ELFSymbolTable(path: path)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64)
        for symbol in ["take_gil", "drop_gil", "PyThread_acquire_lock"] {
            let offset = try #require(table.fileOffset(of: symbol), "\(symbol) in \(path)")
            #expect(offset > 0 && offset < size, "\(symbol) in \(path)")
        }
    }

    @Test("A real libpython (pyenv's): take_gil is where nm says", .requiresPyenvLibpython3, .requiresNm)
    func realLibpythonAsNmReadsIt() throws {
        let path = try #require(Capabilities.pyenvLibpython3)
        let table = try ELFSymbolTable(path: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Capabilities.nm))
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(text.split(separator: "\n").first { $0.hasSuffix(" t take_gil") || $0.hasSuffix(" T take_gil") })
        #expect(UInt64(line.prefix(16), radix: 16) == table.functions["take_gil"])
    }

    @Test("The extension's library is compiled once with cc, and exports churn where its ELF tables say", .requiresCCompiler)
    func churnLibrary() throws {
        let cache = temporaryFilePath("churn-cache", extension: nil)
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let error = try #require(throws: GilBenchError.self) { try ChurnLibrary.path(compiler: "no-such-cc-here", cache: cache) }
        #expect(error.message == "no-such-cc-here: not found on PATH")
        let path = try ChurnLibrary.path(cache: cache)
        #expect(path.hasPrefix(cache + "/gilbench-churn-"))
        #expect(try ChurnLibrary.path(compiler: "no-such-cc-here", cache: cache) == path, "compiled once, then reused")
        let offset = try #require(try ELFSymbolTable(path: path).fileOffset(of: "churn"))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64)
        #expect(offset > 0 && offset < size)
    }

    @Test("PyPy and unknown implementations have nothing to probe: the reason, not a zero")
    func nothingToProbe() throws {
        let pypy = PythonInterpreter(path: "pypy3", implementation: "pypy", version: "3.9.18", implementationVersion: "7.3.15")
        #expect(throws: GilBenchError.self) { try InterpreterGILCounter(interpreter: pypy) }
        let python2 = PythonInterpreter(path: "python2", implementation: "cpython", version: "2.7.18")
        let symbols = try InterpreterGILCounter.symbols(for: python2).get()
        #expect(symbols.acquire == "PyThread_acquire_lock" && symbols.release == "PyThread_release_lock")
        #expect(throws: GilBenchError.self, "no library known") { try InterpreterGILCounter(interpreter: python2) }
    }

    @Test("A row without GIL counts leaves gil_acquisitions, gil_releases and gil_probe empty, never 0; with them, writes them")
    func emptyNotZero() throws {
        var m = RunMeasurement(wallSeconds: 1, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: nil)
        var record = ResultRow.Measurements(m)
        #expect(record.gilAcquisitions == nil && record.gilReleases == nil && record.gilProbe == nil)
        #expect(record[cell: .gilProbe] == nil && record[cell: .gilReleases] == nil)
        m.interpreterGIL = InterpreterGILCounts(acquisitions: 1733, releases: 1732, probe: "take_gil")
        record = ResultRow.Measurements(m)
        #expect(record[cell: .gilAcquisitions] == "1733" && record[cell: .gilReleases] == "1732" && record[cell: .gilProbe] == "take_gil")
    }

    @Test("A file written before gil_releases and gil_probe existed still reads")
    func olderFiles() throws {
        let columns = Column.allCases.filter { $0 != .gilReleases && $0 != .gilProbe }
        let cells = columns.map { c -> String in
            switch c {
            case .schemaVersion: "1"
            case .runID: "r1"
            case .engine: "simulator"
            case .workload: "countdown"
            case .mode: "sequential"
            case .wallSeconds: "1.5"
            default: ""
            }
        }
        let file = try ResultFile(path: "old.csv", text: columns.map(\.rawValue).joined(separator: ",") + "\n" + cells.joined(separator: ",") + "\n")
        #expect(file.rows.count == 1 && file.rows[0].result.gilProbe == nil)
    }

    @Test("The GIL counted inside a real CPython 3 (pyenv's): take_gil calls of a two-thread countdown, over its process tree",
          .requiresPyenvLibpython3, .requiresUprobes)
    func countsRealGIL() throws {
        let bin = ((try #require(Capabilities.pyenvLibpython3) as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent + "/bin/python3"
        let bench = try PythonBench(python: bin)
        #expect(!bench.countsGIL, "off by default: the probes slow the timed runs")
        bench.countsGIL = true
        let threads = try #require(PythonExperiment.catalogue(for: bench.interpreter, n: 200_000, raceN: 0, tree: nil, repetitions: 1, sweep: [])
            .first { $0.configuration.mode == .threads })
        let counted = try #require(try bench.measure(threads).interpreterGIL, "\(bench.gilCountingProblem ?? "")")
        #expect(counted.probe == "take_gil")
        #expect(counted.acquisitions > 0 && counted.releases > 0)
        #expect(abs(counted.acquisitions - counted.releases) <= 2, "every take_gil is followed by a drop_gil but the last ones")
    }
}
