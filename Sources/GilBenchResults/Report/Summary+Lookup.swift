import GilBenchSimulator
import GilBenchSystem
import Foundation

extension Summary {
    /// The first group whose configuration satisfies `wanted`:
    /// `summary.group { $0.mode == .threads && $0.cpus == 1 }`.
    public func group(_ wanted: (ConfigurationKey) -> Bool) -> Group? {
        groups.first { wanted($0.key) }
    }

    /// `column` of the group matching `a` over that of the group matching `b`, repetition by
    /// repetition (``PairedRatio``); nil when either group is missing or no pair has both values.
    public func pairedRatio(
        _ column: Column, _ a: (ConfigurationKey) -> Bool, over b: (ConfigurationKey) -> Bool, minimumDenominator: Double = 0
    ) -> PairedRatio? {
        guard let x = group(a), let y = group(b) else { return nil }
        return PairedRatio(column, x, over: y, minimumDenominator: minimumDenominator)
    }
}

extension Summary.Group {
    /// The median of `column`, formatted with its unit for the report.
    package func seconds() -> String {
        guard let m = median(.wallSeconds) else { return "—" }
        return Summary.Group.seconds(m)
    }

    package static func seconds(_ v: Double) -> String {
        v >= 10 ? String(format: "%.1f s", v) : v >= 1 ? String(format: "%.2f s", v) : String(format: "%.3f s", v)
    }

    /// Largest over smallest wall time of the repetitions.
    package var spread: Double? {
        let v = values(.wallSeconds)
        guard let lo = v.min(), let hi = v.max(), lo > 0 else { return nil }
        return hi / lo
    }

    /// Whether a row of the group was kept although disturbed (`disturbed` = 1 after its last attempt).
    public var keptDisturbed: Bool { rows.contains { $0.measurements.isDisturbed } }

    /// The label with ``Summary/disturbedMark`` when ``keptDisturbed``.
    public var markedLabel: String { keptDisturbed ? label + Summary.disturbedMark : label }
}

extension Summary {
    /// The slowest over the fastest repetition's wall time beyond which a configuration's repetitions
    /// disagree too much for its median to be trusted: the limit `reproduce`'s baseline claims use.
    public static let spreadLimit = 1.25

    /// What follows a configuration's label when it kept a disturbed repetition.
    public static let disturbedMark = " *"

    /// The footnote to ``disturbedMark``; nil when no configuration kept a disturbed repetition.
    /// The attempts are the most any disturbed row took.
    public var disturbedFootnote: String? {
        let disturbed = groups.flatMap(\.rows).filter(\.measurements.isDisturbed)
        guard !disturbed.isEmpty else { return nil }
        let attempts = disturbed.compactMap(\.measurements.attempts).max() ?? 1
        return "* kept a disturbed repetition: steal, foreign CPU or CPU speed spread above the threshold after \(attempts) attempt\(attempts == 1 ? "" : "s")"
    }

    /// One line per configuration whose repetitions spread beyond ``spreadLimit``, naming it.
    public var spreadWarnings: [String] {
        groups.compactMap { g in
            guard let spread = g.spread, spread > Summary.spreadLimit else { return nil }
            return "\(g.label): repetitions spread \(String(format: "%.2f", spread))x (slowest/fastest wall), beyond \(Summary.spreadLimit)"
        }
    }
}

/// Formats a count with thousands separators: 9,500,000.
package func grouped(_ v: Double) -> String {
    let n = Int(v.rounded())
    var digits = String(abs(n))
    var out = ""
    while digits.count > 3 {
        out = "," + digits.suffix(3) + out
        digits.removeLast(3)
    }
    return (n < 0 ? "-" : "") + digits + out
}
