#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// The convoy effect (Beazley 2010, bpo-7946): an I/O thread answering requests beside CPU-bound threads.
///
/// Task 0, the server, loops `x = recv(); send(x + 1)` on two pipes; both calls block in `read` or
/// `write` with the GIL released, as socket calls do under `Py_BEGIN_ALLOW_THREADS`. Tasks 1...K
/// count down until the server sets the global `stop`. A client thread outside the interpreter
/// sends `calls` requests, one at a time with a pause of ``pauseNanoseconds`` after each answer
/// (as requests arriving from a network: the server really blocks in `recv`, so a CPU-bound thread
/// takes the GIL meanwhile), and measures each response time (write of the request to read of the
/// answer): `latency_p50_us`, `latency_p99_us`, `latency_max_us`, `requests_per_s`.
/// Every time the server comes back from I/O it needs the GIL again; how long that takes while a
/// CPU-bound thread holds it is what separates the designs.
public enum IOLatencyWorkload {
    /// The client's pause between an answer and the next request: 1 ms, far longer than a wake-up
    /// (tens of microseconds), so that a CPU-bound thread holds the GIL when each request arrives.
    public static let pauseNanoseconds: UInt64 = 1_000_000

    public static let serverSource = """
        # def serve(requests):
        #     while requests > 0:
        #         x = recv()
        #         if x < 0: break
        #         send(x + 1)
        #         requests -= 1
        #     stop = 1
        .local requests x
        .global stop
        .native recv send

        """ + Programs.countingLoop("requests", body: """
            LOAD_CONST 0
            CALL_NATIVE recv
            STORE_FAST x
            LOAD_FAST x
            LOAD_CONST 0
            COMPARE_OP <
            POP_JUMP_IF_TRUE end
            LOAD_FAST x
            LOAD_CONST 1
            BINARY_ADD
            CALL_NATIVE send
            POP_TOP
            """, exit: """
            LOAD_CONST 1
            STORE_GLOBAL stop
            LOAD_CONST 0
            RETURN_VALUE
            """)

    public static let cpuSource = """
        # def spin(n):
        #     while not stop:
        #         n -= 1
        .local n
        .global stop

        """ + Programs.countingLoop("n", test: """
            LOAD_GLOBAL stop
            POP_JUMP_IF_TRUE end
            """)

    package static func plan(for configuration: RunConfiguration) throws(GilBenchError) -> WorkloadPlan {
        let channel = try Channel()
        let requests = configuration.calls
        let recv = NativeFunction(name: "recv", releasesGIL: true) { _ in channel.serverReceive() }
        let send = NativeFunction(name: "send", releasesGIL: true) { value in channel.serverSend(value) }
        // The sources are constants of this file; a failure here is a bug caught by the tests.
        let server = try! Assembler.assemble(serverSource, name: "io-server", natives: [recv, send])
        let cpu = try! Assembler.assemble(cpuSource, name: "io-cpu")
        precondition(server.globalNames == cpu.globalNames)
        let tasks = [InterpretedTask(program: server, arguments: [requests])]
            + Array(repeating: InterpretedTask(program: cpu, arguments: [0]), count: configuration.cpuThreads)
        let client = ClientHandle()
        return WorkloadPlan(
            tasks: tasks, shared: SharedState(globals: server.globalNames.count, locks: 0),
            report: { _ in client.outcome() },
            start: { () throws(GilBenchError) in
                try client.start { channel.runClient(requests: requests, pauseNanoseconds: pauseNanoseconds) }
            },
            finish: {
                // Closing the server's ends first unblocks a client whose server never ran.
                channel.closeServerEnds()
                client.join()
                channel.closeClientEnds()
            })
    }
}

/// A file descriptor closed exactly once, whichever thread closes it first.
final class Descriptor: Sendable {
    let fd: Int32
    private let closed = Atomic<Bool>(false)

    init(_ fd: Int32) { self.fd = fd }

    func close() {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { _ = Glibc.close(fd) }
    }

    deinit { close() }
}

/// The two pipes between the client and the server (or, for a real interpreter, one connected
/// socket: ``init(socket:)``). Messages are one native-endian Int each.
package final class Channel: Sendable {
    private let requestRead: Descriptor, requestWrite: Descriptor
    private let responseRead: Descriptor, responseWrite: Descriptor

    init() throws(GilBenchError) {
        var request: [Int32] = [0, 0], response: [Int32] = [0, 0]
        guard pipe(&request) == 0 else { throw GilBenchError(.system, "cannot create a pipe", errno: errno) }
        guard pipe(&response) == 0 else {
            let saved = errno
            _ = Glibc.close(request[0]); _ = Glibc.close(request[1])
            throw GilBenchError(.system, "cannot create a pipe", errno: saved)
        }
        // A write to a pipe whose reader has gone must fail with EPIPE, not kill gilbench.
        signal(SIGPIPE, SIG_IGN)
        requestRead = Descriptor(request[0]); requestWrite = Descriptor(request[1])
        responseRead = Descriptor(response[0]); responseWrite = Descriptor(response[1])
    }

    /// The client's side of a connected stream socket to a server in another process (`gilbench
    /// python`'s convoy twin): requests are written to it and answers read from it; this process has
    /// no server ends. Takes ownership of `fd`.
    /// - Throws: `GilBenchError` when the descriptor cannot be duplicated.
    package init(socket fd: Int32) throws(GilBenchError) {
        let second = dup(fd)
        guard second >= 0 else {
            let saved = errno
            _ = Glibc.close(fd)
            throw GilBenchError(.system, "cannot duplicate the convoy's socket", errno: saved)
        }
        requestWrite = Descriptor(fd); responseRead = Descriptor(second)
        requestRead = Descriptor(-1); responseWrite = Descriptor(-1)
    }

    /// Reads one request; -1 at end of file or on error.
    func serverReceive() -> Int { Channel.readInt(requestRead.fd) ?? -1 }

    /// Writes one response; returns 0, or -1 when the client has gone.
    func serverSend(_ value: Int) -> Int { Channel.writeInt(responseWrite.fd, value) ? 0 : -1 }

    func closeServerEnds() {
        requestRead.close()
        responseWrite.close()
    }

    func closeClientEnds() {
        requestWrite.close()
        responseRead.close()
    }

    /// The client: `requests` round trips, each timed from the write to the read of the answer, with
    /// a pause after each.
    package func runClient(requests: Int, pauseNanoseconds: UInt64) -> ClientResult {
        var result = ClientResult()
        let start = MonotonicClock.nanoseconds()
        for i in 0..<requests {
            let sent = MonotonicClock.nanoseconds()
            guard Channel.writeInt(requestWrite.fd, i), let answer = Channel.readInt(responseRead.fd), answer == i + 1 else { break }
            result.latencies.record(nanoseconds: MonotonicClock.nanoseconds() &- sent)
            Channel.pause(pauseNanoseconds)
        }
        result.elapsedNanoseconds = MonotonicClock.nanoseconds() &- start
        // No more requests: a server still waiting in recv sees end of file.
        requestWrite.close()
        return result
    }

    /// Sleeps `nanoseconds` (clock_nanosleep on the monotonic clock, resumed after a signal).
    private static func pause(_ nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while clock_nanosleep(CLOCK_MONOTONIC, 0, &request, &remaining) == EINTR { request = remaining }
    }

    private static func readInt(_ fd: Int32) -> Int? {
        var value = 0
        let complete = withUnsafeMutableBytes(of: &value) { bytes in transferAll(bytes) { read(fd, $0, $1) } }
        return complete ? value : nil
    }

    private static func writeInt(_ fd: Int32, _ value: Int) -> Bool {
        var value = value
        return withUnsafeMutableBytes(of: &value) { bytes in transferAll(bytes) { write(fd, $0, $1) } }
    }

    /// Calls `transfer` (a read or a write of up to the count at the pointer) until all of `bytes` is
    /// moved, again after a signal; false at end of file or on an error.
    private static func transferAll(
        _ bytes: UnsafeMutableRawBufferPointer, _ transfer: (UnsafeMutableRawPointer, Int) -> Int
    ) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = transfer(bytes.baseAddress! + done, bytes.count - done)
            if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { return false }
        }
        return true
    }
}

/// What the client measured.
package struct ClientResult: Sendable {
    var latencies = WaitHistogram()
    var elapsedNanoseconds: UInt64 = 0

    package init() {}
}

/// The client thread and, once joined, its result.
package final class ClientHandle: Sendable {
    private let state = Mutex<(thread: NativeThread?, result: ClientResult?)>((nil, nil))

    package init() {}

    package func start(_ body: @escaping @Sendable () -> ClientResult) throws(GilBenchError) {
        let thread = try NativeThread.spawn { [self] in
            let result = body()
            state.withLock { $0.result = result }
        }
        state.withLock { $0.thread = thread }
    }

    package func join() {
        if let thread = state.withLock({ s -> NativeThread? in defer { s.thread = nil }; return s.thread }) { thread.join() }
    }

    /// The client's response times and request rate.
    package func outcome() -> WorkloadOutcome {
        var outcome = WorkloadOutcome()
        guard let result = state.withLock({ $0.result }), result.latencies.count > 0 else { return outcome }
        func us(_ value: UInt64?) -> Double? { value.map { Double($0) / 1000 } }
        outcome.latencyP50Microseconds = us(result.latencies.value(atPercentile: 50))
        outcome.latencyP99Microseconds = us(result.latencies.value(atPercentile: 99))
        outcome.latencyMaxMicroseconds = us(result.latencies.max)
        if result.elapsedNanoseconds > 0 {
            outcome.requestsPerSecond = Double(result.latencies.count) / (Double(result.elapsedNanoseconds) / 1e9)
        }
        return outcome
    }
}
