import Glibc
import Testing
@testable import GilBench

/// The convoy's answering side (`io-latency`): the Python twin's loop on a loopback TCP connection.
extension WorkloadTests {
    /// Writes `bytes` of `value` (native-endian), starting at byte `from`, on `fd`.
    private static func write(_ value: Int, bytes range: Range<Int>, to fd: Int32) {
        var value = value
        let written = withUnsafeBytes(of: &value) { Glibc.write(fd, $0.baseAddress! + range.lowerBound, range.count) }
        #expect(written == range.count)
    }

    private static func readInt(_ fd: Int32) -> Int? {
        var value = 0
        let got = withUnsafeMutableBytes(of: &value) { recv(fd, $0.baseAddress, 8, Int32(MSG_WAITALL)) }
        return got == 8 ? value : nil
    }

    @Test("recv(count) takes what has arrived, at most count bytes, after the bytes already received, as connection.recv(8 - len(data))")
    func answeringSocketReassemblesARequestInPieces() throws {
        let (client, server) = try LoopbackConnection.connectedPair()
        defer { close(client) }
        let answering = AnsweringSocket(socket: server)
        let natives = Dictionary(uniqueKeysWithValues: answering.natives.map { ($0.name, $0) })
        let request = 0x0102_0304_0506_0708
        Self.write(request, bytes: 0..<3, to: client)
        #expect(answering.receive(8) == 3)
        Self.write(request, bytes: 3..<8, to: client)
        #expect(answering.receive(5) == 5)
        #expect(natives["unpack"]?.body(0) == request)
        #expect(natives["sendall"]?.body(request + 1) == 0)
        #expect(Self.readInt(client) == request + 1)
        #expect(natives["recv"]?.releasesGIL == true && natives["sendall"]?.releasesGIL == true)
        #expect(natives["unpack"]?.releasesGIL == false)
        _ = shutdown(client, Int32(SHUT_WR))
        #expect(answering.receive(8) == 0)
    }

    @Test("io-server answers whole requests, stops at end of file after a partial one, and takes the GIL back after each recv and sendall")
    func serverProgramFollowsThePythonTwin() throws {
        let (client, server) = try LoopbackConnection.connectedPair()
        defer { close(client) }
        let answering = AnsweringSocket(socket: server)
        let program = try Assembler.assemble(IOLatencyWorkload.serverSource, name: "io-server", natives: answering.natives)
        // Two whole requests, 3 bytes of a third, then end of file: all sent before the server runs.
        Self.write(41, bytes: 0..<8, to: client)
        Self.write(7, bytes: 0..<8, to: client)
        Self.write(9, bytes: 0..<3, to: client)
        _ = shutdown(client, Int32(SHUT_WR))
        struct Serve: GILBody {
            let program: Program
            func run<G: GlobalInterpreterLock>(_ gil: G) -> (result: Int, stop: Int, counters: GILCounters) {
                var thread = InterpreterThread(id: 0)
                let shared = SharedState(globals: program.globalNames.count, locks: 0)
                gil.acquire(&thread)
                let result = VirtualMachine.run(program, arguments: [5], gil: gil, thread: &thread, shared: shared)
                gil.release(&thread)
                return (result, shared.global(0), gil.counters())
            }
        }
        let (result, stop, counters) = InterpreterSettings(gil: .interval, lock: .condvar, checkInterval: 100).withGIL(Serve(program: program))
        #expect(result == 0)
        #expect(stop == 1)
        #expect(Self.readInt(client) == 42)
        #expect(Self.readInt(client) == 8)
        // The first acquisition, then one after every call that released it: recv and sendall for
        // each whole request, recv of the 3 bytes and recv of the end of file.
        #expect(counters.acquisitions == 1 + 2 * 2 + 2)
    }
}
