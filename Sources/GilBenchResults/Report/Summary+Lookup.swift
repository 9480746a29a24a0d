import GilBenchSimulator
import GilBenchSystem
import Foundation

extension Summary {
    /// The first group whose configuration satisfies `wanted`:
    /// `summary.group { $0.mode == .threads && $0.cpus == 1 }`.
    public func group(_ wanted: (ConfigurationKey) -> Bool) -> Group? {
        groups.first { wanted($0.key) }
    }

    /// Median of `column` in the group matching `a` over the one matching `b`; nil when either is
    /// missing or the denominator is not positive.
    public func ratio(_ column: Column, _ a: (ConfigurationKey) -> Bool, over b: (ConfigurationKey) -> Bool) -> Double? {
        guard let x = group(a)?.median(column), let y = group(b)?.median(column), y > 0 else { return nil }
        return x / y
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
