import GilBenchSimulator
import CGilBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The server workload's client, as `gilbench load-client` runs it: one thread, `epoll` over every
/// connection and a `timerfd` for the times it must act at (the next due request, the ends of the
/// warm-up and of the window).
///
/// - Connecting: `ServerLoad.connections` non-blocking `connect`s to 127.0.0.1:port, ``batchSize`` at a
///   time (a batch no larger than the server's backlog, `min(connections, SOMAXCONN)`, never overflows
///   it), each retried up to ``connectAttempts`` times after `ECONNREFUSED`, `EAGAIN`, `ETIMEDOUT` or
///   `EADDRNOTAVAIL`, waiting 25, 50, 100, ... ms in between. `TCP_NODELAY` on each.
/// - Closed loop: every connection sends a request, and its next one as soon as its answer arrives.
/// - Open loop: requests are due every 1/rate s, each given to the connection that has been free
///   longest (round robin over the free ones); with every connection waiting for an answer the
///   request is not sent and is counted (``ServerLoadResult/unsent``). Latency is measured from the
///   time it was due, not from when it could be sent, so a slow server's queue is in the latencies
///   (no coordinated omission).
/// - Windows: the warm-up, then the measured window; only answers received in the window count,
///   and their latencies go into a ``WaitHistogram``. After the window the client stops sending,
///   waits for the answers still due while they come, ``drainSeconds`` at most after the last (one left unanswered then is an error:
///   every request sent is answered, or the run fails), and closes every connection: the server
///   sees the end of each.
/// - Faults: a connection the server closes or resets, an answer that is not request + 1, bytes no
///   request asked for, or ``stallSeconds`` without any answer while requests wait: a
///   `GilBenchError` `.runFailed` naming the server and the connection.
package final class LoadGenerator {
    /// Connections set up at once.
    package static let batchSize = 128
    /// Attempts per connection before a refused connection is an error.
    package static let connectAttempts = 6
    /// Longest wait for a batch's connections to be accepted (the kernel resends a dropped SYN after 1, 3, 7 s).
    package static let connectTimeoutSeconds = 30.0
    /// Longest wait after the window, and then after each answer, for the answers still due: a thread
    /// per connection at 10,000 connections may take seconds to answer its last requests; a server
    /// that answered none for this long has lost them.
    package static let drainSeconds = 10.0
    /// Longest time without any answer while requests wait before the server is declared stalled.
    package static let stallSeconds = 20.0

    private let port: Int
    private let load: ServerLoad
    private var sockets: [Int32]
    private var epoll: Int32 = -1
    private var timer: Int32 = -1

    // Per connection.
    private var outstanding: [Bool]
    private var requestNumber: [Int64]
    /// Monotonic nanoseconds the outstanding request was sent (closed loop) or due (open loop).
    private var startedAt: [UInt64]
    /// Bytes of the outstanding request sent so far.
    private var sentBytes: [Int]
    private var waitingToWrite: [Bool]
    /// Bytes of the answer received so far, and the answer (8 per connection).
    private var answerBytes: [Int]
    private var answers: [UInt8]

    /// The request's bytes after its number: zeros. Its first 8 bytes are overwritten with each
    /// request's number just before a send (one thread: no one else uses it meanwhile).
    private var payload: [UInt8]
    private var nextNumber: Int64 = 0
    private var outstandingCount = 0
    /// Open loop: connections without a request outstanding, longest free first (a ring).
    private var free: [Int]
    private var freeHead = 0
    private var freeCount = 0

    private enum Phase { case warmup, measuring, draining }
    private var phase = Phase.warmup
    private var windowStart: UInt64 = 0
    private var windowEnd: UInt64 = .max
    private var latencies = WaitHistogram()
    private var answered = 0
    private var unsent = 0
    /// When the last answer came (or the first request after none was outstanding): the stall guard's start.
    private var lastProgress: UInt64 = 0

    private init(port: Int, load: ServerLoad) {
        self.port = port
        self.load = load
        let n = load.connections
        sockets = Array(repeating: -1, count: n)
        outstanding = Array(repeating: false, count: n)
        requestNumber = Array(repeating: 0, count: n)
        startedAt = Array(repeating: 0, count: n)
        sentBytes = Array(repeating: 0, count: n)
        waitingToWrite = Array(repeating: false, count: n)
        answerBytes = Array(repeating: 0, count: n)
        answers = Array(repeating: 0, count: 8 * n)
        payload = Array(repeating: 0, count: load.messageSize)
        free = Array(repeating: 0, count: n)
    }

    deinit {
        for fd in sockets where fd >= 0 { close(fd) }
        if epoll >= 0 { close(epoll) }
        if timer >= 0 { close(timer) }
    }

    /// Runs `load` against the server at 127.0.0.1:`port` and returns what the window measured.
    /// Every descriptor it opened is closed when it returns or throws.
    /// - Throws: `GilBenchError` `.usage` for a load out of range or a hard descriptor limit below
    ///   what it needs; `.runFailed` when it cannot connect or the server fails; `.system` when
    ///   epoll or the timer cannot be made.
    package static func run(port: Int, load: ServerLoad) throws(GilBenchError) -> ServerLoadResult {
        try load.validate()
        guard (1...65535).contains(port) else { throw GilBenchError(.usage, "the server's client: the port must be between 1 and 65535 (got \(port))") }
        _ = try FileDescriptorLimit.ensure(load.connections + ServerLoad.descriptorMargin)
        gb_ignore_sigpipe()
        let generator = LoadGenerator(port: port, load: load)
        try generator.makeEventSources()
        try generator.connectAll()
        return try generator.measure()
    }

    /// Runs `gilbench load-client`: ``run(port:load:)``, its result line on standard output
    /// (``ServerLoadResult/line``), or on failure a line `load-client-error MESSAGE`.
    /// - Returns: the exit status: 0, or the error's (64, 70).
    package static func serve(port: Int, load: ServerLoad) -> Int32 {
        let line: String
        let status: Int32
        do {
            line = try run(port: port, load: load).line
            status = 0
        } catch {
            line = ServerLoadResult.errorTag + " " + error.description
            status = error.exitStatus.rawValue
        }
        let bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count, let n = try? SystemCall.write(1, bytes[written...]) { written += n }
        return status
    }

    // MARK: Set-up

    private func makeEventSources() throws(GilBenchError) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw GilBenchError(.system, "the server's client cannot create an epoll instance", errno: errno) }
        timer = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK) | Int32(TFD_CLOEXEC))
        guard timer >= 0 else { throw GilBenchError(.system, "the server's client cannot create a timer", errno: errno) }
        try watch(timer, events: EPOLLIN.rawValue, token: UInt64.max, operation: EPOLL_CTL_ADD)
    }

    private func watch(_ fd: Int32, events: UInt32, token: UInt64, operation: Int32) throws(GilBenchError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        guard epoll_ctl(epoll, operation, fd, &event) == 0 else {
            throw GilBenchError(.system, "the server's client cannot watch descriptor \(fd) with epoll", errno: errno)
        }
    }

    /// Connects every connection, ``batchSize`` at a time, and watches each for answers.
    private func connectAll() throws(GilBenchError) {
        var first = 0
        while first < load.connections {
            let batch = first..<min(load.connections, first + LoadGenerator.batchSize)
            try connect(batch)
            for i in batch {
                LoopbackConnection.setNoDelay(sockets[i])
                try watch(sockets[i], events: EPOLLIN.rawValue, token: UInt64(i), operation: EPOLL_CTL_ADD)
            }
            first = batch.upperBound
        }
    }

    private static func isRetryable(_ error: Int32) -> Bool {
        error == ECONNREFUSED || error == EAGAIN || error == ETIMEDOUT || error == EADDRNOTAVAIL
    }

    private func connectionName(_ i: Int) -> String {
        "connection \(i + 1) of \(load.connections) to the server at 127.0.0.1:\(port)"
    }

    /// Connects the connections of `batch`: all started at once, then waited for with `poll`.
    private func connect(_ batch: Range<Int>) throws(GilBenchError) {
        var attempts = [Int: Int]()
        var retryAt = [Int: UInt64]()
        var pending = Set<Int>()
        let deadline = MonotonicClock.nanoseconds() + UInt64(LoadGenerator.connectTimeoutSeconds * 1e9)

        func failed(_ i: Int, _ error: Int32) throws(GilBenchError) {
            close(sockets[i])
            sockets[i] = -1
            pending.remove(i)
            let made = attempts[i, default: 0]
            guard LoadGenerator.isRetryable(error), made < LoadGenerator.connectAttempts else {
                throw GilBenchError(
                    .runFailed, "the server's client cannot open \(connectionName(i))"
                        + (made > 1 ? " (\(made) attempts)" : ""), errno: error)
            }
            retryAt[i] = MonotonicClock.nanoseconds() + 25_000_000 << UInt64(made - 1)
        }

        func start(_ i: Int) throws(GilBenchError) {
            attempts[i, default: 0] += 1
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw GilBenchError(.runFailed, "the server's client cannot create a socket for \(connectionName(i))", errno: errno) }
            sockets[i] = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
            let status = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if status == 0 { return }
            let error = errno
            if error == EINPROGRESS || error == EINTR { pending.insert(i); return }
            try failed(i, error)
        }

        for i in batch { try start(i) }
        while !pending.isEmpty || !retryAt.isEmpty {
            let now = MonotonicClock.nanoseconds()
            if now >= deadline {
                let late = pending.union(retryAt.keys).min()!
                throw GilBenchError(
                    .runFailed, "the server's client: \(connectionName(late)) was not accepted within \(Int(LoadGenerator.connectTimeoutSeconds)) s")
            }
            for (i, due) in retryAt where due <= now {
                retryAt[i] = nil
                try start(i)
            }
            let order = pending.sorted()
            var descriptors = order.map { pollfd(fd: sockets[$0], events: Int16(POLLOUT), revents: 0) }
            let nextRetry = retryAt.values.min().map { $0 > now ? ($0 - now) / 1_000_000 + 1 : 0 } ?? 100
            do throws(Errno) {
                _ = try SystemCall.poll(&descriptors, timeoutMilliseconds: Int32(min(100, nextRetry)))
            } catch {
                throw GilBenchError(.system, "the server's client cannot wait for its connections", errno: error)
            }
            for (k, i) in order.enumerated() where descriptors[k].revents != 0 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                if getsockopt(sockets[i], SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
                if error == 0 { pending.remove(i) } else { try failed(i, error) }
            }
        }
    }

    // MARK: The load

    private func measure() throws(GilBenchError) -> ServerLoadResult {
        let n = load.connections
        let start = MonotonicClock.nanoseconds()
        windowStart = start + UInt64(load.warmupSeconds * 1e9)
        lastProgress = start
        let interval = load.rate.map { 1e9 / $0 }
        var nextDue = Double(start)
        var drainDeadline: UInt64 = .max
        if interval == nil {
            for i in 0..<n { try send(i, startedAt: start) }
        } else {
            for i in 0..<n { free[i] = i }
            freeCount = n
        }
        var events = [epoll_event](repeating: epoll_event(), count: min(n + 1, 1024))
        while true {
            let now = MonotonicClock.nanoseconds()
            if phase == .warmup && now >= windowStart {
                phase = .measuring
                if load.requests == nil { windowEnd = windowStart + UInt64(load.durationSeconds * 1e9) }
            }
            if phase == .measuring && now >= windowEnd { phase = .draining }
            if phase == .draining {
                if drainDeadline == .max { drainDeadline = now + UInt64(LoadGenerator.drainSeconds * 1e9) }
                if outstandingCount == 0 { break }
                // A server still answering keeps the drain open (a thread per connection beside a
                // CPU-bound thread answers about one request per switch interval); one that answered
                // nothing for drainSeconds has lost them. The parent's timeout bounds the whole.
                if now >= max(drainDeadline, lastProgress + UInt64(LoadGenerator.drainSeconds * 1e9)) {
                    throw GilBenchError(
                        .runFailed, "the server at 127.0.0.1:\(port) left \(outstandingCount) requests unanswered, none answered "
                            + "for \(Int(LoadGenerator.drainSeconds)) s after the window (first on \(connectionName(outstanding.firstIndex(of: true) ?? 0)))")
                }
            }
            if outstandingCount > 0 && now >= lastProgress + UInt64(LoadGenerator.stallSeconds * 1e9) {
                throw GilBenchError(
                    .runFailed, "the server at 127.0.0.1:\(port) answered nothing for \(Int(LoadGenerator.stallSeconds)) s "
                        + "(\(outstandingCount) requests outstanding): the server's client gave up")
            }
            if let interval, phase != .draining {
                while nextDue <= Double(now) {
                    try issue(due: UInt64(nextDue))
                    nextDue += interval
                }
            }
            // Sleep until the next thing to do, or until a connection is ready.
            var wake = lastProgress + UInt64(LoadGenerator.stallSeconds * 1e9)
            switch phase {
            case .warmup: wake = min(wake, windowStart)
            case .measuring: wake = min(wake, windowEnd)
            case .draining: wake = min(wake, drainDeadline)
            }
            if interval != nil && phase != .draining { wake = min(wake, UInt64(nextDue)) }
            try arm(at: wake)
            let ready = events.withUnsafeMutableBufferPointer { buffer in
                epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), -1)
            }
            if ready < 0 {
                if errno == EINTR { continue }
                throw GilBenchError(.system, "the server's client cannot wait with epoll", errno: errno)
            }
            for k in 0..<Int(ready) {
                let token = events[k].data.u64
                if token == UInt64.max {
                    var expirations: UInt64 = 0
                    _ = read(timer, &expirations, 8)
                    continue
                }
                let i = Int(token), flags = events[k].events
                if flags & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { try receive(i) }
                if flags & EPOLLOUT.rawValue != 0 && outstanding[i] { try continueSending(i) }
            }
        }
        // The loop ends only while draining, with the window's end known.
        let elapsed = Double(windowEnd &- windowStart) / 1e9
        for i in 0..<n where sockets[i] >= 0 {
            close(sockets[i])
            sockets[i] = -1
        }
        func microseconds(_ nanoseconds: UInt64?) -> Double? { nanoseconds.map { Double($0) / 1000 } }
        return ServerLoadResult(
            answered: answered, elapsedSeconds: elapsed,
            latencyP50Microseconds: microseconds(latencies.value(atPercentile: 50)),
            latencyP99Microseconds: microseconds(latencies.value(atPercentile: 99)),
            latencyMaxMicroseconds: microseconds(latencies.max), unsent: unsent)
    }

    /// Sets the timer to go off at `time` (monotonic nanoseconds).
    private func arm(at time: UInt64) throws(GilBenchError) {
        var setting = itimerspec()
        let at = max(time, 1)
        setting.it_value = timespec(tv_sec: Int(at / 1_000_000_000), tv_nsec: Int(at % 1_000_000_000))
        guard timerfd_settime(timer, Int32(TFD_TIMER_ABSTIME), &setting, nil) == 0 else {
            throw GilBenchError(.system, "the server's client cannot set its timer", errno: errno)
        }
    }

    /// Open loop: a request due at `due`, sent on the connection free longest, or counted unsent.
    private func issue(due: UInt64) throws(GilBenchError) {
        guard freeCount > 0 else {
            if phase == .measuring { unsent += 1 }
            return
        }
        let i = free[freeHead]
        freeHead = (freeHead + 1) % free.count
        freeCount -= 1
        try send(i, startedAt: due)
    }

    private func send(_ i: Int, startedAt time: UInt64) throws(GilBenchError) {
        // The stall guard counts from the last answer, or from the first request after none waited.
        if outstandingCount == 0 { lastProgress = MonotonicClock.nanoseconds() }
        requestNumber[i] = nextNumber
        nextNumber += 1
        startedAt[i] = time
        sentBytes[i] = 0
        answerBytes[i] = 0
        outstanding[i] = true
        outstandingCount += 1
        try continueSending(i)
    }

    /// Sends what is left of connection `i`'s request; watches it for room to write when the socket's
    /// buffer is full, and stops watching once the request is out.
    private func continueSending(_ i: Int) throws(GilBenchError) {
        let size = load.messageSize
        while sentBytes[i] < size {
            let number = requestNumber[i], offset = sentBytes[i], fd = sockets[i]
            let result = payload.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: number, as: Int64.self)
                return valueOrErrno { Glibc.send(fd, raw.baseAddress! + offset, size - offset, Int32(MSG_NOSIGNAL)) }
            }
            switch result {
            case .success(let sent):
                sentBytes[i] += sent
            case .failure(let error) where error == .resourceTemporarilyUnavailable:
                if !waitingToWrite[i] {
                    waitingToWrite[i] = true
                    try watch(fd, events: EPOLLIN.rawValue | EPOLLOUT.rawValue, token: UInt64(i), operation: EPOLL_CTL_MOD)
                }
                return
            case .failure(let error):
                throw GilBenchError(.runFailed, "the server's client cannot send request \(number) on \(connectionName(i))", errno: error)
            }
        }
        if waitingToWrite[i] {
            waitingToWrite[i] = false
            try watch(sockets[i], events: EPOLLIN.rawValue, token: UInt64(i), operation: EPOLL_CTL_MOD)
        }
    }

    /// Reads what connection `i` has: its answer's bytes, or the server's end of it.
    private func receive(_ i: Int) throws(GilBenchError) {
        let fd = sockets[i]
        let wanted = outstanding[i] ? 8 - answerBytes[i] : 1
        let offset = 8 * i + answerBytes[i]
        let result = answers.withUnsafeMutableBytes { raw in
            valueOrErrno { Glibc.recv(fd, raw.baseAddress! + offset, wanted, 0) }
        }
        let received: Int
        switch result {
        case .success(let n): received = n
        case .failure(let error) where error == .resourceTemporarilyUnavailable: return
        case .failure(let error):
            throw GilBenchError(.runFailed, "the server reset \(connectionName(i))" + waitingFor(i), errno: error)
        }
        if received == 0 {
            throw GilBenchError(.runFailed, "the server closed \(connectionName(i))" + waitingFor(i))
        }
        guard outstanding[i] else {
            throw GilBenchError(.runFailed, "the server sent bytes no request asked for on \(connectionName(i))")
        }
        answerBytes[i] += received
        guard answerBytes[i] == 8 else { return }
        let now = MonotonicClock.nanoseconds()
        let answer = answers.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self) }
        guard answer == requestNumber[i] &+ 1 else {
            throw GilBenchError(
                .runFailed, "the server answered \(answer) to request \(requestNumber[i]) on \(connectionName(i)) (expected \(requestNumber[i] &+ 1))")
        }
        outstanding[i] = false
        outstandingCount -= 1
        lastProgress = now
        if phase == .measuring && now >= windowStart && now < windowEnd {
            answered += 1
            latencies.record(nanoseconds: now &- startedAt[i])
            if let requests = load.requests, answered >= requests {
                windowEnd = now
                phase = .draining
            }
        }
        guard phase != .draining else { return }
        if load.rate == nil {
            try send(i, startedAt: now)
        } else {
            free[(freeHead + freeCount) % free.count] = i
            freeCount += 1
        }
    }

    private func waitingFor(_ i: Int) -> String {
        outstanding[i] ? " before answering request \(requestNumber[i])" : ""
    }
}
