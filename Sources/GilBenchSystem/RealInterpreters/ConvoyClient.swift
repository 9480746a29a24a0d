import GilBenchSimulator
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// gilbench as the client of a real interpreter's answering thread, for the convoy twin: the same
/// client as the simulator's `io-latency` workload (`Channel.runClient`: one request at a time, timed
/// from write to answer, with `IOLatencyWorkload.pauseNanoseconds` after each), on the same kind of
/// loopback TCP connection (`LoopbackConnection`), as CPython's ccbench measured latency from a
/// separate client.
///
/// gilbench listens on 127.0.0.1 at a port the kernel picks (``port``) before the interpreter starts;
/// the interpreter connects and answers. ``finish()`` stops waiting for a connection that never came
/// (the interpreter failed) and returns the response times.
package final class ConvoyClient {
    /// The port the interpreter connects to.
    package let port: Int
    private let listener: Int32
    private let handle = ClientHandle()
    private let stopped = StopFlag()

    /// Set once the connection is no longer wanted; read by the client thread.
    private final class StopFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    /// Listens and starts the client thread, which waits for the interpreter's connection.
    /// - Throws: `GilBenchError` `.system` when the socket or the thread cannot be made.
    package init(requests: Int) throws(GilBenchError) {
        let (fd, port) = try LoopbackConnection.listen()
        listener = fd
        self.port = port
        do {
            try handle.start { [fd, stopped] in
                // Wait for the interpreter's connection, checking every 50 ms whether it is still wanted. (gb_spawn
                // marks every descriptor close-on-exec in its children, so the accepted one needs no flag.)
                var connection: Int32 = -1
                while connection < 0 && !stopped.value.load(ordering: .acquiring) {
                    var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    if poll(&ready, 1, 50) > 0 { connection = accept(fd, nil, nil) }
                }
                guard connection >= 0 else { return ClientResult() }
                LoopbackConnection.setNoDelay(connection)
                return Channel(socket: connection).runClient(requests: requests, pauseNanoseconds: IOLatencyWorkload.pauseNanoseconds)
            }
        } catch {
            close(fd)
            throw error
        }
    }

    /// Why the client stopped before its last request (a write or read failed), once ``finish()``
    /// returned; nil when it did not.
    package var problem: String? { handle.problem }

    /// Stops waiting for a connection, joins the client and returns its response times (empty when
    /// the interpreter never connected).
    package func finish() -> WorkloadOutcome {
        stopped.value.store(true, ordering: .releasing)
        handle.join()
        return handle.outcome()
    }

    deinit {
        stopped.value.store(true, ordering: .releasing)
        handle.join()
        close(listener)
    }
}
