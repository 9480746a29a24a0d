import Foundation
import GilBench
import Testing

@Suite("Perf ring buffer records: samples, lost records, wrap-around")
struct PerfRecordDecoderTests {
    static func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    /// A PERF_RECORD_SAMPLE for TID | TIME | RAW, padded to 8 bytes as the kernel pads it.
    static func sample(pid: UInt32, tid: UInt32, time: UInt64, raw: [UInt8]) -> [UInt8] {
        var body = le(UInt64(pid), 4) + le(UInt64(tid), 4) + le(time, 8) + le(UInt64(raw.count), 4) + raw
        while (body.count + 8) % 8 != 0 { body.append(0) }
        return le(9, 4) + le(0, 2) + le(UInt64(body.count + 8), 2) + body
    }

    static func lost(_ count: UInt64) -> [UInt8] { le(2, 4) + le(0, 2) + le(24, 2) + le(7, 8) + le(count, 8) }

    @Test("Samples keep pid, tid, time and the raw record; lost records are summed; other types skipped")
    func decodes() throws {
        let raw = Self.le(2328, 2) + [0, 0] + Self.le(4242, 4) + Self.le(0xdead, 8) + Self.le(0x1234, 8) + Self.le(0x1234, 8)
        let bytes = Self.sample(pid: 100, tid: 101, time: 5_000_000_123, raw: raw) + Self.lost(3)
            + (Self.le(5, 4) + Self.le(0, 2) + Self.le(16, 2) + Self.le(0, 8)) + Self.lost(4)
            + Self.sample(pid: 100, tid: 102, time: 5_000_000_999, raw: Self.le(2330, 2) + [0, 0, 0, 0, 0, 0])
        let records = PerfRecordDecoder.decode(bytes)
        try #require(records.samples.count == 2)
        #expect(records.samples[0] == PerfSample(pid: 100, tid: 101, nanoseconds: 5_000_000_123, raw: raw))
        #expect(records.samples[0].tracepoint == 2328)
        #expect(records.samples[0].field(at: 16) == 0x1234)
        #expect(records.samples[0].field(at: 40) == nil)
        #expect(records.samples[1].tid == 102 && records.samples[1].tracepoint == 2330)
        #expect(records.lost == 7)
        #expect(records.other == 1)
        #expect(records.malformed == 0)
    }

    @Test("A truncated record at the end is counted as malformed, not decoded")
    func truncated() throws {
        let whole = Self.sample(pid: 1, tid: 1, time: 1, raw: [1, 2])
        let records = PerfRecordDecoder.decode(whole + whole.prefix(12))
        #expect(records.samples.count == 1)
        #expect(records.malformed == 12)
    }

    @Test("Unwrapping the ring: positions run freely and wrap at the area's size")
    func unwrap() {
        let area: [UInt8] = Array(0..<16)
        area.withUnsafeBytes { buffer in
            #expect(PerfRecordDecoder.unwrap(buffer, tail: 4, head: 10) == Array(4..<10))
            // 14, 15 then 0, 1, 2: positions 30...34 of a 16-byte ring.
            #expect(PerfRecordDecoder.unwrap(buffer, tail: 30, head: 35) == [14, 15, 0, 1, 2])
            #expect(PerfRecordDecoder.unwrap(buffer, tail: 35, head: 35) == [])
        }
    }
}
