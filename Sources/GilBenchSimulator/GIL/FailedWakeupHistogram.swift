/// How many failed wake-ups each contended acquisition suffered before it succeeded (slide 98).
///
/// Buckets are powers of two so that the histogram stays a fixed 33 counters however long the tail:
/// bucket 0 holds acquisitions that won at their first wake-up, bucket k (k >= 1) those that failed
/// between 2^(k-1) and 2^k - 1 times first. Only acquisitions that had to wait are counted: the
/// holder re-taking a free lock at once would swamp bucket 0.
///
public struct FailedWakeupHistogram: Sendable, Equatable {
    /// Counts per bucket (33: up to 2^32 failures).
    public private(set) var counts = [Int](repeating: 0, count: 33)

    public init() {}

    /// The bucket that `failures` falls in.
    @inline(__always)
    public static func bucket(_ failures: Int) -> Int {
        failures <= 0 ? 0 : min(Int.bitWidth - failures.leadingZeroBitCount, 32)
    }

    /// The label of bucket `index`: "0", "1", "2-3", "4-7", ...
    public static func label(_ index: Int) -> String {
        let (low, high) = bounds(index)
        return low == high ? String(low) : "\(low)-\(high)"
    }

    /// The least and most failures that bucket `index` holds: (0, 0), (1, 1), (2, 3), (4, 7), ...
    public static func bounds(_ index: Int) -> (low: Int, high: Int) {
        index <= 1 ? (index, index) : (1 << (index - 1), (1 << index) - 1)
    }

    /// Counts one acquisition that failed `failures` times before it succeeded.
    @inline(__always)
    public mutating func record(failures: Int) {
        counts[FailedWakeupHistogram.bucket(failures)] += 1
    }

    /// Adds `count` acquisitions to bucket `index` (reading a histogram back from its text).
    public mutating func record(bucket index: Int, count: Int) {
        counts[index] += count
    }

    /// Adds another histogram's counts.
    public mutating func merge(_ other: FailedWakeupHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
    }

    /// Contended acquisitions counted.
    public var total: Int { counts.reduce(0, +) }

    /// The label of the highest non-empty bucket, nil when empty.
    public var highestBucket: Int? { counts.lastIndex { $0 > 0 } }

    /// The buckets from 0 to the highest non-empty one, with their labels.
    public var buckets: [(label: String, count: Int)] {
        guard let last = highestBucket else { return [] }
        return (0...last).map { (FailedWakeupHistogram.label($0), counts[$0]) }
    }
}
