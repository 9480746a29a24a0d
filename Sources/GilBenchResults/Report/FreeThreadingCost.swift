import GilBenchSimulator
import Foundation

/// What free threading costs one thread (PEP 703): the sequential countdown on a free-threaded
/// CPython build (`cpython-3.13.5t`) over a CPython of the same minor version with its GIL
/// (`cpython-3.13.0`), both measured in the same run. No target: it is reported, as PEP 703 reports
/// its own figure for 3.13's build. The free-threaded build pays for biased reference counting and
/// per-object locks (`Include/object.h`'s `ob_tid`, `ob_ref_local`, `ob_ref_shared`; PEP 703's
/// "Performance") even when no second thread runs.
public struct FreeThreadingCost: Sendable {
    public struct Entry: Sendable, Equatable {
        /// The free-threaded build's engine (`cpython-3.13.5t`).
        public var freeThreaded: String
        /// The build with a GIL it is compared with (`cpython-3.13.0`).
        public var withGIL: String
        /// Median wall time of the free-threaded build's sequential countdown over the other's, with
        /// the bootstrap 95% interval of that quotient (each side's repetitions resampled on their
        /// own: the two interpreters ran one after the other, not in pairs).
        public var ratio: Estimate
    }

    public var entries: [Entry]

    /// The free-threaded builds in `rows` (an engine `cpython-X.Y.Zt`), each over the newest CPython
    /// with a GIL of the same X.Y, on the sequential countdown on the main thread.
    public init(rows: [ResultRow]) {
        func sequential(_ engine: String) -> [Double] {
            rows.filter {
                $0.key.engineName == engine && $0.key.workload == .countdown && $0.key.mode == .sequential
                    && $0.key.sequentialThread == nil && $0.key.sweepParameter == nil
            }.compactMap(\.wallSeconds)
        }
        let engines = rows.compactMap(\.key.engineName).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        func version(_ engine: String) -> [Int] { InterpreterVersion(engine: engine).numbers }
        func minor(_ engine: String) -> [Int] { Array(version(engine).prefix(2)) }
        entries = engines.filter { $0.hasPrefix("cpython-") && $0.hasSuffix("t") }.compactMap { free in
            let twins = engines.filter { $0.hasPrefix("cpython-") && !$0.hasSuffix("t") && minor($0) == minor(free) }
            guard let gil = twins.max(by: { version($0).lexicographicallyPrecedes(version($1)) }),
                  let ratio = Statistics.bootstrapRatioOfMedians(sequential(free), over: sequential(gil)) else { return nil }
            return Entry(freeThreaded: free, withGIL: gil, ratio: ratio)
        }
    }

    /// One line per free-threaded build: `cpython-3.13.5t over cpython-3.13.0: 1.41 [1.38, 1.45]
    /// (+41%)`, with a note when the patch versions differ.
    public func render() -> String {
        entries.map { e in
            let versions = InterpreterVersion(engine: e.freeThreaded).numbers == InterpreterVersion(engine: e.withGIL).numbers
                ? "" : " (patch versions differ: the only build with a GIL of that minor version found)"
            let percent = String(format: "%+.0f%%", (e.ratio.value - 1) * 100)
            return "sequential countdown, \(e.freeThreaded) over \(e.withGIL): \(e.ratio.text()) (\(percent))\(versions)\n"
        }.joined()
    }
}
