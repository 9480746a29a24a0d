import Synchronization

/// Slides 72-76, 113-125, 136-145 and 157-163: a producer sends `messages` messages of
/// `messageSize` bytes to a consumer, in one of three models:
///
/// - threads (and sequential): two interpreter threads and two `MessageQueue`s built as
///   `Lib/Queue.py` (`requests`, and `replies` for request-reply); a blocking `get()` releases the GIL;
/// - processes: the producer here, the consumer in a process of its own with its own GIL, over a
///   pipe, each message pickled and unpickled natively (cPickle); see `PipelinePeer` in GilBenchSystem;
/// - coroutines: one thread; the producer `send()`s each message into the consumer generator.
///
/// `--pattern stream`: the consumer adds up the bytes it receives. `--pattern request-reply`: the
/// consumer is an actor that answers each request with it, and the producer waits for each reply.
///
/// A message is `(stamp, payload)`: the native `message()` reads the monotonic clock (the real
/// twin's `time.time()`), and the consumer's native `received(msg)` records the time since the
/// stamp (per-message latency, put to get) and returns the payload's length. Within one process the
/// payload is passed by reference (Python's queues and generators pass the same `str` object),
/// so only the stamp, an integer, travels; between processes the whole payload is pickled.
public enum PipelineWorkload {
    /// How the two sides are connected.
    public enum Transport: Sendable {
        /// `Queue.Queue` between two threads (QUEUE_PUT / QUEUE_GET).
        case queue
        /// `send()` into a generator (GEN_SEND / YIELD_VALUE).
        case generator
        /// A pipe, each message through `dumps`/`send_bytes` and `recv_bytes`/`loads` natives
        /// (multiprocessing's `Connection.send` and `recv`).
        case pipe
    }

    /// The producer's program: the task that sends. Its locals are `messages` and, for generators,
    /// `consumer` (the generator's index).
    /// - Parameter connection: for a pipe, the bytecodes `Connection.send`/`recv` run around the
    ///   natives (3.x's Python, ``ConnectionCosts``), with the message size; nil for none (2.7's C).
    public static func producerSource(
        _ transport: Transport, _ pattern: MessagePattern, connection: (costs: ConnectionCosts, messageSize: Int)? = nil
    ) -> String {
        let replies = pattern == .requestReply
        let (sendCode, receiveCode) = connectionCode(connection)
        switch transport {
        case .queue:
            return """
                # def produce(messages):
                #     while messages > 0:
                #         requests.put(message())
                #         \(replies ? "replies.get()" : "(no reply)")
                #         messages -= 1
                .local messages
                .queue requests replies
                .native message

                """ + Programs.countingLoop("messages", body: """
                    LOAD_CONST 0
                    CALL_NATIVE message
                    QUEUE_PUT requests
                    \(replies ? "QUEUE_GET replies\nPOP_TOP" : "")
                    """)
        case .generator:
            return """
                # def produce(messages, consumer):
                #     consumer.next()
                #     while messages > 0:
                #         \(replies ? "reply = " : "")consumer.send(message())
                #         messages -= 1
                .local messages consumer
                .native message
                    LOAD_FAST consumer
                    LOAD_CONST 0
                    GEN_SEND end
                    POP_TOP

                """ + Programs.countingLoop("messages", body: """
                    LOAD_FAST consumer
                    LOAD_CONST 0
                    CALL_NATIVE message
                    GEN_SEND end
                    POP_TOP
                    """)
        case .pipe:
            return """
                # def produce(messages):
                #     while messages > 0:
                #         conn.send(message())
                #         \(replies ? "conn.recv()" : "(no reply)")
                #         messages -= 1
                .local messages
                .native message dumps send_bytes \(replies ? "recv_bytes loads" : "") \(connection == nil ? "" : "call")

                """ + Programs.countingLoop("messages", body: """
                    \(sendCode)
                    LOAD_CONST 0
                    CALL_NATIVE message
                    CALL_NATIVE dumps
                    CALL_NATIVE send_bytes
                    POP_TOP
                    \(replies ? receiveCode + "\nLOAD_CONST 0\nCALL_NATIVE recv_bytes\nCALL_NATIVE loads\nPOP_TOP" : "")
                    """)
        }
    }

    /// The consumer's program. Its locals are `messages` (unused by the generator, which loops
    /// until the producer stops resuming it), `total` and `msg`.
    /// - Parameter connection: as for ``producerSource(_:_:connection:)``.
    public static func consumerSource(
        _ transport: Transport, _ pattern: MessagePattern, connection: (costs: ConnectionCosts, messageSize: Int)? = nil
    ) -> String {
        let replies = pattern == .requestReply
        let (sendCode, receiveCode) = connectionCode(connection)
        // total += received(msg); for request-reply, the reply is the request.
        let consume = """
            STORE_FAST msg
            LOAD_FAST total
            LOAD_FAST msg
            CALL_NATIVE received
            INPLACE_ADD
            STORE_FAST total
            """
        switch transport {
        case .queue:
            return """
                # def consume(messages):
                #     total = 0
                #     while messages > 0:
                #         msg = requests.get()
                #         total += received(msg)
                #         \(replies ? "replies.put(msg)" : "(no reply)")
                #         messages -= 1
                #     return total
                .local messages total msg
                .queue requests replies
                .native received

                """ + Programs.countingLoop("messages", body: """
                    QUEUE_GET requests
                    \(consume)
                    \(replies ? "LOAD_FAST msg\nQUEUE_PUT replies" : "")
                    """, exit: "LOAD_FAST total\nRETURN_VALUE")
        case .generator:
            return """
                # def consume():
                #     total = 0; msg = None
                #     while True:
                #         msg = (yield \(replies ? "msg" : ""))
                #         total += received(msg)
                .local messages total msg
                .native received
                loop:
                    \(replies ? "LOAD_FAST msg" : "LOAD_CONST 0")
                    YIELD_VALUE
                    \(consume)
                    JUMP_ABSOLUTE loop
                """
        case .pipe:
            return """
                # def consume(messages):
                #     total = 0
                #     while messages > 0:
                #         msg = conn.recv()
                #         total += received(msg)
                #         \(replies ? "conn.send(msg)" : "(no reply)")
                #         messages -= 1
                #     return total
                .local messages total msg
                .native recv_bytes loads received \(replies ? "dumps send_bytes" : "") \(connection == nil ? "" : "call")

                """ + Programs.countingLoop("messages", body: """
                    \(receiveCode)
                    LOAD_CONST 0
                    CALL_NATIVE recv_bytes
                    CALL_NATIVE loads
                    \(consume)
                    \(replies ? sendCode + "\nLOAD_FAST msg\nCALL_NATIVE dumps\nCALL_NATIVE send_bytes\nPOP_TOP" : "")
                    """, exit: "LOAD_FAST total\nRETURN_VALUE")
        }
    }

    /// The interpreted instructions of `Connection.send` and `recv` (``ConnectionCosts``), inline; empty for none.
    static func connectionCode(_ connection: (costs: ConnectionCosts, messageSize: Int)?) -> (send: String, receive: String) {
        guard let connection else { return ("", "") }
        return ("# Connection.send's bytecodes (Lib/multiprocessing/connection.py)\n"
                    + QueueMethodCosts.inlineStandInSource(connection.costs.send(messageSize: connection.messageSize)),
                "# Connection.recv's bytecodes\n" + QueueMethodCosts.inlineStandInSource(connection.costs.receive))
    }

    /// The plan for threads, sequential and coroutines modes (processes: `PipelinePeer` in GilBenchSystem).
    package static func plan(for configuration: RunConfiguration) -> WorkloadPlan {
        let log = MessageLog(messageSize: configuration.messageSize)
        let coroutines = configuration.mode == .coroutines
        let transport: Transport = coroutines ? .generator : .queue
        // The sources are constants of this file; a failure here is a bug caught by the tests.
        let producer = try! Assembler.assemble(
            producerSource(transport, configuration.pattern), name: "producer", natives: [log.messageFunction])
        let consumer = try! Assembler.assemble(
            consumerSource(transport, configuration.pattern), name: "consumer", natives: [log.receivedFunction])
        let report: @Sendable (SharedState) -> WorkloadOutcome = { _ in log.outcome() }
        let m = configuration.messages
        if coroutines {
            // The consumer is generator 0; the producer drives it.
            return WorkloadPlan(
                tasks: [InterpretedTask(program: consumer, arguments: [m])], shared: SharedState(globals: 0, locks: 0),
                report: report, driver: InterpretedTask(program: producer, arguments: [m, 0]))
        }
        return WorkloadPlan(
            tasks: [InterpretedTask(program: producer, arguments: [m]), InterpretedTask(program: consumer, arguments: [m])],
            shared: SharedState(globals: 0, locks: 0, queues: producer.queueCount), report: report)
    }
}

/// What the consumer saw: how many messages and bytes, when the first was made and the last
/// received, and the time each took from `message()` to `received()` (a histogram: bounded memory).
public final class MessageLog: Sendable {
    private struct State {
        var received = 0
        var bytes = 0
        var firstStamp: UInt64 = .max
        var lastReceipt: UInt64 = 0
        var latencies = WaitHistogram()
    }

    private let state = Mutex(State())
    public let messageSize: Int

    public init(messageSize: Int) { self.messageSize = messageSize }

    /// `message()`: a new message's stamp, the monotonic clock in nanoseconds.
    public var messageFunction: NativeFunction {
        NativeFunction(name: "message", releasesGIL: false) { _ in Int(MonotonicClock.nanoseconds()) }
    }

    /// `received(msg)`: records the message's latency and returns the payload's length.
    public var receivedFunction: NativeFunction {
        NativeFunction(name: "received", releasesGIL: false) { stamp in self.received(stamp: stamp) }
    }

    /// Records a message stamped `stamp` as received now; returns its payload's length.
    public func received(stamp: Int) -> Int {
        let now = MonotonicClock.nanoseconds()
        let sent = UInt64(max(stamp, 0))
        state.withLock { state in
            state.received += 1
            state.bytes += messageSize
            state.firstStamp = min(state.firstStamp, sent)
            state.lastReceipt = max(state.lastReceipt, now)
            state.latencies.record(nanoseconds: now >= sent ? now - sent : 0)
        }
        return messageSize
    }

    /// Messages received.
    public var count: Int { state.withLock { $0.received } }

    /// Messages per second from the first stamp to the last receipt, and the latency percentiles.
    public func outcome() -> WorkloadOutcome {
        state.withLock { state in
            var outcome = WorkloadOutcome()
            guard state.received > 0 else { return outcome }
            outcome.messagesReceived = state.received
            outcome.bytes = state.bytes
            if state.lastReceipt > state.firstStamp {
                outcome.messagesPerSecond = Double(state.received) / (Double(state.lastReceipt - state.firstStamp) / 1e9)
            }
            outcome.messageLatencyP50Microseconds = state.latencies.value(atPercentile: 50).map { Double($0) / 1000 }
            outcome.messageLatencyP99Microseconds = state.latencies.value(atPercentile: 99).map { Double($0) / 1000 }
            return outcome
        }
    }
}
