import Foundation
import Glibc
import GilBenchTestSupport
import Testing
@testable import GilBench

/// The server workload's client process (`gilbench load-client`, `ServerLoadClient`) against a tiny
/// server of the wire protocol on a thread of the test (`LoopbackTestServer`).
@Suite("ServerLoadClient", .serialized)
struct ServerLoadClientTests {
    /// A port on 127.0.0.1 where nothing listens: one the kernel gave, then closed.
    private static func closedPort() throws -> Int {
        let (fd, port) = try LoopbackConnection.listen()
        close(fd)
        return port
    }

    @Test("Closed loop: every connection keeps one request outstanding; answers, latencies and ends of connection add up")
    func closedLoopAnswers() throws {
        let server = try LoopbackTestServer()
        defer { server.stop() }
        let load = ServerLoad(connections: 4, warmupSeconds: 0.05, durationSeconds: 0.3)
        let client = try ServerLoadClient.start(executable: try gilbenchExecutable(), port: server.port, load: load)
        let result = try client.finish()
        #expect(result.answered > 100, "a loopback echo answers thousands a second: \(result)")
        #expect(result.answered <= server.answered)
        #expect(abs(result.elapsedSeconds - 0.3) < 0.01)
        #expect(abs(result.requestsPerSecond - Double(result.answered) / result.elapsedSeconds) < 1e-6)
        #expect(result.unsent == 0)
        let p50 = try #require(result.latencyP50Microseconds), p99 = try #require(result.latencyP99Microseconds)
        let maximum = try #require(result.latencyMaxMicroseconds)
        #expect(p50 > 0 && p50 <= p99 && p99 <= maximum)
        #expect(server.accepted == 4)
        #expect(server.waitForEnds(4), "the client ends every connection it opened")
    }

    @Test("1, 100 and 1,000 connections: every one is opened, answered and ended, closed and open loop", arguments: [1, 100, 1000])
    func connectionCounts(connections: Int) throws {
        let server = try LoopbackTestServer()
        defer { server.stop() }
        let executable = try gilbenchExecutable()
        let closed = try ServerLoadClient.start(
            executable: executable, port: server.port, load: ServerLoad(connections: connections, warmupSeconds: 0.1, durationSeconds: 0.4)
        ).finish()
        #expect(server.accepted == connections)
        #expect(server.waitForEnds(connections), "the client ends every connection it opened")
        // Closed loop: each connection sent at least its first request, and the window saw answers.
        #expect(server.answered >= connections)
        #expect(closed.answered > 0 && closed.unsent == 0, "\(closed)")
        #expect(closed.latencyP50Microseconds != nil)
        // Open loop at 2,000 requests a second over all connections: about 800 in the window.
        let open = try ServerLoadClient.start(
            executable: executable, port: server.port,
            load: ServerLoad(connections: connections, rate: 2000, warmupSeconds: 0.1, durationSeconds: 0.4)
        ).finish()
        #expect((600...1000).contains(open.answered + open.unsent), "2,000/s for 0.4 s: \(open)")
        #expect(server.waitForEnds(2 * connections))
    }

    @Test("--requests ends the window after exactly that many answers")
    func requestWindow() throws {
        let server = try LoopbackTestServer(messageSize: 100)
        defer { server.stop() }
        let load = ServerLoad(connections: 3, messageSize: 100, warmupSeconds: 0, durationSeconds: 5, requests: 250)
        let result = try ServerLoadClient.start(executable: try gilbenchExecutable(), port: server.port, load: load).finish()
        #expect(result.answered == 250)
        #expect(result.elapsedSeconds < 5)
        #expect(server.waitForEnds(3))
    }

    @Test("Hundreds of connections are set up in batches of 128; a request of 1 MiB goes out in pieces")
    func manyConnectionsAndLargeRequests() throws {
        let many = try LoopbackTestServer()
        defer { many.stop() }
        let load = ServerLoad(connections: 300, warmupSeconds: 0, durationSeconds: 0.3)
        let result = try ServerLoadClient.start(executable: try gilbenchExecutable(), port: many.port, load: load).finish()
        #expect(many.accepted == 300)
        #expect(result.answered >= 300)
        #expect(many.waitForEnds(300))
        let size = 1 << 20
        let large = try LoopbackTestServer(messageSize: size)
        defer { large.stop() }
        let big = ServerLoad(connections: 2, messageSize: size, warmupSeconds: 0, durationSeconds: 5, requests: 20)
        #expect(try ServerLoadClient.start(executable: try gilbenchExecutable(), port: large.port, load: big).finish().answered == 20)
    }

    @Test("Open loop sends at the rate whatever the server's speed; closed loop follows the server; unsent requests are counted")
    func openLoopKeepsItsRate() throws {
        // A server taking 2 ms a request answers at most 500 a second on one connection.
        let server = try LoopbackTestServer(delay: .milliseconds(2))
        defer { server.stop() }
        let executable = try gilbenchExecutable()
        let slow = ServerLoad(connections: 2, rate: 100, warmupSeconds: 0.1, durationSeconds: 1)
        let paced = try ServerLoadClient.start(executable: executable, port: server.port, load: slow).finish()
        #expect((80...120).contains(paced.answered), "100 requests a second for 1 s: \(paced)")
        #expect(paced.unsent == 0)
        let closed = try ServerLoadClient.start(
            executable: executable, port: server.port, load: ServerLoad(connections: 1, warmupSeconds: 0.1, durationSeconds: 1)
        ).finish()
        #expect((250...500).contains(closed.answered), "one connection, 2 ms a request: \(closed)")
        // Faster than the server: requests wait, and those due while the connection waits are not sent.
        let overload = ServerLoad(connections: 1, rate: 2000, warmupSeconds: 0.1, durationSeconds: 0.5)
        let over = try ServerLoadClient.start(executable: executable, port: server.port, load: overload).finish()
        #expect(over.unsent > 500, "\(over)")
        #expect(over.answered < 300)
        #expect(server.waitForEnds(4))
    }

    @Test("A client that cannot connect fails with exit 70 and a line naming the connection and the port")
    func cannotConnect() throws {
        let port = try Self.closedPort()
        let client = try ServerLoadClient.start(
            executable: try gilbenchExecutable(), port: port, load: ServerLoad(connections: 2, durationSeconds: 0.2))
        let error = try #require(throws: GilBenchError.self) { try client.finish() }
        #expect(error.exitStatus == .runFailed)
        #expect(error.description.contains("cannot open connection 1 of 2 to the server at 127.0.0.1:\(port)"), "\(error)")
        #expect(error.description.contains("refused"), "\(error)")
        // The subcommand itself: one line on standard output, exit status 70.
        let run = try runGilbench(["load-client", "--port", String(port), "--connections", "1"])
        #expect(run.status == 70)
        #expect(run.stdout.hasPrefix("load-client-error the server's client cannot open connection 1 of 1"), "\(run.stdout)")
    }

    @Test("A load out of range is refused with exit 64")
    func refusesBadLoad() throws {
        let run = try runGilbench(["load-client", "--port", "1", "--connections", "0"])
        #expect(run.status == 64)
        #expect(run.stdout.contains("connections must be between 1 and 100000 (got 0)"), "\(run.stdout)")
        let tooFew = try runGilbench(["load-client", "--port", "1", "--connections", "10", "--message-size", "4"])
        #expect(tooFew.status == 64)
        #expect(throws: GilBenchError.self) {
            try ServerLoadClient.start(executable: "/nonexistent", port: 1, load: ServerLoad(connections: 1, rate: 0))
        }
    }

    @Test("FileDescriptorLimit leaves a limit that suffices, and refuses with exit 64 beyond the hard limit")
    func descriptorLimit() throws {
        var limit = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        #expect(try FileDescriptorLimit.ensure(10) == nil)
        guard limit.rlim_max < rlim_t(Int.max) else { return }
        let error = try #require(throws: GilBenchError.self) { try FileDescriptorLimit.ensure(Int(limit.rlim_max) + 1) }
        #expect(error.exitStatus == .usage)
        #expect(error.description.contains("the hard limit (RLIMIT_NOFILE) is \(limit.rlim_max)"), "\(error)")
    }

    @Test("A server that dies mid-run: exit 70 naming the server and the connection it closed")
    func serverDiesMidRun() throws {
        let server = try LoopbackTestServer(closeAfter: 200)
        let client = try ServerLoadClient.start(
            executable: try gilbenchExecutable(), port: server.port, load: ServerLoad(connections: 5, warmupSeconds: 0.05, durationSeconds: 2))
        let error = try #require(throws: GilBenchError.self) { try client.finish() }
        server.stop()
        #expect(error.exitStatus == .runFailed)
        // Closed, or reset when the server closed with a request unread (the kernel then sends RST).
        #expect(error.description.contains("the server closed connection") || error.description.contains("the server reset connection"), "\(error)")
        #expect(error.description.contains("before answering request"), "\(error)")
    }

    @Test("A client that dies: exit 70 naming the server's client and its signal; terminate() is idempotent")
    func clientDies() throws {
        let server = try LoopbackTestServer(delay: .milliseconds(1))
        defer { server.stop() }
        let client = try ServerLoadClient.start(
            executable: try gilbenchExecutable(), port: server.port, load: ServerLoad(connections: 3, warmupSeconds: 0, durationSeconds: 30))
        // Killed once it has connected and the server has answered something.
        let deadline = Date().addingTimeInterval(10)
        while server.answered == 0 && Date() < deadline { usleep(1000) }
        #expect(kill(client.pid, SIGKILL) == 0)
        let error = try #require(throws: GilBenchError.self) { try client.finish() }
        #expect(error.exitStatus == .runFailed)
        #expect(error.description.contains("the server's client (gilbench load-client, pid \(client.pid))"), "\(error)")
        #expect(error.description.contains("signal 9"), "\(error)")
        client.terminate()
        client.terminate()
        #expect(kill(client.pid, 0) == -1, "reaped")
        #expect(server.waitForEnds(3), "the kernel closed the dead client's connections")
    }

    @Test("After a failed run no descriptor and no child process is left (/proc/self/fd, /proc/self/task/*/children)")
    func leavesNothingBehind() async throws {
        // In a process of its own, where no other test opens descriptors or starts children meanwhile.
        await #expect(processExitsWith: .success) {
            let executable = try gilbenchExecutable()
            let before = ProcessLeftovers.openDescriptors()
            let server = try LoopbackTestServer(closeAfter: 50)
            let client = try ServerLoadClient.start(
                executable: executable, port: server.port, load: ServerLoad(connections: 20, warmupSeconds: 0, durationSeconds: 2))
            let pid = client.pid
            let failed = (try? client.finish()) == nil
            server.stop()
            // The directory listing itself holds one descriptor while it reads.
            let after = ProcessLeftovers.openDescriptors()
            guard failed, after.subtracting(before).count <= 1, ProcessLeftovers.children().isEmpty, kill(pid, 0) == -1 else {
                print("failed \(failed), new descriptors \(after.subtracting(before)), children \(ProcessLeftovers.children())")
                exit(1)
            }
        }
    }
}
