import CGilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization
import SystemPackage

/// The server workload's listening socket (issue 24): TCP on 127.0.0.1 at a port the kernel picks,
/// made in gilbench's process, where the simulated interpreter serves (`ServerWorkload`). The
/// client process (`ServerLoadClient`) connects to ``port``.
///
/// As a Python server does with `socket.socket()`, `bind(('127.0.0.1', 0))` and
/// `listen(backlog)`: the backlog is `min(connections, SOMAXCONN)` (the kernel caps it there anyway),
/// so that the client's connections wait in it until they are accepted.
package final class ServerListener: Sendable {
    /// The listening descriptor (close-on-exec, non-blocking: ``acceptAll(_:nonBlocking:deadline:clientRunning:)``
    /// waits with `poll` so that it can give up).
    package let fd: Int32
    package let port: Int
    private let descriptor: Descriptor

    /// Listens on 127.0.0.1 with a backlog for `connections`.
    /// - Throws: `GilBenchError` `.system` when the socket cannot be made, bound or listened on.
    package init(connections: Int) throws(GilBenchError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw GilBenchError(.system, "cannot create the server's listening socket", errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let backlog = Int32(min(connections, Int(SOMAXCONN)))
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && Glibc.listen(fd, backlog) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            let saved = errno
            Glibc.close(fd)
            throw GilBenchError(.system, "cannot listen on 127.0.0.1 for the server", errno: saved)
        }
        // A send to a client that has gone must fail with EPIPE, not kill gilbench (CPython ignores
        // SIGPIPE at start-up: Python/pylifecycle.c, init_signals).
        gb_ignore_sigpipe()
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        descriptor = Descriptor(fd)
    }

    /// Closes the listening socket (once; also when released).
    package func close() { descriptor.close() }

    /// Accepts `count` connections, each close-on-exec with `TCP_NODELAY` (as the Python servers
    /// set it) and, when `nonBlocking`, `O_NONBLOCK` (asyncore's `setblocking(0)`).
    ///
    /// The accepting is the server's start-up, before its requests: the client connects every
    /// connection before it sends (`LoadGenerator`), so the accept loop runs natively here, ahead of
    /// the interpreted server, and is not part of what the run times.
    /// - Parameters:
    ///   - deadline: monotonic nanoseconds after which it gives up.
    ///   - clientRunning: asked every 100 ms without a connection; false ends the wait.
    /// - Returns: the accepted descriptors, in order. On a throw, every one accepted is closed.
    /// - Throws: `GilBenchError` `.runFailed` when the client ended or the deadline passed first;
    ///   `.system` when `accept4` fails (too many open files, ...).
    package func acceptAll(
        _ count: Int, nonBlocking: Bool, deadline: UInt64, clientRunning: () -> Bool
    ) throws(GilBenchError) -> [Int32] {
        var accepted: [Int32] = []
        accepted.reserveCapacity(count)
        func fail(_ error: GilBenchError) -> GilBenchError {
            for fd in accepted { Glibc.close(fd) }
            return error
        }
        while accepted.count < count {
            // accept, then fcntl: Glibc's Swift module leaves accept4 out. No other thread starts a
            // process meanwhile, so close-on-exec set a moment late loses nothing.
            let result = valueOrErrno { accept(fd, nil, nil) }
            switch result {
            case .success(let connection):
                accepted.append(connection)
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                // Accepted sockets do not inherit O_NONBLOCK from the listener on Linux (accept(2)).
                _ = fcntl(connection, F_SETFL, nonBlocking ? O_NONBLOCK : 0)
                LoopbackConnection.setNoDelay(connection)
            case .failure(let error) where error == .resourceTemporarilyUnavailable:
                if MonotonicClock.nanoseconds() >= deadline {
                    throw fail(GilBenchError(.runFailed, "the server accepted \(accepted.count) of \(count) connections before its deadline"))
                }
                if !clientRunning() {
                    throw fail(GilBenchError(.runFailed, "the server's client ended after \(accepted.count) of \(count) connections"))
                }
                var waiting = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
                _ = try? SystemCall.poll(&waiting, timeoutMilliseconds: 100)
            case .failure(let error):
                throw fail(GilBenchError(.system, "the server cannot accept connection \(accepted.count + 1) of \(count)", errno: error))
            }
        }
        return accepted
    }
}

/// The server's accepted connections and the native functions its interpreted programs call on
/// them (`ServerWorkload`), each doing what the Python server's call does in CPython. A program names
/// a connection by its index (0 to `connections - 1`), where Python holds the socket object.
///
/// - `recv(conn)`: `conn.recv(size - len(data))`, one `recv(2)` of at most the bytes the request
///   still lacks (`Modules/socketmodule.c` `sock_recv_guts` through `sock_call_ex`, which releases
///   the GIL around the system call only, for blocking and non-blocking sockets alike). It returns
///   the bytes the request still lacks after it (0: the request is whole), or -1 at end of file or
///   on an error (Python's `b''` or `OSError`). A non-blocking socket with nothing to read
///   (`EWOULDBLOCK`: a spurious readiness) counts as no bytes. Departure: `data += chunk` and
///   `len(data)` are kept here, with the GIL released, where Python runs them as bytecode.
/// - `sendall(conn)`: `conn.sendall(struct.pack('=q', number + 1))`, the 8-byte answer
///   (`sock_sendall`, one `sock_call_ex(sock_send_impl)` per chunk). A non-blocking socket whose
///   buffer is full waits in `poll` for room, as `sock_call_ex` does for a socket with a timeout;
///   asyncore would buffer the answer and wait for `handle_write` instead. Neither happens while a
///   connection has at most one request outstanding, as the client keeps it. 0, or -1 on an error.
/// - `close(conn)`: `conn.close()`; returns the connections still open.
/// - `open()`: the connections still open (the event loop's `while map:` in `asyncore.loop`).
/// - `poll()`: `epoll.poll()` (`Modules/selectmodule.c`: 2.7 `pyepoll_poll`, 3.x
///   `select_epoll_poll_impl`: `epoll_wait` between `Py_BEGIN_ALLOW_THREADS` and
///   `Py_END_ALLOW_THREADS`), waiting without a timeout for the open connections to be readable,
///   at most one event per connection (`selectors.EpollSelector.select`'s `max_ev`). Returns how
///   many are ready; `next_ready()` then hands them out one by one (`for fd, event in ...`).
///
/// Each connection's state is touched by one interpreter thread only (its own in `threads` mode,
/// the event loop's otherwise), so the slots need no lock; the count of open connections is atomic.
package final class ServerConnections: @unchecked Sendable {
    // @unchecked: `slots` is written by the one thread that serves each connection (see above); the
    // ready list by the event loop's thread only; `openCount` is atomic.
    private struct Slot {
        var fd: Int32
        /// Bytes of the current request received so far.
        var received: Int
        /// The request's first 8 bytes: its number, native-endian (`struct` `=q`).
        var number: Int
    }

    package let count: Int
    private let messageSize: Int
    private let slots: UnsafeMutablePointer<Slot>
    private let openCount: Atomic<Int>
    private var epoll: Int32
    private let ready: UnsafeMutablePointer<epoll_event>
    private var readyCount = 0
    private var nextReady = 0
    /// A pre-forked worker's (``init(listeningOn:control:capacity:messageSize:)``): the shared
    /// listening socket, and the channel whose end of file says no more connections will come.
    private var listener: Int32 = -1
    private var control: Int32 = -1
    /// Whether more connections may come (a worker until its control channel ends).
    private var accepting = false
    private var accepted = 0
    private static let listenerToken = UInt64.max, controlToken = UInt64.max - 1

    /// Takes ownership of `descriptors`, the accepted connections; with `polled`, watches every one
    /// for reading with epoll (level-triggered, as `select.epoll` registers by default).
    /// - Throws: `GilBenchError` `.system` when epoll cannot be made or watch one (the
    ///   descriptors are then closed).
    package init(_ descriptors: [Int32], messageSize: Int, polled: Bool) throws(GilBenchError) {
        count = descriptors.count
        self.messageSize = messageSize
        slots = .allocate(capacity: max(count, 1))
        for (i, fd) in descriptors.enumerated() { (slots + i).initialize(to: Slot(fd: fd, received: 0, number: 0)) }
        openCount = Atomic(count)
        ready = .allocate(capacity: count + 2)
        epoll = polled ? epoll_create1(Int32(EPOLL_CLOEXEC)) : -1
        guard !polled || epoll >= 0 else {
            let saved = errno
            closeAll()
            throw GilBenchError(.system, "cannot create the server's epoll instance", errno: Errno(rawValue: saved))
        }
        if polled {
            for i in 0..<count {
                var event = epoll_event()
                event.events = EPOLLIN.rawValue
                event.data.u64 = UInt64(i)
                guard epoll_ctl(epoll, EPOLL_CTL_ADD, slots[i].fd, &event) == 0 else {
                    let saved = errno
                    closeAll()
                    throw GilBenchError(.system, "cannot watch the server's connection \(i + 1) with epoll", errno: Errno(rawValue: saved))
                }
            }
        }
    }

    /// A pre-forked worker's connections (`processes` mode): none yet; `poll()` accepts from
    /// `listener`, a listening socket shared with the other workers, as many as come (at most
    /// `capacity`), until `control` reaches end of file (the parent's word that the client is done).
    /// As in a pre-forked Python server (`os.fork()` after `listen()`, each worker running the event
    /// loop with the listening socket registered: `asyncore.dispatcher.handle_accept`), every worker
    /// is woken by a new connection and one of them gets it. Departure: the accept is native, inside
    /// `poll()`, where asyncore runs `handle_accept` as interpreted code (once per connection).
    /// - Throws: `GilBenchError` `.system` when epoll cannot be made or watch the two descriptors.
    package convenience init(listeningOn listener: Int32, control: Int32, capacity: Int, messageSize: Int) throws(GilBenchError) {
        try self.init(Array(repeating: -1, count: capacity), messageSize: messageSize, polled: false)
        openCount.store(0, ordering: .releasing)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw GilBenchError(.system, "cannot create the server worker's epoll instance", errno: Errno(rawValue: errno)) }
        self.listener = listener
        self.control = control
        accepting = true
        _ = fcntl(listener, F_SETFL, O_NONBLOCK)
        for (fd, token) in [(listener, Self.listenerToken), (control, Self.controlToken)] {
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.u64 = token
            guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else {
                throw GilBenchError(.system, "cannot watch descriptor \(fd) with the server worker's epoll", errno: Errno(rawValue: errno))
            }
        }
    }

    deinit {
        closeAll()
        slots.deinitialize(count: count)
        slots.deallocate()
        ready.deallocate()
    }

    /// Connections not yet closed by the server.
    package var open: Int { openCount.load(ordering: .acquiring) }

    /// The natives above, by their Python names.
    package var natives: [NativeFunction] {
        [NativeFunction(name: "recv", releasesGIL: true) { self.receive($0) },
         NativeFunction(name: "sendall", releasesGIL: true) { self.answer($0) },
         NativeFunction(name: "close", releasesGIL: false) { self.close($0) },
         NativeFunction(name: "open", releasesGIL: false) { _ in self.open + (self.accepting ? 1 : 0) },
         NativeFunction(name: "poll", releasesGIL: true) { _ in self.poll() },
         NativeFunction(name: "next_ready", releasesGIL: false) { _ in self.takeReady() }]
    }

    /// One `recv(2)` on connection `index`; the bytes its request still lacks, or -1 at its end.
    package func receive(_ index: Int) -> Int {
        guard index >= 0 && index < count, slots[index].fd >= 0 else { return -1 }
        let fd = slots[index].fd
        let wanted = messageSize - slots[index].received
        let got: Result<Int, Errno>
        if slots[index].received < 8 {
            // The request number's bytes go into `number`, after those already received.
            let offset = slots[index].received
            got = withUnsafeMutableBytes(of: &slots[index].number) { raw in
                valueOrErrno { recv(fd, raw.baseAddress! + offset, 8 - offset, 0) }
            }
        } else {
            // The rest of a longer request is zeros: read and dropped, 64 KiB at a time at most.
            got = withUnsafeTemporaryAllocation(byteCount: min(wanted, 1 << 16), alignment: 8) { buffer in
                valueOrErrno { recv(fd, buffer.baseAddress, buffer.count, 0) }
            }
        }
        switch got {
        case .success(0): return -1
        case .success(let n):
            slots[index].received += n
            return messageSize - slots[index].received
        case .failure(let error) where error == .resourceTemporarilyUnavailable:
            return wanted
        case .failure:
            return -1
        }
    }

    /// Sends connection `index`'s answer (its request's number plus one) and starts its next request.
    package func answer(_ index: Int) -> Int {
        guard index >= 0 && index < count, slots[index].fd >= 0 else { return -1 }
        let fd = slots[index].fd
        var value = slots[index].number &+ 1
        slots[index].received = 0
        slots[index].number = 0
        var sent = 0
        while sent < 8 {
            let result = withUnsafeBytes(of: &value) { raw in valueOrErrno { send(fd, raw.baseAddress! + sent, 8 - sent, 0) } }
            switch result {
            case .success(let n): sent += n
            case .failure(let error) where error == .resourceTemporarilyUnavailable:
                var waiting = [pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)]
                _ = try? SystemCall.poll(&waiting, timeoutMilliseconds: -1)
            case .failure: return -1
            }
        }
        return 0
    }

    /// Closes connection `index` (closing also drops it from epoll); the connections still open.
    package func close(_ index: Int) -> Int {
        guard index >= 0 && index < count, slots[index].fd >= 0 else { return open }
        Glibc.close(slots[index].fd)
        slots[index].fd = -1
        return openCount.subtract(1, ordering: .acquiringAndReleasing).newValue
    }

    /// `epoll_wait` for the open connections; how many are ready (0 when none is open and none may
    /// come). A worker's new connections and its control channel are handled here, and waited past.
    private func poll() -> Int {
        nextReady = 0
        readyCount = 0
        while epoll >= 0 && (open > 0 || accepting) {
            let capacity = Int32(max(open, 1) + (accepting ? 2 : 0))
            guard case .success(let n) = valueOrErrno({ epoll_wait(epoll, ready, capacity, -1) }) else { return 0 }
            var kept = 0
            for k in 0..<Int(n) {
                switch ready[k].data.u64 {
                case Self.listenerToken: acceptPending()
                case Self.controlToken: readControl()
                default:
                    ready[kept] = ready[k]
                    kept += 1
                }
            }
            if kept > 0 {
                readyCount = kept
                return kept
            }
        }
        return 0
    }

    /// Accepts every connection waiting on a worker's listening socket (another worker may take
    /// them first: `EAGAIN`), each non-blocking with `TCP_NODELAY`, watched for reading.
    private func acceptPending() {
        while accepted < count {
            guard case .success(let fd) = valueOrErrno({ accept(listener, nil, nil) }) else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            LoopbackConnection.setNoDelay(fd)
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.u64 = UInt64(accepted)
            guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else {
                Glibc.close(fd)
                return
            }
            slots[accepted].fd = fd
            accepted += 1
            openCount.add(1, ordering: .acquiringAndReleasing)
        }
    }

    /// Reads a worker's control channel; at its end (or an error) no more connections are accepted.
    private func readControl() {
        var byte: UInt8 = 0
        if case .success(let n) = valueOrErrno({ read(control, &byte, 1) }), n > 0 { return }
        accepting = false
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, control, nil)
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nil)
    }

    /// The next connection `poll()` found ready, by index (-1 when none is left).
    private func takeReady() -> Int {
        guard nextReady < readyCount else { return -1 }
        defer { nextReady += 1 }
        return Int(ready[nextReady].data.u64)
    }

    /// Shuts every open connection down both ways: a thread blocked in `recv` on one sees end of file
    /// (for a run that could not start every thread: those started then end).
    package func shutDownAll() {
        for i in 0..<count where slots[i].fd >= 0 { _ = shutdown(slots[i].fd, Int32(SHUT_RDWR)) }
    }

    /// Closes the connections still open and the epoll instance (after every server thread ended).
    package func closeAll() {
        for i in 0..<count where slots[i].fd >= 0 {
            Glibc.close(slots[i].fd)
            slots[i].fd = -1
        }
        openCount.store(0, ordering: .releasing)
        if epoll >= 0 { Glibc.close(epoll) }
        epoll = -1
    }
}
