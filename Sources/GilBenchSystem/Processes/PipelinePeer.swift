#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import GilBenchSimulator
import SystemPackage

/// The pipeline workload in processes mode (slides 113-125, 136-145): the producer runs in this
/// process, the consumer in a child process (`gilbench pipeline-peer`) with its own interpreter and
/// GIL, and each message goes over a pipe as multiprocessing's `Connection.send`/`recv` send it:
/// pickled (`dumps`), written with its length (`send_bytes`), read (`recv_bytes`) and unpickled
/// (`loads`); see `PickledConnection`.
///
/// The child says it is ready before the producer starts, so its start-up is not part of the run's
/// clock; its CPU time and context switches over its life are added to the run's when it is reaped (as a real
/// twin's process tree counts its `multiprocessing.Process`);
/// when its loop ends it sends its `MessageLog` summary, which becomes the run's pipeline columns.
public enum PipelinePeer {
    /// The hidden command a consumer process runs.
    public static let command = "pipeline-peer"

    /// The plan for `configuration` (processes mode): its one task is the producer. The consumer
    /// process is started from `executable`, and is ready, when the plan is returned; the plan's
    /// `finish` reads its summary and reaps it (a plan dropped unfinished closes its pipes, and the
    /// consumer, reading end of file, exits).
    package static func plan(for configuration: RunConfiguration, executable: String) throws(GilBenchError) -> WorkloadPlan {
        let settings = configuration.interpreterSettings
        let arguments = [
            executable, command, configuration.pattern.rawValue, String(configuration.messages),
            String(configuration.messageSize), settings.gil.rawValue, settings.lock.rawValue,
            String(settings.checkInterval), String(settings.switchIntervalMilliseconds), settings.checkPoints.rawValue,
        ]
        let peer = PeerHandle()
        let log = MessageLog(messageSize: configuration.messageSize)
        let connection = PickledConnection(messageSize: configuration.messageSize)
        // The source is a constant of PipelineWorkload; a failure here is a bug caught by the tests.
        let costs = ConnectionCosts.of(settings.checkPoints).map { ($0, configuration.messageSize) }
        let producer = try! Assembler.assemble(
            PipelineWorkload.producerSource(.pipe, configuration.pattern, connection: costs), name: "producer",
            natives: [log.messageFunction, QueueMethodCosts.call] + connection.natives)
        // The consumer starts here, before the run's probes begin: the region counts the producer's
        // system calls only, not the consumer's start-up.
        // multiprocessing.Pipe() is duplex by default: a Unix socket pair in 2.7 and 3.x alike.
        let child = try ChildProcess.spawnOverSocketPair(executable: executable, arguments: arguments)
        connection.connect(input: child.output, output: child.input)
        peer.child = child
        guard connection.receiveFrame() == 1, connection.frame.first == UInt8(ascii: "R") else {
            let failure = connection.failure
            peer.end(connection)
            throw GilBenchError(.runFailed, "the consumer process did not start: \(failure ?? peer.problem ?? "no answer")")
        }
        return WorkloadPlan(
            tasks: [InterpretedTask(program: producer, arguments: [configuration.messages])],
            shared: SharedState(globals: 0, locks: 0),
            report: { _ in peer.outcome },
            finish: { peer.end(connection) },
            notes: { peer.problem.map { ["the consumer process failed: \($0)"] } ?? [] })
    }

    /// `gilbench pipeline-peer PATTERN MESSAGES SIZE GIL LOCK CHECK SWITCH CHECK-POINTS`, on standard
    /// input and output; nil when `arguments` is not that command.
    public static func serveDirectly(_ arguments: [String]) -> Int32? {
        let rest = Array(arguments.dropFirst())
        guard rest.first == command else { return nil }
        let peer: Arguments
        do {
            peer = try Arguments(rest.dropFirst())
        } catch {
            _ = WorkerService.writeAll(2, Array("gilbench pipeline-peer: bad arguments: \(error)\n".utf8))
            return 64
        }
        let connection = PickledConnection(messageSize: peer.size)
        connection.connect(input: 0, output: 1)
        guard connection.sendFrame([UInt8(ascii: "R")]) else { return failed(connection) }
        let log = MessageLog(messageSize: peer.size)
        // The source is a constant of PipelineWorkload; a failure here is a bug caught by the tests.
        let costs = ConnectionCosts.of(peer.settings.checkPoints).map { ($0, peer.size) }
        let consumer = try! Assembler.assemble(
            PipelineWorkload.consumerSource(.pipe, peer.pattern, connection: costs), name: "consumer",
            natives: [log.receivedFunction, QueueMethodCosts.call] + connection.natives)
        peer.settings.withGIL(
            threadsInitialised: false, Consumer(program: consumer, messages: peer.messages, checkPoints: peer.settings.checkPoints))
        // A read that failed while the consumer ran fails the peer too (after its summary of what came).
        guard connection.sendFrame(Summary(log.outcome()).bytes), connection.failure == nil else { return failed(connection) }
        return 0
    }

    /// Says on standard error why the peer's connection failed; the peer's exit status for that.
    private static func failed(_ connection: PickledConnection) -> Int32 {
        _ = WorkerService.writeAll(2, Array("gilbench pipeline-peer: \(connection.failure ?? "cannot write to the producer")\n".utf8))
        return 70
    }

    /// What `gilbench pipeline-peer` is told: `PATTERN MESSAGES SIZE GIL LOCK CHECK SWITCH CHECKPOINTS`.
    package struct Arguments: Equatable {
        package var pattern: MessagePattern
        package var messages: Int
        package var size: Int
        package var settings: InterpreterSettings

        /// Parses and checks the command's arguments after its name.
        /// - Throws: `GilBenchError` `.usage` saying which argument is wrong (a check interval of 0
        ///   or a switch interval of 0 among them, which the designs cannot be built with).
        package init(_ arguments: ArraySlice<String>) throws(GilBenchError) {
            let a = Array(arguments)
            guard a.count == 8 else { throw GilBenchError(.usage, "expected 8 arguments, got \(a.count)") }
            guard let pattern = MessagePattern(rawValue: a[0]) else { throw GilBenchError(.usage, "unknown pattern \(a[0])") }
            guard let messages = Int(a[1]), messages >= 1 else { throw GilBenchError(.usage, "messages must be at least 1 (got \(a[1]))") }
            guard let size = Int(a[2]), size >= 1, size <= RunConfiguration.maxMessageSize else {
                throw GilBenchError(.usage, "the message size must be between 1 and \(RunConfiguration.maxMessageSize) bytes (got \(a[2]))")
            }
            guard let gil = GILDesign(rawValue: a[3]) else { throw GilBenchError(.usage, "unknown GIL design \(a[3])") }
            guard let lock = LockKind(rawValue: a[4]) else { throw GilBenchError(.usage, "unknown lock \(a[4])") }
            guard let checkInterval = Int(a[5]) else { throw GilBenchError(.checkInterval, "must be a whole number (got \(a[5]))") }
            guard let switchInterval = Double(a[6]) else { throw GilBenchError(.switchInterval, "must be a number (got \(a[6]))") }
            guard let checkPoints = CheckPoints(rawValue: a[7]) else { throw GilBenchError(.usage, "unknown check points \(a[7])") }
            settings = InterpreterSettings(
                gil: gil, lock: lock, checkInterval: checkInterval, switchIntervalMilliseconds: switchInterval, checkPoints: checkPoints)
            try settings.validate()
            self.pattern = pattern
            self.messages = messages
            self.size = size
        }
    }

    /// Runs the consumer program in the peer's interpreter.
    struct Consumer: GILBody {
        let program: Program
        let messages: Int
        let checkPoints: CheckPoints

        func run<G: GlobalInterpreterLock>(_ gil: G) {
            var thread = InterpreterThread(id: 0)
            gil.acquire(&thread)
            _ = VirtualMachine.run(
                program, arguments: [messages], gil: gil, thread: &thread, shared: SharedState(globals: 0, locks: 0),
                checkPoints: checkPoints)
            gil.release(&thread)
        }
    }

    /// The peer's outcome on the wire: messages, bytes, messages per second and the latencies
    /// (-1 for none), eight bytes each, little-endian.
    struct Summary {
        var outcome: WorkloadOutcome

        init(_ outcome: WorkloadOutcome) { self.outcome = outcome }

        init?(bytes: ArraySlice<UInt8>) {
            guard bytes.count == 5 * 8 else { return nil }
            func field(_ i: Int) -> UInt64 {
                (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[bytes.startIndex + i * 8 + $1]) << (8 * UInt64($1)) }
            }
            func real(_ i: Int) -> Double? { field(i) == UInt64.max ? nil : Double(bitPattern: field(i)) }
            outcome = WorkloadOutcome()
            outcome.messagesReceived = Int(truncatingIfNeeded: field(0))
            outcome.bytes = Int(truncatingIfNeeded: field(1))
            outcome.messagesPerSecond = real(2)
            outcome.messageLatencyP50Microseconds = real(3)
            outcome.messageLatencyP99Microseconds = real(4)
        }

        var bytes: [UInt8] {
            let fields: [UInt64] = [
                UInt64(outcome.messagesReceived ?? 0), UInt64(outcome.bytes ?? 0),
                outcome.messagesPerSecond?.bitPattern ?? .max, outcome.messageLatencyP50Microseconds?.bitPattern ?? .max,
                outcome.messageLatencyP99Microseconds?.bitPattern ?? .max,
            ]
            return fields.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
        }
    }
}

/// The consumer process of one run, seen from the producer: started with the plan, ended by `finish`.
final class PeerHandle: @unchecked Sendable {
    // @unchecked Sendable: set when the plan is made, then read by its finish, report and notes,
    // which the runner calls one after another on one thread.
    var child: ChildProcess?
    var outcome = WorkloadOutcome()
    var problem: String?

    /// Reads the peer's summary, closes the pipes and reaps it.
    func end(_ connection: PickledConnection) {
        guard let child else { return }
        if connection.receiveFrame() > 0, let summary = PipelinePeer.Summary(bytes: connection.frame[...]) {
            outcome = summary.outcome
        } else if problem == nil {
            problem = connection.failure ?? "no summary"
        }
        child.closeInput()
        child.closeOutput()
        if let (termination, usage) = try? child.wait(blocking: true) {
            if termination != .exited(0) { problem = "\(termination)" }
            outcome.consumerProcess = usage
        }
        self.child = nil
    }
}

/// One end of a multiprocessing-style connection over a pair of pipes, with a native pickler
/// (cPickle, slide 117, against the pure-Python `pickle` that would run as interpreted code).
///
/// `dumps(stamp)` pickles the message `(stamp, payload)` with protocol 2's opcodes (PROTO 2,
/// LONG1 of 8 bytes, BINSTRING of the payload, TUPLE2, STOP) into the connection's buffer, copying
/// the payload as cPickle does; `send_bytes(n)` writes it after a 4-byte length with the GIL
/// released (`Modules/_multiprocessing/connection.h` `connection_send_obj`: pickle with the GIL, write
/// within Py_BEGIN_ALLOW_THREADS); `recv_bytes` reads one such frame with the GIL released; `loads`
/// checks the opcodes, copies the payload out (a new `str`) and returns the stamp. A failed read
/// or write returns -1 (as the end of the input does, where CPython raises) and is kept in
/// ``failure``, which the run's notes give.
final class PickledConnection: @unchecked Sendable {
    // @unchecked Sendable: a connection is used by one interpreter thread (the natives of one
    // program) and, before and after it runs, by the runner's thread.
    private var input: Int32 = -1
    private var output: Int32 = -1
    private let payload: [UInt8]
    private var pickled: [UInt8] = []
    private(set) var frame: [UInt8] = []
    private var unpickled: [UInt8] = []
    /// The first read or write that failed (not the end of the input), with its descriptor and errno.
    private(set) var failure: String?

    init(messageSize: Int) {
        payload = [UInt8](repeating: UInt8(ascii: "x"), count: messageSize)
        pickled.reserveCapacity(messageSize + 32)
        unpickled.reserveCapacity(messageSize)
    }

    func connect(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    var natives: [NativeFunction] {
        [NativeFunction(name: "dumps", releasesGIL: false) { stamp in self.dumps(stamp) },
         NativeFunction(name: "send_bytes", releasesGIL: true) { _ in self.sendFrame(self.pickled) ? 0 : -1 },
         NativeFunction(name: "recv_bytes", releasesGIL: true) { _ in self.receiveFrame() },
         NativeFunction(name: "loads", releasesGIL: false) { length in self.loads(length) }]
    }

    static let proto: UInt8 = 0x80, long1: UInt8 = 0x8a, binstring = UInt8(ascii: "T"), tuple2: UInt8 = 0x86
    static let stop = UInt8(ascii: ".")

    func dumps(_ stamp: Int) -> Int {
        pickled.removeAll(keepingCapacity: true)
        pickled += [Self.proto, 2, Self.long1, 8]
        for i in 0..<8 { pickled.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: Int64(stamp)) >> (8 * UInt64(i)))) }
        pickled.append(Self.binstring)
        for i in 0..<4 { pickled.append(UInt8(truncatingIfNeeded: payload.count >> (8 * i))) }
        pickled += payload
        pickled += [Self.tuple2, Self.stop]
        return pickled.count
    }

    func loads(_ length: Int) -> Int {
        let header = 4 + 8 + 5
        guard length >= header + 2, frame.count == length, frame[0] == Self.proto, frame[2] == Self.long1, frame[3] == 8,
              frame[12] == Self.binstring, frame[length - 2] == Self.tuple2, frame[length - 1] == Self.stop
        else { return -1 }
        let stamp = (0..<8).reduce(UInt64(0)) { $0 | UInt64(frame[4 + $1]) << (8 * UInt64($1)) }
        let size = (0..<4).reduce(0) { $0 | Int(frame[13 + $1]) << (8 * $1) }
        guard header + size + 2 == length else { return -1 }
        unpickled.removeAll(keepingCapacity: true)
        unpickled += frame[header..<(header + size)]
        return Int(truncatingIfNeeded: stamp)
    }

    /// The largest frame written together with its header in one write: CPython 2.7's
    /// `Modules/_multiprocessing/connection.h` `conn_send_string` copies a body shorter than 16 KiB
    /// after its header into one buffer and sends it at once (one `write`), a longer one as two
    /// (`_conn_sendall` of the header, then of the body); 3.x's `Lib/multiprocessing/connection.py`
    /// `Connection._send_bytes` does the same with `header + buf` up to 16,384 bytes.
    static let combinedFrameLimit = 16 * 1024

    /// Writes `bytes` after their length (4 bytes, big-endian: 2.7's `htonl`, 3.x's
    /// `struct.pack("!i", n)`), in one write up to ``combinedFrameLimit`` bytes and in two beyond.
    /// False when a write fails.
    func sendFrame(_ bytes: [UInt8]) -> Bool {
        let length = UInt32(bytes.count)
        let header = (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * UInt32(3 - $0))) }
        do throws(Errno) {
            if bytes.count < Self.combinedFrameLimit {
                try FileIO.write(header + bytes, to: output)
            } else {
                try FileIO.write(header, to: output)
                try FileIO.write(bytes, to: output)
            }
            return true
        } catch {
            if failure == nil { failure = "cannot write to descriptor \(output): \(error)" }
            return false
        }
    }

    /// Reads one frame into ``frame``; returns its length, or -1 at end of input or on an error.
    func receiveFrame() -> Int {
        var header = [UInt8](repeating: 0, count: 4)
        guard readExactly(&header, 4) else { return -1 }
        let length = (0..<4).reduce(0) { $0 << 8 | Int(header[$1]) }
        guard length <= RunConfiguration.maxMessageSize + 64 else { return -1 }
        if frame.count != length { frame = [UInt8](repeating: 0, count: length) }
        return readExactly(&frame, length) ? length : -1
    }

    /// Fills the first `count` bytes of `buffer`; false when the input ends first or the read fails
    /// (then kept in ``failure``).
    private func readExactly(_ buffer: inout [UInt8], _ count: Int) -> Bool {
        do throws(Errno) {
            return try SystemCall.readFully(input, into: &buffer, count: count) == count
        } catch {
            if failure == nil { failure = "cannot read from descriptor \(input): \(error)" }
            return false
        }
    }
}
