import Histogram

/// A histogram of GIL wait times in nanoseconds (HdrHistogram, 3 significant digits).
///
/// Its counts (about 256 KiB for waits up to an hour) are allocated at the first wait recorded:
/// a GIL that never waits, as a worker process's one-thread GIL, costs nothing to make, send and
/// merge, however many of them a pool's replies carry.
public struct WaitHistogram: Sendable, Equatable {
    private var storage: Histogram<UInt64>?

    public init() {}

    /// Empty counts for waits from 1 ns to an hour.
    private static func makeCounts() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
    }

    public mutating func record(nanoseconds: UInt64) {
        if storage == nil { storage = WaitHistogram.makeCounts() }
        _ = storage!.record(Swift.max(1, nanoseconds))
    }

    /// Records `count` waits of `nanoseconds` at once (a histogram read back from another process).
    /// - Returns: false when `nanoseconds` is beyond the histogram's range (nothing recorded).
    package mutating func record(nanoseconds: UInt64, count: UInt64) -> Bool {
        if storage == nil { storage = WaitHistogram.makeCounts() }
        return storage!.record(Swift.max(1, nanoseconds), count: count)
    }

    /// A value in each non-empty bucket with the bucket's count, lowest first: what
    /// ``record(nanoseconds:count:)`` needs to rebuild the same histogram elsewhere. The lowest and
    /// highest values recorded, which percentiles are clamped to, are kept exactly.
    package var recordedValues: [(nanoseconds: UInt64, count: UInt64)] {
        guard let histogram = storage, histogram.totalCount > 0 else { return [] }
        var values = histogram.recordedValues().map { (nanoseconds: $0.value, count: $0.count) }
        guard let only = values.first else { return [] }
        let lowest = histogram.min, highest = histogram.maxRecorded
        if values.count == 1 {
            values = [(lowest, 1)] + (only.count > 1 ? [(highest, only.count - 1)] : [])
        } else {
            values[0].nanoseconds = lowest
            values[values.count - 1].nanoseconds = highest
        }
        return values
    }

    public mutating func merge(_ other: WaitHistogram) {
        guard let theirs = other.storage, theirs.totalCount > 0 else { return }
        if storage == nil { storage = theirs; return }
        storage!.add(theirs)
    }

    public var count: UInt64 { storage?.totalCount ?? 0 }

    /// The value at `percentile` (0...100), in nanoseconds; nil when empty.
    public func value(atPercentile percentile: Double) -> UInt64? {
        count == 0 ? nil : storage?.valueAtPercentile(percentile)
    }

    public var max: UInt64? { count == 0 ? nil : storage?.max }

    public static func == (lhs: WaitHistogram, rhs: WaitHistogram) -> Bool {
        lhs.count == rhs.count && lhs.max == rhs.max
    }
}
