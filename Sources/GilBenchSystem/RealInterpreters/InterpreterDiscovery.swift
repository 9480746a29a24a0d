import GilBenchSimulator
import Foundation

/// Which real interpreters a command measures: `--python auto|all|none|NAME-OR-PATH...`.
public enum PythonSelection: Sendable, Equatable {
    /// CPython 2.7 (the slides' GIL, ticks on a semaphore) and the newest CPython 3 found.
    case auto
    /// Every interpreter found.
    case all
    /// None: the simulator only.
    case none
    /// These names (looked up on PATH) or paths, as given.
    case named([String])

    /// The selection as `--python` spells it.
    public var spelled: String {
        switch self {
        case .auto: "auto"
        case .all: "all"
        case .none: "none"
        case .named(let names): names.joined(separator: " ")
        }
    }

    /// The selection the `--python` values spell.
    /// - Throws: `GilBenchError` `.usage` when `auto`, `all` or `none` is mixed with other values.
    public init(arguments: [String]) throws(GilBenchError) {
        let keywords = ["auto": PythonSelection.auto, "all": .all, "none": .none]
        if arguments.count == 1, let keyword = keywords[arguments[0]] {
            self = keyword
            return
        }
        if let mixed = arguments.first(where: { keywords[$0] != nil }) {
            throw GilBenchError(.usage, "--python \(mixed) cannot be combined with other interpreters (got \(arguments.joined(separator: " ")))")
        }
        if arguments.isEmpty { throw GilBenchError(.usage, "--python needs auto, all, none or at least one interpreter") }
        self = .named(arguments)
    }
}

/// Finds the real Python interpreters on this machine: executables named `python`, `python2.7`,
/// `python3.11`, `pypy3`, ... on PATH and in pyenv's versions folder (`$PYENV_ROOT/versions/*/bin`,
/// `~/.pyenv` when `PYENV_ROOT` is unset), each identified by running gilbench's programs' `identify`
/// experiment, duplicates (symlinks, the same version twice) dropped.
///
/// ``choose(_:from:)`` then applies `--python`: `auto` takes CPython 2.7 (the interpreter of the slides,
/// whose GIL is the `ticks` design) and the newest CPython 3 (the `interval` design); every decision
/// carries its reason, printed and written in the report.
public enum InterpreterDiscovery {
    /// One executable found, identified or not.
    public struct Found: Sendable, Equatable {
        /// The executable's path.
        public var path: String
        /// `PATH` or `pyenv`.
        public var origin: String
        /// What it is; nil when it could not be identified (see ``problem``).
        public var interpreter: PythonInterpreter?
        /// Why it could not be identified.
        public var problem: String?
    }

    /// What `--python` made of one interpreter found (or named).
    public struct Decision: Sendable, Equatable {
        public var path: String
        /// `cpython-2.7.18`, or nil when it could not be identified.
        public var engine: String?
        public var taken: Bool
        /// Why it was taken or skipped, in a few words.
        public var reason: String

        /// One line: `taken cpython-2.7.18 (/root/.pyenv/versions/2.7.18/bin/python2.7): the slides' GIL`;
        /// a note about no interpreter (``note(_:)``) is its reason alone.
        public var line: String {
            path.isEmpty ? reason : "\(taken ? "taken" : "skipped") \(engine ?? "?") (\(path)): \(reason)"
        }

        /// A decision about no interpreter found: a note such as how to add one without a GIL.
        public static func note(_ text: String) -> Decision {
            Decision(path: "", engine: nil, taken: false, reason: text)
        }
    }

    /// The note `auto` and `all` add when no interpreter without a GIL was found: what could be added
    /// and how, so that the `none` design has a real interpreter beside it.
    public static let gilLessHint = """
        no Python without a GIL found, so the none design has no real twin: `apt-get install jython` adds \
        Jython 2.7; `scripts/install-free-threaded-python.sh` builds a free-threaded CPython 3.13 into pyenv's versions
        """

    /// Executable names taken for an interpreter: `python`, `python3`, `python3.11`, `python3.13t`
    /// (free-threaded), `pypy3`, `jython`, ... (not `python3-config`, `python3.11-gdb.py` and the like).
    public static func isInterpreterName(_ name: String) -> Bool {
        name.wholeMatch(of: /(python|pypy|jython)([0-9]+(\.[0-9]+)?t?)?/) != nil
    }

    /// Candidate executables: PATH's directories in order, then every version folder of pyenv, sorted.
    public static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [(path: String, origin: String)] {
        let files = FileManager.default
        var out: [(String, String)] = []
        func scan(_ directory: String, _ origin: String) {
            guard let names = try? files.contentsOfDirectory(atPath: directory) else { return }
            for name in names.sorted() where isInterpreterName(name) {
                let path = (directory as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if files.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue, files.isExecutableFile(atPath: path) {
                    out.append((path, origin))
                }
            }
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") where !directory.isEmpty {
            // pyenv's shims only forward to the versions scanned below.
            if directory.hasSuffix("/shims") { continue }
            scan(String(directory), "PATH")
        }
        let root = environment["PYENV_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".pyenv")
        let versions = (root as NSString).appendingPathComponent("versions")
        for version in ((try? files.contentsOfDirectory(atPath: versions)) ?? []).sorted() {
            scan(((versions as NSString).appendingPathComponent(version) as NSString).appendingPathComponent("bin"), "pyenv")
        }
        return out
    }

    /// Every interpreter found, identified; the same file (through symlinks) or the same engine found
    /// twice is kept once, at its first place.
    /// - Parameters:
    ///   - environment: where `PATH`, `PYENV_ROOT` and `HOME` are read.
    ///   - identify: runs one executable's `identify` (``PythonBench/identify(_:)`` but in tests).
    public static func find(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        identify: (String) throws(GilBenchError) -> PythonInterpreter = { path throws(GilBenchError) in try PythonBench.identify(path) }
    ) -> [Found] {
        var seenFiles: Set<String> = []
        var seenEngines: Set<String> = []
        var found: [Found] = []
        for (path, origin) in candidates(environment: environment) {
            let file = (path as NSString).resolvingSymlinksInPath
            guard seenFiles.insert(file).inserted else { continue }
            do throws(GilBenchError) {
                let interpreter = try identify(path)
                guard seenEngines.insert(interpreter.engine).inserted else { continue }
                found.append(Found(path: path, origin: origin, interpreter: interpreter))
            } catch {
                found.append(Found(path: path, origin: origin, interpreter: nil, problem: error.message))
            }
        }
        return found
    }

    /// The interpreters `selection` takes (names or paths) and every decision made: `auto` and `all`
    /// look on PATH and in pyenv (``find(environment:identify:)``); `none` and names look nowhere.
    public static func resolve(
        _ selection: PythonSelection, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (taken: [String], decisions: [Decision]) {
        switch selection {
        case .none: return ([], [])
        case .named(let names): return (names, choose(selection, from: []))
        case .auto, .all:
            let decisions = choose(selection, from: find(environment: environment))
            return (decisions.filter(\.taken).map(\.path), decisions)
        }
    }

    /// What `selection` takes of `found`. For ``PythonSelection/named(_:)`` the names are taken as given
    /// (they are identified when measured) and `found` is not consulted.
    public static func choose(_ selection: PythonSelection, from found: [Found]) -> [Decision] {
        func decision(_ f: Found, _ taken: Bool, _ reason: String) -> Decision {
            Decision(path: f.path, engine: f.interpreter?.engine, taken: taken, reason: reason)
        }
        switch selection {
        case .named(let names):
            return names.map { Decision(path: $0, engine: nil, taken: true, reason: "named by --python") }
        case .none:
            return found.map { decision($0, false, "--python none") }
        case .all:
            let hint = found.contains { $0.interpreter?.hasGIL == false } ? [] : [Decision.note(gilLessHint)]
            return found.map { f in
                f.interpreter == nil ? decision(f, false, "cannot be identified: \(f.problem ?? "?")")
                    : decision(f, true, f.interpreter?.hasGIL == false ? "--python all; \(withoutGIL(f.interpreter!))" : "--python all")
            } + hint
        case .auto:
            func newest(major: Int) -> Found? {
                found.filter { $0.interpreter?.implementation == "cpython" && $0.interpreter?.hasGIL == true && $0.interpreter?.versionNumbers.first == major }
                    .max { $0.interpreter!.versionNumbers.lexicographicallyPrecedes($1.interpreter!.versionNumbers) }
            }
            let two = newest(major: 2), three = newest(major: 3)
            // One interpreter without a GIL: the newest free-threaded CPython, else any (Jython).
            let gilLess = found.filter { $0.interpreter?.hasGIL == false }
            let noGIL = gilLess.filter { $0.interpreter?.isFreeThreaded == true }
                .max { $0.interpreter!.versionNumbers.lexicographicallyPrecedes($1.interpreter!.versionNumbers) } ?? gilLess.first
            return found.map { f in
                if let problem = f.problem { return decision(f, false, "cannot be identified: \(problem)") }
                if f == two { return decision(f, true, "the slides' GIL (ticks on a semaphore)") }
                if f == three { return decision(f, true, "the newest CPython 3 (the interval GIL)") }
                if f == noGIL { return decision(f, true, withoutGIL(f.interpreter!)) }
                if f.interpreter?.hasGIL == false {
                    return decision(f, false, "--python auto takes one Python without a GIL, a free-threaded CPython first (--python all takes it)")
                }
                return decision(f, false, "--python auto takes CPython 2.7, the newest CPython 3 and one Python without a GIL (--python all takes it)")
            } + (noGIL == nil ? [Decision.note(gilLessHint)] : [])
        }
    }

    /// Why an interpreter without a GIL was taken: what it is, beside the `none` design.
    static func withoutGIL(_ interpreter: PythonInterpreter) -> String {
        interpreter.isFreeThreaded
            ? "no GIL (a free-threaded CPython build, PEP 703), beside the none design"
            : "no GIL (\(interpreter.implementation): its threads run Python code at once), beside the none design"
    }
}
