/// Which CPUs a run may use: `--cpus all|COUNT` or `--cpu-list 0,1`.
public enum CPUSelection: Sendable, Hashable, CustomStringConvertible {
    case all
    case count(Int)
    case list([Int])

    /// Parses `all` or a positive count.
    public init?(argument: String) {
        if argument == "all" { self = .all; return }
        guard let n = Int(argument), n >= 1 else { return nil }
        self = .count(n)
    }

    /// Parses `0,1,3`.
    public init?(list: String) {
        let parts = list.split(separator: ",").map { Int(String($0.filter { !$0.isWhitespace })) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        self = .list(parts.map { $0! })
    }

    public var description: String {
        switch self {
        case .all: "all"
        case .count(let n): "\(n)"
        case .list(let cpus): cpus.map(String.init).joined(separator: ",")
        }
    }
}

