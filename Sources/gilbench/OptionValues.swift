import ArgumentParser
import Foundation

/// The values of a repeatable option, each occurrence possibly a comma-separated list
/// (`--mode sequential threads` or `--mode sequential,threads`).
func splitOptionValues(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
}

/// The values of a repeatable option, each one of `T`'s cases; an unknown value is a usage error
/// that names the option and its choices.
func parseOptionValues<T: ExpressibleByArgument & CaseIterable & RawRepresentable>(
    _ values: [String], option: String
) throws -> [T] where T.RawValue == String {
    let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
    let parsed: [T] = try splitOptionValues(values).filter { !$0.isEmpty }.map { value in
        guard let v = T(argument: value) else {
            throw ValidationError("unknown \(option) '\(value)'; expected one of: \(choices)")
        }
        return v
    }
    guard !parsed.isEmpty else { throw ValidationError("\(option) needs a value: one of \(choices)") }
    return parsed
}
