import GilBenchSimulator
/// The framing of every message between gilbench and its worker processes (slide 122's message
/// channel, made explicit).
///
/// A frame is a 10-byte header then a payload:
///
///     offset  size  field
///     0       4     magic "GBWK"
///     4       1     version (``WorkerFrame/version``)
///     5       1     kind (``WorkerFrame/Kind``)
///     6       4     payload length, little-endian, at most ``WorkerFrame/maximumPayload``
///     10      n     payload (``WireWriter`` encoding of the message)
///
/// A reader that meets a wrong magic, an unknown version or kind, an oversized length or a stream that
/// ends inside a frame throws ``WireError``; it never traps on bad bytes.
public struct WorkerFrame: Sendable, Equatable {
    public static let magic: [UInt8] = Array("GBWK".utf8)
    public static let version: UInt8 = 1
    public static let headerSize = 10
    /// 64 MiB: far above any real message (a reply carries 64 bytes per file).
    public static let maximumPayload = 64 << 20

    /// What the payload holds.
    public enum Kind: UInt8, Sendable {
        /// Parent to worker: a ``WorkerRequest``.
        case request = 1
        /// Worker to parent: a ``WorkerResult``.
        case result = 2
        /// Worker to parent: the task failed; the payload is a message.
        case failure = 3
    }

    public var kind: Kind
    public var payload: [UInt8]

    public init(kind: Kind, payload: [UInt8]) {
        self.kind = kind
        self.payload = payload
    }

    /// The frame's bytes, header first.
    public var bytes: [UInt8] {
        precondition(payload.count <= WorkerFrame.maximumPayload, "frame payload too large")
        var out = WorkerFrame.magic
        out.reserveCapacity(WorkerFrame.headerSize + payload.count)
        out.append(WorkerFrame.version)
        out.append(kind.rawValue)
        let length = UInt32(payload.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        out.append(contentsOf: payload)
        return out
    }
}

/// Why bytes from a worker (or from the parent) are not a valid message.
public struct WireError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Cuts a byte stream into frames: feed it what `read` returned, take the complete frames out.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Bytes received and not yet part of a returned frame.
    public var pendingBytes: Int { buffer.count - start }

    /// Adds bytes read from the stream.
    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 1 << 16 && start * 2 >= buffer.count {
            // A stream that is never drained to a frame boundary (a busy pool keeps a partial frame
            // in the pipe) must not grow the buffer without end: drop what was consumed.
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil when more bytes are needed.
    /// - Throws: ``WireError`` as soon as the header is wrong (magic, version, kind, length).
    public mutating func next() throws(WireError) -> WorkerFrame? {
        let available = buffer.count - start
        let magicBytes = min(available, 4)
        for i in 0..<magicBytes where buffer[start + i] != WorkerFrame.magic[i] {
            throw WireError("garbage frame: bytes \(hex(buffer[start..<(start + magicBytes)])) are not the frame magic \"GBWK\"")
        }
        if available >= 5, buffer[start + 4] != WorkerFrame.version {
            throw WireError("unknown frame version \(buffer[start + 4]) (this gilbench speaks version \(WorkerFrame.version))")
        }
        if available >= 6, WorkerFrame.Kind(rawValue: buffer[start + 5]) == nil {
            throw WireError("unknown frame kind \(buffer[start + 5])")
        }
        guard available >= WorkerFrame.headerSize else { return nil }
        var length = 0
        for i in 0..<4 { length |= Int(buffer[start + 6 + i]) << (8 * i) }
        guard length <= WorkerFrame.maximumPayload else {
            throw WireError("frame announces \(length) bytes of payload, more than the \(WorkerFrame.maximumPayload) allowed")
        }
        guard available >= WorkerFrame.headerSize + length else { return nil }
        let kind = WorkerFrame.Kind(rawValue: buffer[start + 5])!
        let payloadStart = start + WorkerFrame.headerSize
        let frame = WorkerFrame(kind: kind, payload: Array(buffer[payloadStart..<(payloadStart + length)]))
        start = payloadStart + length
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return frame
    }

    /// Call at end of stream: throws when the stream stopped inside a frame (a short read).
    public func finish() throws(WireError) {
        let available = buffer.count - start
        guard available > 0 else { return }
        if available < WorkerFrame.headerSize {
            throw WireError("short read: the stream ended after \(available) of the \(WorkerFrame.headerSize) bytes of a frame header")
        }
        var length = 0
        for i in 0..<4 { length |= Int(buffer[start + 6 + i]) << (8 * i) }
        throw WireError("short read: the stream ended after \(available - WorkerFrame.headerSize) of the \(length) bytes of a frame's payload")
    }

    private func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined(separator: " ")
    }
}

/// Appends little-endian integers, strings and byte strings to a payload.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
    public mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }
    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }
    public mutating func write(_ value: UInt8) { bytes.append(value) }
    /// A length (UInt32) then the bytes.
    public mutating func write(bytes value: [UInt8]) {
        let n = UInt32(value.count)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: n >> UInt32(shift))) }
        bytes.append(contentsOf: value)
    }
    public mutating func write(_ value: String) { write(bytes: Array(value.utf8)) }
    /// An optional integer: a presence byte then the value.
    public mutating func write(optional value: Int?) {
        write(value != nil)
        if let value { write(value) }
    }
}

/// Reads what ``WireWriter`` wrote; every read checks that the bytes are there.
public struct WireReader: Sendable {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int, _ what: String) throws(WireError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else {
            throw WireError("payload too short: \(what) needs \(count) bytes at offset \(offset), \(bytes.count - offset) left")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    public mutating func readUInt64(_ what: String) throws(WireError) -> UInt64 {
        var value: UInt64 = 0
        for (i, b) in try take(8, what).enumerated() { value |= UInt64(b) << UInt64(8 * i) }
        return value
    }
    public mutating func readInt(_ what: String) throws(WireError) -> Int {
        Int(Int64(bitPattern: try readUInt64(what)))
    }
    /// An integer that must lie in `range` (counts, sizes, enum values).
    public mutating func readInt(_ what: String, in range: ClosedRange<Int>) throws(WireError) -> Int {
        let value = try readInt(what)
        guard range.contains(value) else { throw WireError("\(what) is \(value), outside \(range.lowerBound)...\(range.upperBound)") }
        return value
    }
    public mutating func readUInt8(_ what: String) throws(WireError) -> UInt8 { try take(1, what).first! }
    public mutating func readBool(_ what: String) throws(WireError) -> Bool {
        switch try readUInt8(what) {
        case 0: return false
        case 1: return true
        case let other: throw WireError("\(what) is \(other), not a boolean")
        }
    }
    public mutating func readBytes(_ what: String) throws(WireError) -> [UInt8] {
        var n = 0
        for (i, b) in try take(4, what + " length").enumerated() { n |= Int(b) << (8 * i) }
        return Array(try take(n, what))
    }
    public mutating func readString(_ what: String) throws(WireError) -> String {
        let raw = try readBytes(what)
        guard let text = String(validating: raw, as: UTF8.self) else { throw WireError("\(what) is not valid UTF-8") }
        return text
    }
    public mutating func readOptionalInt(_ what: String) throws(WireError) -> Int? {
        try readBool(what + " presence") ? try readInt(what) : nil
    }
    /// Throws when bytes are left over: a payload must be exactly one message.
    public func finish(_ what: String) throws(WireError) {
        guard isAtEnd else { throw WireError("\(bytes.count - offset) unexpected bytes after the \(what)") }
    }
}
