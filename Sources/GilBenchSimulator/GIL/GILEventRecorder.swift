import Synchronization

/// An optional, off-by-default log of what happened to the GIL: who waited, who took it, who gave it
/// up, whose wake-up failed, with the monotonic time of each. It feeds the timeline plot of a short
/// threaded run; a GIL design built without a recorder pays one `nil` check per acquisition.
///
/// Recording is lock-free: each event claims a slot with an atomic increment and writes it; once the
/// buffer is full, further events are counted in ``dropped`` and lost. Read ``events()`` only after
/// every recording thread has been joined (the join orders the writes before the read).
public final class GILEventRecorder: @unchecked Sendable {
    // @unchecked Sendable: each slot of `buffer` is written by exactly one thread (the one that claimed
    // its index from `next`), and read only after all writers were joined.

    /// What happened.
    public enum Kind: String, Sendable, CaseIterable {
        /// The thread started waiting for the GIL (written at acquisition, with the time the wait began).
        case waiting = "wait"
        /// The thread took the GIL.
        case acquired = "acquire"
        /// The thread gave the GIL up.
        case released = "release"
        /// The thread was woken, found the GIL taken again, and went back to waiting (slide 98).
        case failedWakeup = "failed-wakeup"
    }

    /// One event.
    public struct Event: Sendable, Equatable {
        /// Monotonic time in nanoseconds.
        public var nanoseconds: UInt64
        public var thread: Int
        public var kind: Kind

        public init(nanoseconds: UInt64, thread: Int, kind: Kind) {
            self.nanoseconds = nanoseconds
            self.thread = thread
            self.kind = kind
        }
    }

    public let capacity: Int
    private let buffer: UnsafeMutablePointer<Event>
    private let next = Atomic<Int>(0)

    /// - Parameter capacity: events kept; later ones are dropped (and counted).
    public init(capacity: Int = 200_000) {
        precondition(capacity > 0)
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Records `kind` for `thread` at `nanoseconds` (now by default).
    @inline(__always)
    public func record(_ kind: Kind, thread: Int, at nanoseconds: UInt64 = MonotonicClock.nanoseconds()) {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        if index < capacity {
            (buffer + index).initialize(to: Event(nanoseconds: nanoseconds, thread: thread, kind: kind))
        }
    }

    /// Events that did not fit.
    public var dropped: Int { max(0, next.load(ordering: .relaxed) - capacity) }

    /// The recorded events in time order. Call only when no thread records any more.
    public func events() -> [Event] {
        let count = min(next.load(ordering: .acquiring), capacity)
        // Ties keep the order the slots were claimed in, which follows causality (a release is
        // recorded before the lock is freed, an acquisition after it is taken).
        return UnsafeBufferPointer(start: buffer, count: count).enumerated()
            .sorted { ($0.element.nanoseconds, $0.offset) < ($1.element.nanoseconds, $1.offset) }
            .map(\.element)
    }
}
