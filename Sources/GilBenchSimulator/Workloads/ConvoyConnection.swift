import CGilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization
import SystemPackage

/// The convoy's transport: one TCP connection on the loopback interface, for the simulator's
/// `io-latency` workload as for a real interpreter's convoy twin (`gilbench python`), so that both
/// answering threads pay the same kernel path (TCP over `lo`) for every request and answer.
///
/// gilbench, the client, listens on 127.0.0.1 at a port the kernel picks and accepts; the answering
/// side connects, as the Python twin does with `socket.create_connection(('127.0.0.1', port))`.
/// Both ends set `TCP_NODELAY`, as the Python twin does on its end.
package enum LoopbackConnection {
    /// Listens on 127.0.0.1 at a port the kernel picks (backlog 1).
    /// - Returns: the listening descriptor (close-on-exec) and its port.
    /// - Throws: `GilBenchError` `.system` when the socket cannot be made or bound.
    package static func listen() throws(GilBenchError) -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw GilBenchError(.system, "cannot create the convoy's socket", errno: errno) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && Glibc.listen(fd, 1) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            let saved = errno
            close(fd)
            throw GilBenchError(.system, "cannot listen on 127.0.0.1 for the convoy", errno: saved)
        }
        // A send to a connection whose reader has gone must fail with EPIPE, not kill gilbench
        // (CPython ignores SIGPIPE at start-up for the same reason: Python/pylifecycle.c, init_signals).
        gb_ignore_sigpipe()
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Turns Nagle's algorithm off on `fd`: each 8-byte request or answer leaves at once.
    package static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Both ends of one loopback connection made in this process (the simulator's convoy): the
    /// client's end is the accepted one, the server's end the connecting one, as with a real
    /// interpreter. Both close-on-exec, both with `TCP_NODELAY`.
    /// - Throws: `GilBenchError` `.system` when a socket call fails.
    package static func connectedPair() throws(GilBenchError) -> (client: Int32, server: Int32) {
        let (listener, port) = try listen()
        defer { close(listener) }
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard server >= 0 else { throw GilBenchError(.system, "cannot create the convoy's socket", errno: errno) }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        // The backlog holds the connection: accept returns at once.
        let client = connected ? accept(listener, nil, nil) : -1
        guard client >= 0, fcntl(client, F_SETFD, FD_CLOEXEC) == 0 else {
            let saved = errno
            close(server)
            if client >= 0 { close(client) }
            throw GilBenchError(.system, "cannot connect to 127.0.0.1 for the convoy", errno: saved)
        }
        setNoDelay(client)
        setNoDelay(server)
        return (client, server)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}

/// The answering thread's end of the simulator's convoy connection, and the native functions the
/// `io-server` program calls on it, each doing what the Python twin's call does in CPython:
///
/// - `recv(count)`: `connection.recv(8 - len(data))`, one `recv(2)` of at most `count` bytes
///   (`Modules/socketmodule.c` `sock_recv_guts` through `sock_call_ex`, which calls
///   `sock_recv_impl` between `Py_BEGIN_ALLOW_THREADS` and `Py_END_ALLOW_THREADS`: the GIL is
///   released around the system call only, and a blocking socket without a timeout is not polled
///   first). The bytes go after those already received; it returns how many came, 0 at end of file,
///   -1 on an error (where CPython raises `OSError`). Interrupted by a signal, it calls `recv`
///   again, as `sock_call_ex`'s inner loop does.
/// - `unpack(_)`: `struct.unpack('=q', data)[0]`, the request received, with the GIL held.
/// - `sendall(value)`: `connection.sendall(struct.pack('=q', value))`: `send(2)` until the 8 bytes
///   are gone (`sock_sendall`, one `sock_call_ex(sock_send_impl)` per chunk: one for 8 bytes);
///   0, or -1 when the client has gone. Departure: `struct.pack` runs here with the GIL released,
///   and a partial send is retried without re-taking the GIL (CPython re-takes it between chunks);
///   neither happens to matter for 8 bytes.
package final class AnsweringSocket: Sendable {
    /// The request's size: one native-endian 64-bit integer, `struct` format `=q`.
    package static let requestBytes = MemoryLayout<Int>.size

    private let socket: Descriptor
    /// The request's bytes received so far (`data`), written by `recv` and read by `unpack`.
    private let request = Mutex<Int>(0)

    package init(socket fd: Int32) { socket = Descriptor(fd) }

    package var natives: [NativeFunction] {
        [NativeFunction(name: "recv", releasesGIL: true) { count in self.receive(count) },
         NativeFunction(name: "unpack", releasesGIL: false) { _ in self.request.withLock { $0 } },
         NativeFunction(name: "sendall", releasesGIL: true) { value in self.sendAll(value) }]
    }

    /// One `recv(2)` of at most `count` bytes (clamped to 1...8), stored after the `8 - count`
    /// bytes already received.
    package func receive(_ count: Int) -> Int {
        let wanted = min(max(count, 1), Self.requestBytes)
        var bytes = 0
        let fd = socket.fd
        let received = withUnsafeMutableBytes(of: &bytes) { raw in
            Result { () throws(Errno) in try SystemCall.receive(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[..<wanted])) }
        }
        guard case .success(let got) = received else { return -1 }
        guard got > 0 else { return 0 }
        let offset = Self.requestBytes - wanted
        request.withLock { value in
            withUnsafeMutableBytes(of: &value) { target in
                withUnsafeBytes(of: &bytes) { source in
                    target.baseAddress!.advanced(by: offset).copyMemory(from: source.baseAddress!, byteCount: got)
                }
            }
        }
        return got
    }

    private func sendAll(_ value: Int) -> Int {
        var value = value
        let fd = socket.fd
        let sent = withUnsafeBytes(of: &value) { bytes in Result { () throws(Errno) in try SystemCall.sendAll(fd, bytes) } }
        return (try? sent.get()) != nil ? 0 : -1
    }

    /// Shuts the connection down both ways: a client waiting for an answer sees end of file, and
    /// so does a server waiting in `recv`.
    package func shutDown() { socket.shutDown() }
}
