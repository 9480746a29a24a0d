import CGilBench
import Foundation
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

    /// A CPython 3 library under pyenv's versions folder, if this machine has one.
    static let libpython: String? = {
        let versions = (ProcessInfo.processInfo.environment["PYENV_ROOT"] ?? NSHomeDirectory() + "/.pyenv") + "/versions"
        for version in ((try? FileManager.default.contentsOfDirectory(atPath: versions)) ?? []).sorted() where version.hasPrefix("3.") {
            let lib = versions + "/" + version + "/lib"
            if let name = ((try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []).first(where: { $0.hasPrefix("libpython3") && $0.hasSuffix(".so.1.0") }) {
                return lib + "/" + name
            }
        }
        return nil
    }()

    @Test("A real libpython (pyenv's, when present): take_gil and drop_gil are found where nm says",
          .enabled(if: libpython != nil, "no CPython 3 library under pyenv's versions folder"))
    func realLibpython() throws {
        let path = try #require(ELFSymbolTableTests.libpython)
        let table = try ELFSymbolTable(path: path)
        for symbol in ["take_gil", "drop_gil", "PyThread_acquire_lock"] {
            #expect(table.fileOffset(of: symbol) != nil, "\(symbol) in \(path)")
        }
        // nm (binutils), when present, reads the same address.
        let nm = ["/usr/bin/nm", "/bin/nm"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if let nm {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: nm)
            process.arguments = [path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let line = try #require(text.split(separator: "\n").first { $0.hasSuffix(" t take_gil") || $0.hasSuffix(" T take_gil") })
            #expect(UInt64(line.prefix(16), radix: 16) == table.functions["take_gil"])
        }
    }

    @Test("The extension's library is compiled once with cc, and exports churn where its ELF tables say",
          .enabled(if: (try? PythonInterpreter.locate("cc")) != nil, "no C compiler"))
    func churnLibrary() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("gilbench-churn-test-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let error = try #require(throws: GilBenchError.self) { try ChurnLibrary.path(compiler: "no-such-cc-here", cache: cache) }
        #expect(error.message == "no-such-cc-here: not found on PATH")
        let path = try ChurnLibrary.path(cache: cache)
        #expect(path.hasPrefix(cache + "/gilbench-churn-"))
        #expect(try ChurnLibrary.path(compiler: "no-such-cc-here", cache: cache) == path, "compiled once, then reused")
        #expect(try ELFSymbolTable(path: path).fileOffset(of: "churn") != nil)
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

    /// Whether uprobes can be defined here: root and tracefs's uprobe_events.
    static let canProbe = getuid() == 0 && TraceFS.roots.contains { FileManager.default.isWritableFile(atPath: $0 + "/uprobe_events") }

    @Test("The GIL counted inside a real CPython 3 (pyenv's): take_gil calls of a two-thread countdown, over its process tree",
          .enabled(if: libpython != nil && canProbe, "needs pyenv's CPython 3 and root with tracefs"))
    func countsRealGIL() throws {
        let bin = ((try #require(ELFSymbolTableTests.libpython) as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent + "/bin/python3"
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
