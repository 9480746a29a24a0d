import GilBenchSimulator
import Foundation

/// A real Python interpreter that `gilbench python` measures beside the simulator.
public struct PythonInterpreter: Sendable, Equatable {
    /// The executable, as found on PATH or given.
    public var path: String
    /// `cpython`, `pypy`, ...
    public var implementation: String
    /// The language version, e.g. `3.11.7`.
    public var version: String
    /// PyPy's own version, e.g. `7.3.11`.
    public var implementationVersion: String?
    /// The file its GIL's code lives in, as the running interpreter mapped it: its `libpython*.so`, or
    /// the executable itself when statically linked; nil when it could not tell.
    public var library: String?
    /// Whether it runs with a GIL: false for Jython and for a free-threaded CPython running without
    /// one (``PythonPrograms``' `gil_state`).
    public var hasGIL: Bool
    /// Whether it is a free-threaded CPython build (PEP 703, `--disable-gil`): its engine name ends
    /// in `t`, as its executable's (`python3.13t`).
    public var isFreeThreaded: Bool
    /// Modules some twins need that it lacks (`multiprocessing`, `ctypes`): those twins are left out.
    public var missingModules: [String]

    package init(
        path: String, implementation: String, version: String, implementationVersion: String? = nil, library: String? = nil,
        hasGIL: Bool = true, isFreeThreaded: Bool = false, missingModules: [String] = []
    ) {
        self.path = path
        self.implementation = implementation
        self.version = version
        self.implementationVersion = implementationVersion
        self.library = library
        self.hasGIL = hasGIL
        self.isFreeThreaded = isFreeThreaded
        self.missingModules = missingModules
    }

    /// The `engine` column: `cpython-3.11.7`, `pypy-7.3.11`, `jython-2.7.3`, `cpython-3.13.5t` (free-threaded).
    public var engine: String { "\(implementation)-\(implementationVersion ?? version)" + (isFreeThreaded ? "t" : "") }

    /// The GIL design this interpreter has, in gilbench's names: `interval` for CPython 3.2+,
    /// `ticks` for CPython 2, `none` for an interpreter without a GIL (Jython, free-threaded
    /// CPython); nil when gilbench has no model of it (PyPy's GIL).
    public var gilDesign: GILDesign? {
        if !hasGIL { return GILDesign.none }
        guard implementation == "cpython" else { return nil }
        let parts = versionNumbers
        guard parts.count >= 2 else { return nil }
        return (parts[0], parts[1]) >= (3, 2) ? .interval : .ticks
    }

    /// Where this interpreter's eval loop checks its GIL (``CheckPoints/init(major:minor:)``): what
    /// its simulator twins run with. nil when gilbench has no model of its GIL (PyPy's).
    public var checkPoints: CheckPoints? {
        guard gilDesign != nil else { return nil }
        return CheckPoints(pythonVersion: version)
    }

    /// The language version's numbers, `[3, 11, 7]`: for ordering versions.
    public var versionNumbers: [Int] { version.split(separator: ".").compactMap { Int($0) } }

    /// Whether it is Python 3 (switch interval) rather than 2 (check interval).
    public var hasSwitchInterval: Bool { version.hasPrefix("3") || (Int(version.prefix(while: \.isNumber)) ?? 0) >= 3 }

    /// Finds `name` on PATH (or takes it as a path when it holds a slash).
    /// - Throws: `GilBenchError` `.runFailed` with one line when there is no such executable.
    public static func locate(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(GilBenchError) -> String {
        if name.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: name) else {
                throw GilBenchError(.runFailed, "\(name): no such executable")
            }
            return name
        }
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw GilBenchError(.runFailed, "\(name): not found on PATH")
    }
}
