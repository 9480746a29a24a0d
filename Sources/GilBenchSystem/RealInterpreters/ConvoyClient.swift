import GilBenchSimulator
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// gilbench as the client of a real interpreter's answering thread, for the convoy twin: the same
/// client as the simulator's `io-latency` workload (`Channel.runClient`: one request at a time, timed
/// from write to answer, with `IOLatencyWorkload.pauseNanoseconds` after each), over a loopback TCP
/// connection instead of two pipes, as CPython's ccbench measured latency from a separate client.
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
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw GilBenchError(.system, "cannot create the convoy's socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            let saved = errno
            close(fd)
            throw GilBenchError(.system, "cannot listen on 127.0.0.1 for the convoy", errno: saved)
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
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
                var one: Int32 = 1
                _ = setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                guard let channel = try? Channel(socket: connection) else { return ClientResult() }
                return channel.runClient(requests: requests, pauseNanoseconds: IOLatencyWorkload.pauseNanoseconds)
            }
        } catch {
            close(fd)
            throw error
        }
    }

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
