/// A failure injected on purpose into worker 1, to test that gilbench reports it and cleans up
/// (hidden option `--worker-fault KIND[:TASK]`: fail when receiving task number TASK, 0-based, of that worker).
public struct WorkerFault: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// The worker dies of SIGSEGV (a crash).
        case crash
        /// The worker is killed with SIGKILL.
        case kill
        /// The worker exits with status 3.
        case exit
        /// The worker stops answering (sleeps forever).
        case hang
        /// The worker writes bytes that are not a frame.
        case garbage
        /// The worker writes half a frame and exits 0 (a short read for the parent).
        case short
        /// The worker sends a failure frame, as it would for an error it caught.
        case failure
    }

    public var kind: Kind
    public var task: Int

    public init(kind: Kind, task: Int = 0) {
        self.kind = kind
        self.task = task
    }

    /// Parses `KIND` or `KIND:TASK`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        guard let first = parts.first, let kind = Kind(rawValue: first) else { return nil }
        var task = 0
        if parts.count == 2 {
            guard let t = Int(parts[1]), t >= 0 else { return nil }
            task = t
        }
        self.init(kind: kind, task: task)
    }

    public var description: String { "\(kind.rawValue):\(task)" }
}
