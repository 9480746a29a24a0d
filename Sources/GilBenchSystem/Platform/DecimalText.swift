import Foundation

/// Real numbers as gilbench writes them, in messages, in arguments to real interpreters and in CSV cells.
public enum DecimalText {
    /// Up to 9 significant digits, no exponent for ordinary sizes, no trailing zeros: `0.005`, `1.25`, `20000000`.
    public static func compact(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        let decimals = magnitude >= 1000 ? 3 : magnitude >= 1 ? 6 : 9
        var text = String(format: "%.\(decimals)f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
