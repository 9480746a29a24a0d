import ArgumentParser
import Foundation

/// Options that take several values, typed: `--mode sequential threads`, `--mode sequential,threads`,
/// `--mode sequential --mode threads` and any mix of them are the same two values. ArgumentParser
/// parses every word after the option into the values it lists (split on commas, each trimmed, empty
/// ones dropped), so the property holds one array per word, `[[ExecutionMode]]`, and
/// ``Swift/Array/values(of:)`` (or `joined()`) gives the values. The one helper for every such option.
extension Option {
    /// An option of `Element`s with a default. ArgumentParser shows no default for an option parsed by
    /// a transform; this one's help ends with it, `(default: sequential, threads)`, as a typed option's does.
    /// - Parameters:
    ///   - name: the long name, without `--`; error messages name the option by it.
    ///   - accepts: which parsed values the option takes; the others are refused like unknown ones.
    ///   - unknown: the message for a value that is not an `Element` (default: `unknown --NAME 'VALUE';
    ///     expected one of: ...`, the element's values).
    init<Element: ExpressibleByArgument>(
        wrappedValue: [[Element]],
        commaSeparated name: String,
        help: ArgumentHelp,
        accepting accepts: @escaping @Sendable (Element) -> Bool = { _ in true },
        unknown: (@Sendable (String) -> String)? = nil
    ) where Value == [[Element]] {
        var help = help
        let defaults = wrappedValue.joined().map(\.defaultValueDescription)
        if !defaults.isEmpty { help.abstract += " (default: \(defaults.joined(separator: ", ")))" }
        self.init(
            wrappedValue: wrappedValue, name: .customLong(name), parsing: .upToNextOption, help: help,
            completion: CommaSeparated.completion(Element.self, accepting: accepts),
            transform: CommaSeparated.parser(option: "--" + name, accepting: accepts, unknown: unknown))
    }

    /// A required option of `Element`s.
    init<Element: ExpressibleByArgument>(
        commaSeparated name: String,
        help: ArgumentHelp,
        accepting accepts: @escaping @Sendable (Element) -> Bool = { _ in true },
        unknown: (@Sendable (String) -> String)? = nil
    ) where Value == [[Element]] {
        self.init(
            name: .customLong(name), parsing: .upToNextOption, help: help,
            completion: CommaSeparated.completion(Element.self, accepting: accepts),
            transform: CommaSeparated.parser(option: "--" + name, accepting: accepts, unknown: unknown))
    }
}

/// Parsing one word of a comma-separated option (see the `Option` initializers above).
enum CommaSeparated {
    /// The values one word lists; a value that is not an `Element`, or that `accepts` refuses, is an
    /// error that ArgumentParser reports as a usage error (exit status 64) with `unknown`'s message.
    static func parser<Element: ExpressibleByArgument>(
        option: String, accepting accepts: @escaping @Sendable (Element) -> Bool,
        unknown: (@Sendable (String) -> String)?
    ) -> @Sendable (String) throws -> [Element] {
        { word in
            try word.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { value in
                guard let element = Element(argument: value), accepts(element) else {
                    throw ValidationError(
                        unknown?(value) ?? "unknown \(option) '\(value)'; expected one of: \(choices(Element.self))")
                }
                return element
            }
        }
    }

    /// Shell completion: the values of `Element` the option accepts, if it has a list of them.
    static func completion<Element: ExpressibleByArgument>(_: Element.Type, accepting accepts: (Element) -> Bool) -> CompletionKind? {
        let values = Element.allValueStrings.filter { Element(argument: $0).map(accepts) ?? false }
        return values.isEmpty ? nil : .list(values)
    }

    /// `Element`'s values, comma-separated.
    static func choices<Element: ExpressibleByArgument>(_: Element.Type) -> String {
        Element.allValueStrings.joined(separator: ", ")
    }
}

extension Array {
    /// The values of a comma-separated option, which must have at least one: `--mode ,` is a usage
    /// error that names the option and its values.
    func values<Value: ExpressibleByArgument>(of option: String) throws -> [Value] where Element == [Value] {
        let values = Array<Value>(joined())
        guard !values.isEmpty else {
            let choices = CommaSeparated.choices(Value.self)
            throw ValidationError("\(option) needs a value" + (choices.isEmpty ? "" : ": one of \(choices)"))
        }
        return values
    }
}
