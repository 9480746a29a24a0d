import Histogram

/// A histogram of GIL wait times in nanoseconds (HdrHistogram, 3 significant digits).
public struct WaitHistogram: Sendable, Equatable {
    private var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)

    public init() {}

    public mutating func record(nanoseconds: UInt64) {
        _ = histogram.record(Swift.max(1, nanoseconds))
    }

    public mutating func merge(_ other: WaitHistogram) {
        histogram.add(other.histogram)
    }

    public var count: UInt64 { histogram.totalCount }

    /// The value at `percentile` (0...100), in nanoseconds; nil when empty.
    public func value(atPercentile percentile: Double) -> UInt64? {
        count == 0 ? nil : histogram.valueAtPercentile(percentile)
    }

    public var max: UInt64? { count == 0 ? nil : histogram.max }

    public static func == (lhs: WaitHistogram, rhs: WaitHistogram) -> Bool {
        lhs.count == rhs.count && lhs.max == rhs.max
    }
}
