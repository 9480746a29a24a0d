import Testing
@testable import GilBench

@Suite("Worker frames: explicit, versioned, and safe on bad bytes")
struct WorkerFrameTests {
    static let settings = InterpreterSettings(gil: .ticks, lock: .condvar, checkInterval: 100)

    static func decodeAll(_ bytes: [UInt8]) throws(WireError) -> [WorkerFrame] {
        var decoder = FrameDecoder()
        decoder.append(bytes)
        var frames: [WorkerFrame] = []
        while let frame = try decoder.next() { frames.append(frame) }
        try decoder.finish()
        return frames
    }

    @Test("Requests and results survive encoding, whatever the byte boundaries")
    func roundTrip() throws {
        let requests: [WorkerRequest] = [
            .countdown(runs: [20_000_000, 0], WorkerFrameTests.settings),
            .hash(paths: ["/tmp/a", "/tmp/é b,c"], chunkSize: 8192, gilDuringHash: .hold, core: .openssl, InterpreterSettings(gil: .none, lock: .semaphore, checkInterval: 7)),
        ]
        var result = WorkerResult()
        result.ticks = 40_000_000
        result.instructions = 1 << 40
        var counters = GILCounters()
        counters.acquisitions = 5
        counters.failedAcquisitions = nil
        counters.waitNanoseconds = 99
        result.gil = counters
        var histograms = WorkerFrameTests.countersWithHistograms
        histograms.forcedSwitches = 2
        result.values = [0, -3]
        result.files = [.digest(Array(repeating: 7, count: 64)), .unreadable("Permission denied")]
        result.bytes = 123
        let stream = requests.flatMap(\.frame.bytes) + result.frame.bytes
        // Feed the stream one byte at a time: frames come out only when complete.
        var decoder = FrameDecoder()
        var frames: [WorkerFrame] = []
        for byte in stream {
            decoder.append([byte])
            while let frame = try decoder.next() { frames.append(frame) }
        }
        try decoder.finish()
        #expect(frames.count == 3)
        #expect(try WorkerRequest(frame: frames[0]) == requests[0])
        #expect(try WorkerRequest(frame: frames[1]) == requests[1])
        #expect(try WorkerResult(frame: frames[2]) == result)
        // The histograms travel too, bucket for bucket.
        result.gil = histograms
        let decoded = try #require(try WorkerResult(frame: result.frame).gil)
        #expect(decoded == histograms)
        #expect(decoded.failedWakeupHistogram?.counts == histograms.failedWakeupHistogram?.counts)
        for p in [50.0, 90, 99, 100] {
            #expect(decoded.waitSamples?.value(atPercentile: p) == histograms.waitSamples?.value(atPercentile: p))
        }
    }

    /// Counters with both histograms filled, as a worker's ticks GIL on the condition-variable lock reports.
    static var countersWithHistograms: GILCounters {
        var counters = GILCounters()
        counters.acquisitions = 40
        counters.handoffs = 3
        counters.failedAcquisitions = 9
        counters.waitNanoseconds = 2_100_000
        var waits = WaitHistogram()
        for ns: UInt64 in [900, 1_500, 1_500, 40_000, 2_000_000] { waits.record(nanoseconds: ns) }
        counters.waitSamples = waits
        var failed = FailedWakeupHistogram()
        for failures in [0, 1, 3, 3, 200] { failed.record(failures: failures) }
        counters.failedWakeupHistogram = failed
        return counters
    }

    @Test("Bad bytes are errors with a message", arguments: [
        (Array("hello world".utf8), "garbage frame"),
        ([0x47, 0x42, 0x57, 0x4B, 9, 1, 0, 0, 0, 0], "unknown frame version 9"),
        ([0x47, 0x42, 0x57, 0x4B, 1, 42, 0, 0, 0, 0], "unknown frame kind 42"),
        ([0x47, 0x42, 0x57, 0x4B, 1, 2, 0xFF, 0xFF, 0xFF, 0xFF], "more than the"),
        ([0x47, 0x42, 0x57], "short read"),
        ([0x47, 0x42, 0x57, 0x4B, 1, 2, 8, 0, 0, 0, 1, 2], "short read: the stream ended after 2 of the 8 bytes"),
    ] as [([UInt8], String)])
    func badFrames(bytes: [UInt8], message: String) {
        do {
            _ = try WorkerFrameTests.decodeAll(bytes)
            Issue.record("accepted \(bytes)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("Well-framed payloads that are not valid messages are refused")
    func badPayloads() {
        let valid = WorkerRequest.countdown(runs: [5], WorkerFrameTests.settings).frame.payload
        let cases: [(WorkerFrame, String)] = [
            (WorkerFrame(kind: .request, payload: []), "payload too short"),
            (WorkerFrame(kind: .request, payload: [7]), "unknown request type 7"),
            (WorkerFrame(kind: .request, payload: Array(valid.dropLast())), "payload too short"),
            (WorkerFrame(kind: .request, payload: valid + [0]), "unexpected bytes"),
            (WorkerFrame(kind: .result, payload: valid), "expected a request frame"),
        ]
        for (frame, message) in cases {
            #expect(throws: WireError.self) { try WorkerRequest(frame: frame) }
            do { _ = try WorkerRequest(frame: frame) } catch { #expect(error.message.contains(message), "\(error.message)") }
        }
        // A result whose count claims more elements than the payload could hold.
        var w = WireWriter()
        w.write(UInt64(0)); w.write(UInt64(0)); w.write(false); w.write(Int.max)
        #expect(throws: WireError.self) { try WorkerResult(frame: WorkerFrame(kind: .result, payload: w.bytes)) }
        // A digest of the wrong length.
        var result = WorkerResult()
        result.files = [.digest([1, 2, 3])]
        #expect(throws: WireError.self) { try WorkerResult(frame: result.frame) }
    }

    @Test("Random corruption of valid frames never traps: each is decoded or refused")
    func corruption() {
        var result = WorkerResult()
        result.files = [.digest(Array(repeating: 1, count: 64)), .unreadable("gone")]
        result.values = [1, 2, 3]
        result.gil = WorkerFrameTests.countersWithHistograms
        let valid = WorkerRequest.hash(paths: ["a", "b"], chunkSize: 10, gilDuringHash: .release, core: .swiftCrypto, WorkerFrameTests.settings).frame.bytes
            + result.frame.bytes
        var random = SplitMix64(seed: 42)
        var refused = 0
        for _ in 0..<2000 {
            var bytes = valid
            for _ in 0..<(1 + Int(random.next() % 4)) {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            if random.next() % 3 == 0 { bytes.removeLast(Int(random.next() % UInt64(bytes.count))) }
            do {
                for frame in try WorkerFrameTests.decodeAll(bytes) {
                    switch frame.kind {
                    case .request: _ = try WorkerRequest(frame: frame)
                    case .result: _ = try WorkerResult(frame: frame)
                    case .failure: break
                    }
                }
            } catch {
                refused += 1
            }
        }
        #expect(refused > 1000)
    }
}
