import GilBenchSimulator

/// One sample of a tracepoint opened with `gb_perf_sampler_open`: the task that hit it, when, and the
/// trace event's raw record (its `common_type`, the tracepoint id, first; then the event's fields as
/// tracefs' `format` file lays them out).
public struct PerfSample: Sendable, Equatable {
    /// The process (thread group) id.
    public var pid: Int32
    /// The thread id.
    public var tid: Int32
    /// CLOCK_MONOTONIC nanoseconds (`use_clockid`).
    public var nanoseconds: UInt64
    /// The raw trace record (`PERF_SAMPLE_RAW`).
    public var raw: [UInt8]

    public init(pid: Int32, tid: Int32, nanoseconds: UInt64, raw: [UInt8]) {
        (self.pid, self.tid, self.nanoseconds, self.raw) = (pid, tid, nanoseconds, raw)
    }

    /// The tracepoint id the record belongs to (`common_type`, its first two bytes); nil if too short.
    public var tracepoint: UInt16? { raw.count >= 2 ? UInt16(raw[0]) | UInt16(raw[1]) << 8 : nil }

    /// The little-endian 64-bit field at `offset` of the raw record, or nil when the record is shorter.
    public func field(at offset: Int) -> UInt64? {
        guard offset >= 0, raw.count >= offset + 8 else { return nil }
        var value: UInt64 = 0
        for i in (0..<8).reversed() { value = value << 8 | UInt64(raw[offset + i]) }
        return value
    }
}

/// What one pass over a perf ring buffer's records yielded.
public struct PerfRecords: Sendable, Equatable {
    public var samples: [PerfSample] = []
    /// Samples the kernel could not write because the buffer was full (the sum of `PERF_RECORD_LOST`).
    public var lost: UInt64 = 0
    /// Records of other types (throttling, ...), skipped.
    public var other: Int = 0
    /// Bytes at the end that did not form a whole record (a malformed buffer; never from the kernel).
    public var malformed: Int = 0

    public init() {}
}

/// Decodes the records of a perf ring buffer (`include/uapi/linux/perf_event.h`): each starts with a
/// `perf_event_header` (u32 type, u16 misc, u16 size, size counting the header); `PERF_RECORD_SAMPLE` (9)
/// holds, for the sample type `PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW`, `u32 pid, u32 tid,
/// u64 time, u32 size, u8 data[size]` in that order; `PERF_RECORD_LOST` (2) holds `u64 id, u64 lost`.
/// Little-endian, as every machine gilbench runs on.
public enum PerfRecordDecoder {
    static let sampleType: UInt32 = 9
    static let lostType: UInt32 = 2

    /// Decodes the whole records in `bytes` (already copied out of the ring, in order).
    public static func decode(_ bytes: [UInt8]) -> PerfRecords {
        var samples: [PerfSample] = []
        var out = bytes.withUnsafeBytes { buffer in
            scan(buffer) { pid, tid, time, raw in samples.append(PerfSample(pid: pid, tid: tid, nanoseconds: time, raw: Array(raw))) }
        }
        out.samples = samples
        return out
    }

    /// Walks the whole records in `buffer`, calling `sample` with each sample's pid, tid, time and raw
    /// record (valid during the call only); returns the counts (its `samples` left empty).
    public static func scan(
        _ buffer: UnsafeRawBufferPointer, sample: (Int32, Int32, UInt64, UnsafeRawBufferPointer) -> Void
    ) -> PerfRecords {
        var out = PerfRecords()
        func u16(_ at: Int) -> UInt16 { UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        var at = 0
        while buffer.count - at >= 8 {
            let type = u32(at), size = Int(u16(at + 6))
            guard size >= 8, buffer.count - at >= size else { break }
            let body = at + 8, end = at + size
            switch type {
            case sampleType where size >= 8 + 20:
                let rawSize = Int(u32(body + 16))
                if body + 20 + rawSize <= end {
                    sample(
                        Int32(bitPattern: u32(body)), Int32(bitPattern: u32(body + 4)), u64(body + 8),
                        UnsafeRawBufferPointer(rebasing: buffer[(body + 20)..<(body + 20 + rawSize)]))
                } else {
                    out.malformed += size
                }
            case lostType where size >= 8 + 16:
                out.lost &+= u64(body + 8)
            default:
                out.other += 1
            }
            at = end
        }
        out.malformed += buffer.count - at
        return out
    }

    /// The bytes from position `tail` to `head` of a ring whose data area is `area` (its size a power of
    /// two), unwrapped: positions are free-running byte counts, taken modulo the area's size.
    public static func unwrap(_ area: UnsafeRawBufferPointer, tail: UInt64, head: UInt64) -> [UInt8] {
        let size = UInt64(area.count)
        guard size > 0, head > tail else { return [] }
        let count = Int(min(head - tail, size))
        let start = Int((head - UInt64(count)) % size)
        let first = min(count, Int(size) - start)
        var out = [UInt8](area[start..<(start + first)])
        if first < count { out += area[0..<(count - first)] }
        return out
    }
}
