import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

/// A folder of fake interpreters: shell scripts that print what gilbench's `identify` prints.
private struct FakeMachine {
    let root: String
    var environment: [String: String] { ["PATH": root + "/bin", "PYENV_ROOT": root + "/pyenv", "HOME": root] }

    init() throws {
        root = temporaryFilePath("discovery", extension: nil)
        try script("bin/python3", impl: "cpython", version: "3.12.0")  // the same engine as pyenv's: kept once
        try script("bin/python3-config", impl: "cpython", version: "0.0")  // not an interpreter's name
        try script("pyenv/versions/2.7.18/bin/python2.7", impl: "cpython", version: "2.7.18")
        try script("pyenv/versions/2.6.9/bin/python2.6", impl: "cpython", version: "2.6.9")
        try script("pyenv/versions/3.9.1/bin/python3.9", impl: "cpython", version: "3.9.1")
        try script("pyenv/versions/3.12.0/bin/python3.12", impl: "cpython", version: "3.12.0")
        // A symlink to a file already found is not identified twice.
        try FileManager.default.createSymbolicLink(atPath: root + "/pyenv/versions/3.12.0/bin/python", withDestinationPath: "python3.12")
        try script("pyenv/versions/pypy3.9-7.3.15/bin/pypy3", impl: "pypy", version: "3.9.18", extra: #", "pypy_version": "7.3.15""#)
        try write("pyenv/versions/broken/bin/python", "#!/bin/sh\necho 'Segmentation fault'\n")
    }

    func script(_ path: String, impl: String, version: String, extra: String = "") throws {
        try write(path, #"#!/bin/sh\#necho 'GILBENCH-RESULT {"impl": "\#(impl)", "region_s": 0, "version": "\#(version)"\#(extra)}'\#n"#)
    }

    func write(_ path: String, _ text: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Adds Jython 2.7 on PATH and a free-threaded CPython 3.13 in pyenv, both without a GIL.
    func addGILLess() throws {
        try script("bin/jython", impl: "jython", version: "2.7.3",
                   extra: #", "gil_enabled": false, "free_threaded": false, "missing_modules": ["multiprocessing", "ctypes"]"#)
        try script("pyenv/versions/3.13.5t/bin/python3.13t", impl: "cpython", version: "3.13.5",
                   extra: #", "gil_enabled": false, "free_threaded": true, "missing_modules": []"#)
    }
}

@Suite("Real interpreters: discovery")
struct InterpreterDiscoveryTests {
    @Test("--python values: auto, all, none alone, or names; a keyword mixed with names is refused")
    func selection() throws {
        #expect(try PythonSelection(arguments: ["auto"]) == .auto)
        #expect(try PythonSelection(arguments: ["all"]) == .all)
        #expect(try PythonSelection(arguments: ["none"]) == .none)
        #expect(try PythonSelection(arguments: ["python2", "/opt/py"]) == .named(["python2", "/opt/py"]))
        #expect(throws: GilBenchError.self) { try PythonSelection(arguments: ["all", "python3"]) }
        #expect(throws: GilBenchError.self) { try PythonSelection(arguments: []) }
    }

    @Test("Interpreter names: python, python3.11, pypy3; not python3-config or python3.11-gdb.py")
    func names() {
        for name in ["python", "python2", "python2.7", "python3.11", "python3.13t", "pypy", "pypy3", "jython"] { #expect(InterpreterDiscovery.isInterpreterName(name), "\(name)") }
        for name in ["python3-config", "python3.11-gdb.py", "pythonw", "ipython", "pydoc3"] { #expect(!InterpreterDiscovery.isInterpreterName(name), "\(name)") }
    }

    @Test("Found on PATH and in pyenv, identified, each engine once; an unidentifiable one says why")
    func finds() throws {
        let machine = try FakeMachine()
        defer { machine.remove() }
        let found = InterpreterDiscovery.find(environment: machine.environment)
        let engines = found.compactMap { $0.interpreter?.engine }
        #expect(engines == ["cpython-3.12.0", "cpython-2.6.9", "cpython-2.7.18", "cpython-3.9.1", "pypy-7.3.15"])
        #expect(found.first?.origin == "PATH" && found.first?.path == machine.root + "/bin/python3")
        let broken = try #require(found.first { $0.interpreter == nil })
        #expect(broken.path.hasSuffix("broken/bin/python") && broken.problem?.contains("did not print a result") == true)
    }

    @Test("auto takes CPython 2.7 and the newest CPython 3; all takes every identified one; none none")
    func chooses() throws {
        let machine = try FakeMachine()
        defer { machine.remove() }
        let found = InterpreterDiscovery.find(environment: machine.environment)
        let auto = InterpreterDiscovery.choose(.auto, from: found)
        #expect(auto.filter(\.taken).compactMap(\.engine) == ["cpython-3.12.0", "cpython-2.7.18"])
        #expect(auto.filter { !$0.taken }.allSatisfy { !$0.reason.isEmpty })
        #expect(auto.first { $0.engine == "pypy-7.3.15" }?.taken == false)
        #expect(InterpreterDiscovery.choose(.all, from: found).filter(\.taken).count == 5)
        #expect(InterpreterDiscovery.choose(.none, from: found).allSatisfy { !$0.taken })
        let (taken, decisions) = InterpreterDiscovery.resolve(.auto, environment: machine.environment)
        #expect(taken == [machine.root + "/bin/python3", machine.root + "/pyenv/versions/2.7.18/bin/python2.7"])
        #expect(decisions.filter { !$0.path.isEmpty }.count == found.count)
        #expect(decisions.last?.line == InterpreterDiscovery.gilLessHint, "no interpreter without a GIL: one line says how to add one")
        #expect(InterpreterDiscovery.resolve(.none, environment: machine.environment).decisions.isEmpty, "none looks nowhere")
    }

    @Test("Without a GIL: Jython and a free-threaded CPython are recognised, paired with none; auto takes the free-threaded one")
    func withoutGIL() throws {
        let machine = try FakeMachine()
        defer { machine.remove() }
        try machine.addGILLess()
        let found = InterpreterDiscovery.find(environment: machine.environment)
        let jython = try #require(found.first { $0.interpreter?.implementation == "jython" }?.interpreter)
        let freeThreaded = try #require(found.first { $0.interpreter?.isFreeThreaded == true }?.interpreter)
        #expect(jython.engine == "jython-2.7.3" && !jython.hasGIL && jython.gilDesign == GILDesign.none)
        #expect(freeThreaded.engine == "cpython-3.13.5t" && freeThreaded.gilDesign == GILDesign.none)
        let auto = InterpreterDiscovery.choose(.auto, from: found)
        #expect(auto.filter(\.taken).compactMap(\.engine) == ["cpython-3.12.0", "cpython-2.7.18", "cpython-3.13.5t"],
                "the newest CPython 3 with a GIL stays 3.12; the free-threaded build is taken before Jython")
        #expect(auto.first { $0.engine == "cpython-3.13.5t" }?.reason.contains("none design") == true)
        #expect(auto.first { $0.engine == "jython-2.7.3" }?.taken == false)
        #expect(!auto.contains { $0.path.isEmpty }, "no hint when one was found")

        // Jython's twins: no processes, pools or extension (no multiprocessing, no ctypes), no sweep, no server.
        let twins = PythonExperiment.catalogue(for: jython, n: 1000, raceN: 1000, tree: "/tmp", repetitions: 1, sweep: nil)
        #expect(!twins.contains { $0.configuration.mode == .processes || $0.configuration.mode == .pool })
        #expect(!twins.contains { $0.configuration.workload == .extension || $0.configuration.sweepParameter != nil })
        #expect(twins.contains { $0.program == "threads" } && twins.contains { $0.program == "race" })
        #expect(twins.allSatisfy { $0.configuration.engine == .interpreter(name: "jython-2.7.3", gil: GILDesign.none) })
        #expect(PythonExperiment.leftOut(for: jython)
            == "jython-2.7.3 has no multiprocessing (processes and pools left out), no ctypes (the extension left out), "
                + "no os.fork, select.epoll or resource (the server left out), no GIL (the interval sweep left out)")
        #expect(!twins.contains { $0.twin == "server" })
        let withGIL = try #require(found.first { $0.interpreter?.engine == "cpython-3.12.0" }?.interpreter)
        #expect(PythonExperiment.leftOut(for: withGIL) == nil)
    }
}
