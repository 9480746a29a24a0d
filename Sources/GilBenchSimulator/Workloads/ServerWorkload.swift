/// Issue 24, slides 153-156 and 163: a request/reply server on `connections` loopback TCP
/// connections, in one of the tutorial's ways to be concurrent, beside `cpuThreads` CPU-bound
/// threads counting down in the same interpreter until the server stops (as the convoy's,
/// ``IOLatencyWorkload``).
///
/// Every model serves the same wire protocol: a request is `messageSize` bytes whose first 8 are its
/// number (`struct` `=q`); the server reads the whole request, runs `requestWork` iterations of
/// `while w > 0: w -= 1`, and answers the number plus one in 8 bytes. A connection the client shuts
/// down reaches end of file and is closed; when every one is closed the server sets the global
/// `stop`. The sockets and their natives are `ServerConnections`; the client is a process of its
/// own (`ServerLoadClient` in GilBenchSystem).
///
/// - ``handlerSource(requestWork:)``, `threads` mode: a thread per connection, each blocking in
///   `recv` with the GIL released (`Lib/SocketServer.py`'s `ThreadingMixIn`: one
///   `threading.Thread` per accepted connection).
/// - ``eventLoopSource(requestWork:)``, `events` mode: one thread, an asyncore-style loop: `poll`
///   over every connection with the GIL released, then `handle_read` per ready connection.
/// - ``coroutineDriverSource`` and ``coroutineHandlerSource(requestWork:)``, `coroutines` mode
///   (slide 163): one thread, each connection a generator that the event loop resumes with
///   `send(None)` when its socket is readable.
///
/// In every model the accept loop runs before the requests (the client makes every connection
/// first), natively (`ServerListener.acceptAll`).
public enum ServerWorkload {
    /// The work loop `w = work; while w > 0: w -= 1`, inline (labels `work` and `answer`).
    static func workLoop(_ requestWork: Int) -> String {
        """
            LOAD_CONST \(requestWork)
            STORE_FAST w
        work:
            LOAD_FAST w
            LOAD_CONST 0
            COMPARE_OP >
            POP_JUMP_IF_FALSE answer
            LOAD_FAST w
            LOAD_CONST 1
            INPLACE_SUBTRACT
            STORE_FAST w
            JUMP_ABSOLUTE work
        answer:
        """
    }

    /// `threads`: one connection's thread. The last thread to close its connection sets `stop`
    /// (Departure: the Python twin's main thread joins the handlers and then sets it; here the count of
    /// open connections is `close`'s result, where Python would keep it under a lock.)
    public static func handlerSource(requestWork: Int) -> String {
        """
        # def handle(conn):
        #     while True:
        #         data = b''
        #         while len(data) < size:
        #             chunk = conn.recv(size - len(data))
        #             if not chunk: break
        #             data += chunk
        #         if len(data) < size: break
        #         w = work
        #         while w > 0: w -= 1
        #         conn.sendall(struct.pack('=q', struct.unpack('=q', data[:8])[0] + 1))
        #     conn.close()
        #     if no connection is open: stop = True
        .local conn missing w
        .global stop
        .native recv sendall close
        receive:
            LOAD_FAST conn
            CALL_NATIVE recv
            STORE_FAST missing
            LOAD_FAST missing
            LOAD_CONST 0
            COMPARE_OP <
            POP_JUMP_IF_TRUE closed
            LOAD_FAST missing
            POP_JUMP_IF_TRUE receive
        \(workLoop(requestWork))
            LOAD_FAST conn
            CALL_NATIVE sendall
            POP_TOP
            JUMP_ABSOLUTE receive
        closed:
            LOAD_FAST conn
            CALL_NATIVE close
            POP_JUMP_IF_TRUE end
            LOAD_CONST 1
            STORE_GLOBAL stop
        end:
            LOAD_CONST 0
            RETURN_VALUE
        """
    }

    /// `events`: the asyncore-style loop, one interpreter thread for every connection.
    ///
    /// `Lib/asyncore.py`: `loop()` calls `poll2()` while `map` is not empty; `poll2` waits in
    /// `select.poll().poll()` (here `epoll`, as `selectors.EpollSelector`, with every connection
    /// registered once: `Lib/selectors.py`), then for each ready descriptor `readwrite(obj, flags)`
    /// calls `obj.handle_read_event()` and so the dispatcher's `handle_read()`, interpreted code that
    /// receives, works and answers. Departures: `handle_read`'s body is inline in the loop (the
    /// simulator has no call of an interpreted function; CPython pays a frame per call), and
    /// asyncore's `poll2` re-registers every dispatcher on each turn (`readable()`/`writable()` per
    /// connection, interpreted), where this loop, like `selectors`, registers each once.
    public static func eventLoopSource(requestWork: Int) -> String {
        """
        # class Handler(asyncore.dispatcher):
        #     def handle_read(self):
        #         chunk = self.recv(size - len(self.data))
        #         if not chunk: self.close(); return      # handle_close
        #         self.data += chunk
        #         if len(self.data) < size: return         # the rest comes with a later event
        #         w = work
        #         while w > 0: w -= 1
        #         self.send(struct.pack('=q', struct.unpack('=q', self.data[:8])[0] + 1)); self.data = b''
        # while map:                                       # asyncore.loop(use_poll=True)
        #     for fd, event in epoll.poll():               # poll2
        #         map[fd].handle_read()                     # readwrite -> handle_read_event
        # stop = True
        .local ready conn missing w
        .global stop
        .native open poll next_ready recv sendall close
        loop:
            LOAD_CONST 0
            CALL_NATIVE open
            POP_JUMP_IF_FALSE done
            LOAD_CONST 0
            CALL_NATIVE poll
            STORE_FAST ready
        dispatch:
            LOAD_FAST ready
            LOAD_CONST 0
            COMPARE_OP >
            POP_JUMP_IF_FALSE loop
            LOAD_CONST 0
            CALL_NATIVE next_ready
            STORE_FAST conn
            LOAD_FAST conn
            CALL_NATIVE recv
            STORE_FAST missing
            LOAD_FAST missing
            LOAD_CONST 0
            COMPARE_OP <
            POP_JUMP_IF_TRUE closed
            LOAD_FAST missing
            POP_JUMP_IF_TRUE next
        \(workLoop(requestWork))
            LOAD_FAST conn
            CALL_NATIVE sendall
            POP_TOP
            JUMP_ABSOLUTE next
        closed:
            LOAD_FAST conn
            CALL_NATIVE close
            POP_TOP
        next:
            LOAD_FAST ready
            LOAD_CONST 1
            INPLACE_SUBTRACT
            STORE_FAST ready
            JUMP_ABSOLUTE dispatch
        done:
            LOAD_CONST 1
            STORE_GLOBAL stop
            LOAD_CONST 0
            RETURN_VALUE
        """
    }

    /// `coroutines` (slide 163): the event loop that resumes connection `conn`'s generator (generator
    /// number `conn`) with `send(None)` when its socket is readable; a generator that returns
    /// (StopIteration) has closed its connection.
    public static let coroutineDriverSource = """
        # while tasks:                                     # one generator per open connection
        #     for fd, event in epoll.poll():
        #         try: tasks[fd].send(None)
        #         except StopIteration: del tasks[fd]
        # stop = True
        .local ready conn
        .global stop
        .native open poll next_ready
        loop:
            LOAD_CONST 0
            CALL_NATIVE open
            POP_JUMP_IF_FALSE done
            LOAD_CONST 0
            CALL_NATIVE poll
            STORE_FAST ready
        dispatch:
            LOAD_FAST ready
            LOAD_CONST 0
            COMPARE_OP >
            POP_JUMP_IF_FALSE loop
            LOAD_CONST 0
            CALL_NATIVE next_ready
            STORE_FAST conn
            LOAD_FAST conn
            LOAD_CONST 0
            GEN_SEND next
            POP_TOP
        next:
            LOAD_FAST ready
            LOAD_CONST 1
            INPLACE_SUBTRACT
            STORE_FAST ready
            JUMP_ABSOLUTE dispatch
        done:
            LOAD_CONST 1
            STORE_GLOBAL stop
            LOAD_CONST 0
            RETURN_VALUE
        """

    /// `coroutines`: one connection's generator. It is first resumed when its socket is first
    /// readable, receives, and yields back to the loop whenever it needs more bytes.
    public static func coroutineHandlerSource(requestWork: Int) -> String {
        """
        # def handle(conn):
        #     data = b''
        #     while True:
        #         chunk = conn.recv(size - len(data))      # resumed when conn is readable
        #         if not chunk: break
        #         data += chunk
        #         if len(data) == size:
        #             w = work
        #             while w > 0: w -= 1
        #             conn.send(struct.pack('=q', struct.unpack('=q', data[:8])[0] + 1)); data = b''
        #         yield                                   # wait for the next readiness
        #     conn.close()
        .local conn missing w
        .native recv sendall close
        receive:
            LOAD_FAST conn
            CALL_NATIVE recv
            STORE_FAST missing
            LOAD_FAST missing
            LOAD_CONST 0
            COMPARE_OP <
            POP_JUMP_IF_TRUE closed
            LOAD_FAST missing
            POP_JUMP_IF_TRUE wait
        \(workLoop(requestWork))
            LOAD_FAST conn
            CALL_NATIVE sendall
            POP_TOP
        wait:
            LOAD_CONST 0
            YIELD_VALUE
            POP_TOP
            JUMP_ABSOLUTE receive
        closed:
            LOAD_FAST conn
            CALL_NATIVE close
            RETURN_VALUE
        """
    }

    /// Accepts the client's `configuration.connections` connections on `listener` and returns the
    /// plan of `configuration.mode`'s model: `threads`, `events` or `coroutines` (the `processes`
    /// model runs in worker processes: `ServerWorkers` in GilBenchSystem).
    /// - Parameters:
    ///   - deadline: monotonic nanoseconds by which every connection must have been accepted.
    ///   - clientRunning: whether the client process still runs (asked while waiting for connections).
    /// - Throws: `GilBenchError` from accepting (`.runFailed` when the client ended first).
    package static func plan(
        for configuration: RunConfiguration, listener: ServerListener, deadline: UInt64, clientRunning: () -> Bool
    ) throws(GilBenchError) -> WorkloadPlan {
        let events = configuration.mode != .threads
        let descriptors = try listener.acceptAll(
            configuration.connections, nonBlocking: events, deadline: deadline, clientRunning: clientRunning)
        let connections = try ServerConnections(descriptors, messageSize: configuration.messageSize, polled: events)
        let natives = connections.natives
        let work = configuration.requestWork
        // The sources are built from constants of this file; a failure here is a bug caught by the tests.
        let cpu = try! Assembler.assemble(IOLatencyWorkload.cpuSource, name: "server-cpu")
        let cpuTasks = Array(repeating: InterpretedTask(program: cpu, arguments: [0]), count: configuration.cpuThreads)
        let server: [InterpretedTask]
        switch configuration.mode {
        case .threads:
            let handler = try! Assembler.assemble(handlerSource(requestWork: work), name: "server-handler", natives: natives)
            server = (0..<connections.count).map { InterpretedTask(program: handler, arguments: [$0]) }
        case .coroutines:
            let driver = try! Assembler.assemble(coroutineDriverSource, name: "server-coroutine-loop", natives: natives)
            let handler = try! Assembler.assemble(
                coroutineHandlerSource(requestWork: work), name: "server-coroutine", natives: natives)
            server = [InterpretedTask(
                program: driver, arguments: [],
                generators: (0..<connections.count).map { InterpretedTask(program: handler, arguments: [$0]) })]
        default:
            server = [InterpretedTask(
                program: try! Assembler.assemble(eventLoopSource(requestWork: work), name: "server-event-loop", natives: natives),
                arguments: [])]
        }
        precondition(server[0].program.globalNames == cpu.globalNames)
        let stop = cpu.globalNames.firstIndex(of: "stop")!
        return WorkloadPlan(
            tasks: server + cpuTasks, shared: SharedState(globals: cpu.globalNames.count, locks: 0),
            finish: { connections.closeAll() },
            interrupt: { shared in
                // Not every thread started: those that did end (end of file on every connection, `stop` set).
                connections.shutDownAll()
                shared.store(global: stop, 1)
            })
    }
}
