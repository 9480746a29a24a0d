import ArgumentParser
import Foundation

/// The values of a repeatable option, each occurrence possibly a comma-separated list
/// (`--mode sequential threads` or `--mode sequential,threads`), trimmed; empty ones are dropped
/// unless `keepingEmpty` (so that the caller can refuse them by name).
func splitOptionValues(_ values: [String], keepingEmpty: Bool = false) -> [String] {
    let all = values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    return keepingEmpty ? all : all.filter { !$0.isEmpty }
}

/// The values of a repeatable option, each one of `T`'s cases; an unknown value is a usage error
/// that names the option and its choices.
func parseOptionValues<T: ExpressibleByArgument & CaseIterable & RawRepresentable>(
    _ values: [String], option: String
) throws -> [T] where T.RawValue == String {
    let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
    let parsed: [T] = try splitOptionValues(values).map { value in
        guard let v = T(argument: value) else {
            throw ValidationError("unknown \(option) '\(value)'; expected one of: \(choices)")
        }
        return v
    }
    guard !parsed.isEmpty else { throw ValidationError("\(option) needs a value: one of \(choices)") }
    return parsed
}
