import GilBenchSimulator

/// A real interpreter's implementation and version, parsed from its engine name (`cpython-3.11.7`,
/// `pypy-7.3.15`), so that interpreters sort in version order: by implementation, then by version
/// number by number (3.9 before 3.10).
public struct InterpreterVersion: Hashable, Comparable, Sendable {
    /// `cpython`, `pypy`.
    public var implementation: String
    /// `[3, 11, 7]`; empty when the engine name carries no version.
    public var numbers: [Int]
    /// The engine name it was parsed from.
    public var engine: String

    /// Parses `engine`: the implementation up to the last `-` that is followed by a digit, the
    /// version's numbers after it (a suffix such as `rc1` or `+` ends a number).
    public init(engine: String) {
        self.engine = engine
        let dash = engine.indices.last { i in
            engine[i] == "-" && engine.index(after: i) < engine.endIndex && engine[engine.index(after: i)].isNumber
        }
        guard let dash else {
            implementation = engine
            numbers = []
            return
        }
        implementation = String(engine[..<dash])
        numbers = engine[engine.index(after: dash)...].split(separator: ".").map { part in
            Int(part.prefix(while: \.isNumber)) ?? 0
        }
    }

    /// The version alone for CPython (`3.11.7`), the implementation with it otherwise (`pypy 7.3.15`).
    public var label: String {
        guard !numbers.isEmpty else { return engine }
        let version = numbers.map(String.init).joined(separator: ".")
        return implementation == "cpython" ? version : "\(implementation) \(version)"
    }

    /// CPython before the other implementations, each implementation by name, then by version number.
    public static func < (a: InterpreterVersion, b: InterpreterVersion) -> Bool {
        if a.implementation != b.implementation {
            if (a.implementation == "cpython") != (b.implementation == "cpython") { return a.implementation == "cpython" }
            return a.implementation < b.implementation
        }
        if a.numbers != b.numbers { return a.numbers.lexicographicallyPrecedes(b.numbers) }
        return a.engine < b.engine
    }
}
