import Foundation
import SystemPackage
import Testing
@testable import GilBench

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@Suite("System calls: interrupted calls retried, failures thrown with their errno")
struct SystemCallTests {
    /// A pipe's read and write ends.
    func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    @Test("A call interrupted by a signal is made again; without retrying, the interruption is the error")
    func retriesInterrupted() {
        var calls = 0
        let interruptedOnce = { () -> Int in
            calls += 1
            if calls == 1 {
                errno = EINTR
                return -1
            }
            return 5
        }
        #expect(valueOrErrno(interruptedOnce) == .success(5))
        #expect(calls == 2)
        calls = 0
        #expect(valueOrErrno(retryOnInterrupt: false, interruptedOnce) == .failure(.interrupted))
        #expect(calls == 1)
        var statuses: [Int32] = [EINTR, EINTR, 0]
        #expect(nothingOrErrno(returningErrorNumber: { statuses.removeFirst() }).map { true } == .success(true))
        #expect(statuses.isEmpty)
        #expect(nothingOrErrno(returningErrorNumber: { EPERM }).map { true } == .failure(.notPermitted))
    }

    @Test("A read on a closed descriptor throws EBADF; the end of a pipe reads 0")
    func failedReadIsNotEndOfFile() throws {
        let (readEnd, writeEnd) = try makePipe()
        var buffer = [UInt8](repeating: 0, count: 16)
        let bytes: [UInt8] = Array("abc".utf8)
        #expect(try SystemCall.write(writeEnd, bytes[...]) == 3)
        close(writeEnd)
        #expect(try SystemCall.readFully(readEnd, into: &buffer, count: 16) == 3, "the input ended after 3 bytes")
        #expect(try SystemCall.read(readEnd, into: &buffer) == 0, "end of file")
        close(readEnd)
        #expect(throws: Errno.badFileDescriptor) { try SystemCall.read(readEnd, into: &buffer) }
    }

    @Test("A child's output is read to its end; a failed read of it throws with the child named")
    func childOutput() throws {
        let echo = try ChildProcess.spawn(executable: "/bin/sh", arguments: ["sh", "-c", "echo hello"])
        echo.closeInput()
        let (output, timedOut) = try echo.readOutput(of: "sh", until: MonotonicClock.nanoseconds() + 30_000_000_000)
        #expect(String(decoding: output, as: UTF8.self) == "hello\n" && !timedOut)
        _ = try echo.wait(blocking: true)

        let closed = try ChildProcess.spawn(executable: "/bin/sh", arguments: ["sh", "-c", "exit 0"])
        closed.closeOutput()
        let error = #expect(throws: GilBenchError.self) { try closed.readOutput(of: "sh") }
        #expect(error?.code == .system && error?.errno == .badFileDescriptor)
        #expect(error?.message.contains("sh (pid \(closed.pid)") == true)
        _ = try closed.wait(blocking: true)
    }

    @Test("Every GIL design crosses the worker wire and comes back the same")
    func wireDesigns() throws {
        for design in GILDesign.allCases {
            let request = WorkerRequest.countdown(runs: [7], InterpreterSettings(gil: design, lock: .condvar, checkInterval: 3))
            #expect(try WorkerRequest(frame: request.frame) == request, "\(design)")
        }
    }

    @Test("pipeline-peer refuses a zero interval with the setting named, and takes good arguments")
    func peerArguments() throws {
        let good = ["request-reply", "10", "64", "ticks", "semaphore", "100", "5", "loop-top-3.2"]
        let arguments = try PipelinePeer.Arguments(good[...])
        #expect(arguments.messages == 10 && arguments.size == 64 && arguments.settings.checkInterval == 100)
        #expect(arguments.settings.checkPoints == .loopTop32)
        var zeroCheck = good
        zeroCheck[5] = "0"
        let check = #expect(throws: GilBenchError.self) { try PipelinePeer.Arguments(zeroCheck[...]) }
        #expect(check?.setting == .checkInterval && check?.description == "the check interval must be at least 1 tick (got 0)")
        var zeroSwitch = good
        zeroSwitch[6] = "0"
        let interval = #expect(throws: GilBenchError.self) { try PipelinePeer.Arguments(zeroSwitch[...]) }
        #expect(interval?.setting == .switchInterval)
        #expect(throws: GilBenchError.self) { try PipelinePeer.Arguments(good.dropLast()) }
    }

    @Test("A pinned run gives back the CPUs it took, rethrowing the run's error; a failed restore fails the run")
    func pinning() throws {
        let allowed = try CPUAffinity.current()
        let one = [allowed[0]]
        let pinned = try CPUAffinity.pinning(to: one, restoring: allowed) { () throws(GilBenchError) in try CPUAffinity.current() }
        #expect(pinned == one)
        #expect(try CPUAffinity.current() == allowed)
        let failure = #expect(throws: GilBenchError.self) {
            try CPUAffinity.pinning(to: one, restoring: allowed) { () throws(GilBenchError) in
                throw GilBenchError(.runFailed, "the run failed")
            }
        }
        #expect(failure?.message == "the run failed")
        #expect(try CPUAffinity.current() == allowed)
        let stuck = #expect(throws: GilBenchError.self) {
            try CPUAffinity.pinning(to: allowed, restoring: [-1]) { () throws(GilBenchError) in }
        }
        #expect(stuck?.code == .system && stuck?.message.contains("cannot give this thread back") == true)
        #expect(try CPUAffinity.current() == allowed)
    }
}

@Suite("CPUs and disturbance come with the measurement")
struct MeasurementCPUsTests {
    @Test("A row's CPU columns are the CPUs its measurement was pinned to, and empty without")
    func rowCPUs() throws {
        var c = RunConfiguration()
        c.n = 1_000
        c.cpus = .count(1)
        let measured = try Runner.measure(c)
        let allowed = try CPUAffinity.current()
        #expect(measured.cpus == [allowed[0]])
        let row = ResultRow(c, measured, machine: .current(), runID: "r", timestamp: "t", repetition: 1)
        #expect(row.key.cpus == 1 && row.key.cpuList == [allowed[0]])
        #expect(ConfigurationKey(c).cpus == nil && ConfigurationKey(c).cpuList == nil)
        let unpinned = RunMeasurement(wallSeconds: 1, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: nil)
        let empty = ResultRow(c, unpinned, machine: .current(), runID: "r", timestamp: "t", repetition: 1).record
        #expect(empty[.cpus] == nil && empty[.cpuList] == nil)
    }

    @Test("/proc/stat unreadable: the disturbance is unknown (empty cells), and the run warns once")
    func disturbanceUnknown() throws {
        let unreadable = CPUStat(ticksPerSecond: 100) { .failure(.permissionDenied) }
        let sampled = CPUStatRegion(unreadable, cpus: [0]).disturbance(usage: ResourceUsage())
        guard case .failure(let problem) = sampled else {
            Issue.record("sampled an unreadable /proc/stat")
            return
        }
        #expect(problem.errno == .permissionDenied && problem.message == "cannot read /proc/stat")
        var c = RunConfiguration()
        c.repetitions = 3
        c.warmup = 0
        let session = Session(writer: nil)
        try session.run([c], measure: { _ in
            var m = RunMeasurement(wallSeconds: 1, usage: ResourceUsage(), ticks: 0, instructions: 0, gil: nil)
            m.record(disturbance: sampled)
            return m
        })
        #expect(session.rows.count == 3)
        for row in session.rows {
            let record = row.record
            #expect(record[.disturbed] == nil && record[.stealSeconds] == nil && record[.foreignCPUSeconds] == nil)
            #expect(!row.measurements.isDisturbed)
        }
        #expect(session.warnings.count == 1)
        #expect(session.warnings.first?.hasPrefix(RunMeasurement.disturbanceUnknown) == true)
        #expect(session.warnings.first?.hasSuffix("cannot read /proc/stat: Permission denied") == true)
    }
}
