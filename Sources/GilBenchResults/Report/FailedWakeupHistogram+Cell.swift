import GilBenchSimulator

/// The histogram in its CSV column `gil_failed_wakeups_histogram`: `label:count` pairs separated by
/// `;`, empty buckets left out: `0:120;1:40;2-3:17;4-7:3`.
extension FailedWakeupHistogram {
    /// The CSV cell: `label:count;...`, empty buckets left out.
    public var cell: String {
        counts.indices.filter { counts[$0] > 0 }.map { "\(FailedWakeupHistogram.label($0)):\(counts[$0])" }.joined(separator: ";")
    }

    /// Parses a CSV cell written by ``cell``; nil when it is malformed.
    public init?(cell: String) {
        self.init()
        guard !cell.isEmpty else { return nil }
        for pair in cell.split(separator: ";") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let count = Int(parts[1]), count >= 0,
                  let index = (0..<33).first(where: { FailedWakeupHistogram.label($0) == parts[0] }) else { return nil }
            record(bucket: index, count: count)
        }
    }
}
