/// The counts every lock-based GIL design keeps of its acquisitions: how many, how many changed the
/// holder (hand-offs), and how long the contended ones waited (in total and, when asked, in a
/// histogram), and what every design logs of an acquisition to its ``GILEventRecorder``.
///
/// Not synchronised: each design updates it where its own lock already orders the accesses (with
/// its mutex held, or while holding the GIL itself).
struct AcquisitionTally {
    private(set) var acquisitions = 0
    private(set) var handoffs = 0
    private(set) var waitNanoseconds: UInt64 = 0
    private(set) var histogram: WaitHistogram?
    private var lastHolder = -1

    /// - Parameter recordWaits: keep a histogram of contended waits.
    init(recordWaits: Bool) {
        histogram = recordWaits ? WaitHistogram() : nil
    }

    /// Counts an acquisition by thread `holder` that waited `waited` nanoseconds (0: it did not wait),
    /// and logs it to `recorder`, if any: the wait (stamped when it began) and the acquisition.
    mutating func record(holder: Int, waited: UInt64, logTo recorder: GILEventRecorder?) {
        acquisitions += 1
        if lastHolder != holder {
            if lastHolder >= 0 { handoffs += 1 }
            lastHolder = holder
        }
        if waited > 0 {
            waitNanoseconds &+= waited
            histogram?.record(nanoseconds: waited)
        }
        if let recorder {
            let now = MonotonicClock.nanoseconds()
            if waited > 0 { recorder.record(.waiting, thread: holder, at: now &- waited) }
            recorder.record(.acquired, thread: holder, at: now)
        }
    }

    /// The counters, with the design's own failed acquisitions and forced switches (nil: it cannot
    /// see them).
    func counters(failedAcquisitions: Int?, forcedSwitches: Int?) -> GILCounters {
        var c = GILCounters()
        c.acquisitions = acquisitions
        c.handoffs = handoffs
        c.failedAcquisitions = failedAcquisitions
        c.waitNanoseconds = waitNanoseconds
        c.forcedSwitches = forcedSwitches
        c.waitSamples = histogram
        return c
    }
}
