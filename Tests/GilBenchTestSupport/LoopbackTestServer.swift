import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny server of the server workload's wire protocol on 127.0.0.1, on a thread of the test
/// process, for tests of the client process: it reads whole requests of `messageSize` bytes (the
/// first 8 the request number, native-endian), answers each with the number + 1 (8 bytes), and
/// closes a connection when the client ends it.
///
/// `poll` over the listener and every connection, as an event-loop server does. It can be told to
/// take `delay` per request (a slow server) or to close every connection and stop after
/// `closeAfter` answers (a server that dies mid-run).
public final class LoopbackTestServer: Sendable {
    public let port: Int
    /// Answers sent so far.
    public var answered: Int { answeredCount.load(ordering: .acquiring) }
    /// Connections accepted so far, and those the client ended (end of file seen).
    public var accepted: Int { acceptedCount.load(ordering: .acquiring) }
    public var ended: Int { endedCount.load(ordering: .acquiring) }

    private let answeredCount = Atomic<Int>(0)
    private let acceptedCount = Atomic<Int>(0)
    private let endedCount = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Listens (backlog 4096) and starts serving on a thread of its own.
    /// - Parameters:
    ///   - messageSize: bytes of one request.
    ///   - delay: time spent on each request before its answer (a sleep).
    ///   - closeAfter: after this many answers, close every connection and the listener, and stop.
    public init(messageSize: Int = 8, delay: Duration = .zero, closeAfter: Int? = nil) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4096) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in
            serve(listener: fd, messageSize: messageSize, delay: delay, closeAfter: closeAfter)
            finished.signal()
        }
        thread.start()
    }

    /// Stops serving (closing what is still open) and waits for the thread to end.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        finished.wait()
        finished.signal()
    }

    /// Waits up to `seconds` for `ended` to reach `count`.
    public func waitForEnds(_ count: Int, seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while ended < count && Date() < deadline { usleep(1000) }
        return ended >= count
    }

    private func serve(listener: Int32, messageSize: Int, delay: Duration, closeAfter: Int?) {
        var connections: [Int32] = []
        var received: [Int32: [UInt8]] = [:]
        var buffer = [UInt8](repeating: 0, count: 65536)
        defer {
            for fd in connections { close(fd) }
            close(listener)
        }
        while !stopping.load(ordering: .acquiring) {
            var descriptors = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
                + connections.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&descriptors, nfds_t(descriptors.count), 20) >= 0 || errno == EINTR else { return }
            if descriptors[0].revents != 0 {
                let fd = accept(listener, nil, nil)
                if fd >= 0 {
                    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                    var one: Int32 = 1
                    _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    connections.append(fd)
                    received[fd] = []
                    acceptedCount.add(1, ordering: .releasing)
                }
            }
            for descriptor in descriptors.dropFirst() where descriptor.revents != 0 {
                let fd = descriptor.fd
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 {
                    close(fd)
                    connections.removeAll { $0 == fd }
                    received[fd] = nil
                    endedCount.add(1, ordering: .releasing)
                    continue
                }
                received[fd, default: []] += buffer[..<n]
                while received[fd]!.count >= messageSize {
                    let number = received[fd]!.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
                    received[fd]!.removeFirst(messageSize)
                    if delay > .zero { Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds)) }
                    var answer = number + 1
                    _ = withUnsafeBytes(of: &answer) { send(fd, $0.baseAddress, 8, Int32(MSG_NOSIGNAL)) }
                    let total = answeredCount.add(1, ordering: .releasing).newValue
                    if let closeAfter, total >= closeAfter { return }
                }
            }
        }
    }
}
