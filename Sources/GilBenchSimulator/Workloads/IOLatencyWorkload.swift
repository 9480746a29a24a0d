#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization
import SystemPackage

/// The convoy effect (Beazley 2010, bpo-7946): an I/O thread answering requests beside CPU-bound threads.
///
/// Task 0, the server, runs the Python twin's answering loop (`convoy` in gilbench's Python
/// programs) on one loopback TCP connection (`LoopbackConnection`): it receives each 8-byte
/// request with `recv(8 - received)` until it has 8 bytes, and answers `x + 1` with `sendall`.
/// `recv` and `sendall` release the GIL around their system calls, as `Modules/socketmodule.c`
/// `sock_call_ex` does (`AnsweringSocket`). Tasks 1...K count down until the server sets the
/// global `stop`. A client thread outside the interpreter sends `calls` requests, one at a time
/// with a pause of ``pauseNanoseconds`` after each answer (as requests arriving from a network:
/// the server really blocks in `recv`, so a CPU-bound thread takes the GIL meanwhile), and measures
/// each response time (write of the request to read of the answer): `latency_p50_us`,
/// `latency_p99_us`, `latency_max_us`, `requests_per_s`. The same client, on the same kind of
/// connection, times a real interpreter's answers (`ConvoyClient`).
/// Every time the server comes back from I/O it needs the GIL again; how long that takes while a
/// CPU-bound thread holds it is what separates the designs.
public enum IOLatencyWorkload {
    /// The client's pause between an answer and the next request: 1 ms, far longer than a wake-up
    /// (tens of microseconds), so that a CPU-bound thread holds the GIL when each request arrives.
    public static let pauseNanoseconds: UInt64 = 1_000_000

    /// The Python twin's loop, instruction for instruction where the simulator has the operation;
    /// `len(data)` is the local `received` (CPython calls `len`), and `struct.pack` is done inside
    /// `sendall` (see `AnsweringSocket`).
    public static let serverSource = """
        # def serve(requests):
        #     while requests > 0:
        #         received = 0                     # data = b''
        #         while received < 8:              # while len(data) < 8:
        #             chunk = recv(8 - received)   #     chunk = connection.recv(8 - len(data))
        #             if chunk <= 0: break         #     if not chunk: break
        #             received += chunk            #     data += chunk
        #         if received < 8: break           # if len(data) < 8: break
        #         sendall(unpack(0) + 1)           # connection.sendall(struct.pack('=q', struct.unpack('=q', data)[0] + 1))
        #         requests -= 1
        #     stop = 1
        .local requests received chunk
        .global stop
        .native recv unpack sendall

        """ + Programs.countingLoop("requests", body: """
                LOAD_CONST 0
                STORE_FAST received
            more:
                LOAD_FAST received
                LOAD_CONST 8
                COMPARE_OP <
                POP_JUMP_IF_FALSE whole
                LOAD_CONST 8
                LOAD_FAST received
                BINARY_SUBTRACT
                CALL_NATIVE recv
                STORE_FAST chunk
                LOAD_FAST chunk
                LOAD_CONST 0
                COMPARE_OP <=
                POP_JUMP_IF_TRUE whole
                LOAD_FAST received
                LOAD_FAST chunk
                INPLACE_ADD
                STORE_FAST received
                JUMP_ABSOLUTE more
            whole:
                LOAD_FAST received
                LOAD_CONST 8
                COMPARE_OP <
                POP_JUMP_IF_TRUE end
                LOAD_CONST 0
                CALL_NATIVE unpack
                LOAD_CONST 1
                BINARY_ADD
                CALL_NATIVE sendall
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
        let (clientEnd, serverEnd) = try LoopbackConnection.connectedPair()
        let channel = Channel(socket: clientEnd)
        let answering = AnsweringSocket(socket: serverEnd)
        let requests = configuration.calls
        // The sources are constants of this file; a failure here is a bug caught by the tests.
        let server = try! Assembler.assemble(serverSource, name: "io-server", natives: answering.natives)
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
                // Shutting the server's end down first unblocks a client whose server never ran.
                answering.shutDown()
                client.join()
                channel.close()
            },
            notes: { client.problem.map { ["the convoy's client failed: \($0)"] } ?? [] })
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

    /// Shuts a socket down both ways (the descriptor stays open until ``close()``): a thread blocked
    /// reading the other end, or this one, sees end of file.
    func shutDown() {
        if !closed.load(ordering: .acquiring) { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }

    deinit { close() }
}

/// The client's end of the convoy's connection (`LoopbackConnection`): requests are written to
/// it and answers read from it, whether the server is the simulator's `io-server` program or a real
/// interpreter (`ConvoyClient`). Messages are one native-endian Int each.
package final class Channel: Sendable {
    private let connection: Descriptor

    /// Takes ownership of `fd`, a connected stream socket.
    package init(socket fd: Int32) { connection = Descriptor(fd) }

    func close() { connection.close() }

    /// The client: `requests` round trips, each timed from the write to the read of the answer, with
    /// a pause after each. A failed write or read ends the round trips and is the result's ``ClientResult/problem``.
    package func runClient(requests: Int, pauseNanoseconds: UInt64) -> ClientResult {
        var result = ClientResult()
        let fd = connection.fd
        let start = MonotonicClock.nanoseconds()
        for i in 0..<requests {
            let sent = MonotonicClock.nanoseconds()
            do throws(Errno) {
                try Channel.writeInt(fd, i)
                guard let answer = try Channel.readInt(fd), answer == i + 1 else { break }
            } catch {
                result.problem = "request \(i + 1) of \(requests) on descriptor \(fd): \(error)"
                break
            }
            result.latencies.record(nanoseconds: MonotonicClock.nanoseconds() &- sent)
            SystemCall.sleep(nanoseconds: pauseNanoseconds)
        }
        result.elapsedNanoseconds = MonotonicClock.nanoseconds() &- start
        // No more requests: a server still waiting in recv sees end of file.
        _ = shutdown(fd, Int32(SHUT_WR))
        return result
    }

    /// The answer, or nil when the connection ended before all of its bytes came.
    private static func readInt(_ fd: Int32) throws(Errno) -> Int? {
        var value = 0
        let count = try withUnsafeMutableBytes(of: &value) { bytes throws(Errno) in try SystemCall.readFully(fd, into: bytes) }
        return count == MemoryLayout<Int>.size ? value : nil
    }

    private static func writeInt(_ fd: Int32, _ value: Int) throws(Errno) {
        var value = value
        try withUnsafeBytes(of: &value) { bytes throws(Errno) in try SystemCall.writeAll(fd, bytes) }
    }
}

/// What the client measured.
package struct ClientResult: Sendable {
    var latencies = WaitHistogram()
    var elapsedNanoseconds: UInt64 = 0
    /// Why the round trips stopped early: a write or read that failed (the end of the connection is not one).
    var problem: String?

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

    /// Why the client stopped before its last request, once joined; nil when it did not.
    package var problem: String? { state.withLock { $0.result?.problem } }

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
