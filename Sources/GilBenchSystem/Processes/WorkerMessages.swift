import GilBenchSimulator
/// A task the parent sends a worker.
public enum WorkerRequest: Sendable, Equatable {
    /// Run count(n) once per element of `runs`, one after another, in the worker's interpreter.
    case countdown(runs: [Int], InterpreterSettings)
    /// Run spin(n) (`SpinWorkload`) once per element of `runs`, one after another.
    case spin(runs: [Int], InterpreterSettings)
    /// Hash `paths` in order, reading `chunkSize` bytes at a time.
    case hash(paths: [String], chunkSize: Int, gilDuringHash: GILDuringHash, core: SHA512Core, InterpreterSettings)
}

/// What a worker sends back for one request.
public struct WorkerResult: Sendable, Equatable {
    public var ticks: UInt64 = 0
    public var instructions: UInt64 = 0
    /// The worker's own GIL counters (nil: no GIL).
    public var gil: GILCounters?
    /// Countdown: the return values; hashing: empty.
    public var values: [Int] = []
    /// Hashing: one outcome per requested path, in order.
    public var files: [FileOutcome] = []
    /// Hashing: bytes hashed.
    public var bytes = 0

    public init() {}
}

// MARK: Encoding (payloads of ``WorkerFrame``)

extension InterpreterSettings {
    /// The designs in wire order (a byte each: the index here). Every design is in it, a new one
    /// too; parent and worker are the same binary, so the order need not outlive a build.
    static let wireDesigns = Array(GILDesign.allCases)

    /// `gil`'s byte on the wire.
    static func wireIndex(_ gil: GILDesign) -> UInt8 {
        guard let index = wireDesigns.firstIndex(of: gil) else { preconditionFailure("\(gil) is not in GILDesign.allCases") }
        return UInt8(index)
    }

    func encode(into w: inout WireWriter) {
        w.write(InterpreterSettings.wireIndex(gil))
        w.write(UInt8(lock == .semaphore ? 0 : 1))
        w.write(checkInterval)
        w.write(switchIntervalMilliseconds.bitPattern)
        w.write(UInt8(CheckPoints.allCases.firstIndex(of: checkPoints)!))
    }

    static func decode(_ r: inout WireReader) throws(WireError) -> InterpreterSettings {
        let design = Int(try r.readUInt8("GIL design"))
        guard design < wireDesigns.count else { throw WireError("unknown GIL design \(design)") }
        let gil = wireDesigns[design]
        let lock: LockKind
        switch try r.readUInt8("lock kind") {
        case 0: lock = .semaphore
        case 1: lock = .condvar
        case let other: throw WireError("unknown lock kind \(other)")
        }
        let checkInterval = try r.readInt("check interval", in: 1...Int(Int32.max))
        let switchInterval = Double(bitPattern: try r.readUInt64("switch interval"))
        guard switchInterval.isFinite && switchInterval > 0 else { throw WireError("switch interval \(switchInterval) ms is not a positive number") }
        let schedule = Int(try r.readUInt8("check points"))
        guard schedule < CheckPoints.allCases.count else { throw WireError("unknown check points \(schedule)") }
        return InterpreterSettings(
            gil: gil, lock: lock, checkInterval: checkInterval, switchIntervalMilliseconds: switchInterval,
            checkPoints: CheckPoints.allCases[schedule])
    }
}

extension WorkerRequest {
    /// Whether the worker may run `other` in the same job as this request: both hash files with the
    /// same chunk size, GIL rule, SHA-512 core and interpreter settings.
    public func runsTogether(with other: WorkerRequest) -> Bool {
        guard case .hash(_, let c1, let g1, let k1, let s1) = self, case .hash(_, let c2, let g2, let k2, let s2) = other else {
            return false
        }
        return c1 == c2 && g1 == g2 && k1 == k2 && s1 == s2
    }

    /// Whether the request runs spin rather than the countdown or hashing.
    var isSpin: Bool {
        if case .spin = self { return true }
        return false
    }

    /// The request as a frame.
    public var frame: WorkerFrame {
        var w = WireWriter()
        switch self {
        case .countdown(let runs, let settings), .spin(let runs, let settings):
            w.write(UInt8(isSpin ? 3 : 1))
            settings.encode(into: &w)
            w.write(runs.count)
            for n in runs { w.write(n) }
        case .hash(let paths, let chunkSize, let gilDuringHash, let core, let settings):
            w.write(UInt8(2))
            settings.encode(into: &w)
            w.write(chunkSize)
            w.write(gilDuringHash == .release)
            w.write(UInt8(SHA512Core.allCases.firstIndex(of: core)!))
            w.write(paths.count)
            for path in paths { w.write(path) }
        }
        return WorkerFrame(kind: .request, payload: w.bytes)
    }

    /// Reads a request frame.
    /// - Throws: ``WireError`` when the frame is not a well-formed request.
    public init(frame: WorkerFrame) throws(WireError) {
        guard frame.kind == .request else { throw WireError("expected a request frame, got a \(frame.kind) frame") }
        var r = WireReader(frame.payload)
        let limit = frame.payload.count
        switch try r.readUInt8("request type") {
        case let type where type == 1 || type == 3:
            let settings = try InterpreterSettings.decode(&r)
            let count = try r.readInt("runs", in: 0...limit)
            var runs: [Int] = []
            for _ in 0..<count { runs.append(try r.readInt("n", in: 0...Int.max)) }
            self = type == 3 ? .spin(runs: runs, settings) : .countdown(runs: runs, settings)
        case 2:
            let settings = try InterpreterSettings.decode(&r)
            let chunkSize = try r.readInt("chunk size", in: 1...(64 << 20))
            let release = try r.readBool("GIL during hash")
            let coreIndex = Int(try r.readUInt8("SHA-512 core"))
            guard coreIndex < SHA512Core.allCases.count else { throw WireError("unknown SHA-512 core \(coreIndex)") }
            let count = try r.readInt("path count", in: 0...limit)
            var paths: [String] = []
            for _ in 0..<count { paths.append(try r.readString("path")) }
            self = .hash(
                paths: paths, chunkSize: chunkSize, gilDuringHash: release ? .release : .hold,
                core: SHA512Core.allCases[coreIndex], settings)
        case let other:
            throw WireError("unknown request type \(other)")
        }
        try r.finish("request")
    }
}

extension WorkerResult {
    public var frame: WorkerFrame {
        var w = WireWriter()
        w.write(ticks)
        w.write(instructions)
        w.write(gil != nil)
        gil?.encode(into: &w)
        w.write(values.count)
        for v in values { w.write(v) }
        w.write(files.count)
        for file in files {
            switch file {
            case .digest(let bytes):
                w.write(UInt8(0))
                w.write(bytes: bytes)
            case .unreadable(let reason):
                w.write(UInt8(1))
                w.write(reason)
            }
        }
        w.write(bytes)
        return WorkerFrame(kind: .result, payload: w.bytes)
    }

    /// Reads a result frame.
    /// - Throws: ``WireError`` when the frame is not a well-formed result.
    public init(frame: WorkerFrame) throws(WireError) {
        guard frame.kind == .result else { throw WireError("expected a result frame, got a \(frame.kind) frame") }
        var r = WireReader(frame.payload)
        let limit = frame.payload.count
        ticks = try r.readUInt64("ticks")
        instructions = try r.readUInt64("instructions")
        if try r.readBool("GIL counters presence") { gil = try GILCounters.decode(&r, limit: limit) }
        let valueCount = try r.readInt("value count", in: 0...limit)
        for _ in 0..<valueCount { values.append(try r.readInt("value")) }
        let fileCount = try r.readInt("file count", in: 0...limit)
        for _ in 0..<fileCount {
            switch try r.readUInt8("file outcome") {
            case 0:
                let digest = try r.readBytes("digest")
                guard digest.count == 64 else { throw WireError("a SHA-512 digest has 64 bytes, not \(digest.count)") }
                files.append(.digest(digest))
            case 1:
                files.append(.unreadable(try r.readString("unreadable reason")))
            case let other:
                throw WireError("unknown file outcome \(other)")
            }
        }
        bytes = try r.readInt("bytes", in: 0...Int.max)
        try r.finish("result")
    }
}

extension GILCounters {
    /// Every counter, the two histograms included, so that a worker's GIL reports what a threaded
    /// run's does.
    func encode(into w: inout WireWriter) {
        w.write(acquisitions)
        w.write(handoffs)
        w.write(optional: failedAcquisitions)
        w.write(waitNanoseconds)
        w.write(optional: forcedSwitches)
        w.write(waitSamples != nil)
        if let waitSamples {
            let values = waitSamples.recordedValues
            w.write(values.count)
            for (nanoseconds, count) in values {
                w.write(nanoseconds)
                w.write(count)
            }
        }
        w.write(failedWakeupHistogram != nil)
        if let failedWakeupHistogram {
            let buckets = failedWakeupHistogram.buckets
            w.write(buckets.count)
            for bucket in buckets { w.write(bucket.count) }
        }
    }

    /// Reads what ``encode(into:)`` wrote; `limit` bounds the element counts (the payload's size).
    static func decode(_ r: inout WireReader, limit: Int) throws(WireError) -> GILCounters {
        var c = GILCounters()
        c.acquisitions = try r.readInt("GIL acquisitions", in: 0...Int.max)
        c.handoffs = try r.readInt("GIL hand-offs", in: 0...Int.max)
        c.failedAcquisitions = try r.readOptionalInt("failed acquisitions")
        c.waitNanoseconds = try r.readUInt64("GIL wait")
        c.forcedSwitches = try r.readOptionalInt("forced switches")
        // Both histograms count acquisitions that waited: together at most all acquisitions each.
        if try r.readBool("GIL wait histogram presence") {
            var histogram = WaitHistogram()
            var left = c.acquisitions
            for _ in 0..<(try r.readInt("GIL wait histogram values", in: 0...limit)) {
                let nanoseconds = try r.readUInt64("GIL wait value")
                let count = try r.readInt("GIL wait count", in: 1...max(left, 1))
                left -= count
                guard histogram.record(nanoseconds: nanoseconds, count: UInt64(count)) else {
                    throw WireError("GIL wait of \(nanoseconds) ns is beyond the histogram's range")
                }
            }
            c.waitSamples = histogram
        }
        if try r.readBool("failed wake-up histogram presence") {
            var histogram = FailedWakeupHistogram()
            var left = c.acquisitions
            for bucket in 0..<(try r.readInt("failed wake-up buckets", in: 0...histogram.counts.count)) {
                let count = try r.readInt("failed wake-up count", in: 0...left)
                left -= count
                histogram.record(bucket: bucket, count: count)
            }
            c.failedWakeupHistogram = histogram
        }
        return c
    }
}

extension WorkerFrame.Kind: CustomStringConvertible {
    public var description: String {
        switch self {
        case .request: "request"
        case .result: "result"
        case .failure: "failure"
        }
    }
}
