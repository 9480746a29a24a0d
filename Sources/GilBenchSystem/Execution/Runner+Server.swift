import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension RunMeasurement {
    /// Takes the CPU time of gilbench's own load client (its whole life, from `wait4`) out of the
    /// region's foreign CPU time: the client is part of the run, as the server's threads are, and
    /// left in it made every repetition of a busy server "disturbed" and measured again. The client's
    /// connecting, before the region, is taken out too, so foreign time reads low by that much.
    mutating func countAsOwn(_ client: ResourceUsage?) {
        guard let client, let d = disturbance else { return }
        disturbance = CPUDisturbance(
            stealSeconds: d.stealSeconds, foreignCPUSeconds: max(0, d.foreignCPUSeconds - client.userSeconds - client.systemSeconds),
            cpuCount: d.cpuCount, tickSeconds: d.tickSeconds)
    }
}

extension Runner {
    /// The server workload (issue 24): listens on 127.0.0.1, starts the client process
    /// (``ServerLoadClient``) on the port, accepts its connections, serves them in the configuration's
    /// model (``ServerWorkload``) until the client has closed every one, then reads the client's
    /// measurements: `requests_per_s` and the latencies, and `rss_kib` (``PeakResidentSet``).
    ///
    /// Every error path kills and reaps the client and closes every socket: nothing is left behind.
    /// - Throws: `GilBenchError`: `.usage` (64) when the open-file limit cannot hold the connections;
    ///   `.runFailed` (70) naming the client when it failed or died; `.system` when the system refused
    ///   a socket or a thread.
    static func measureServer(
        _ configuration: RunConfiguration, cpus: [Int], allowed: [Int], probes: [any MeasurementProbe],
        events: GILEventRecorder?, workerExecutable: String
    ) throws(GilBenchError) -> RunMeasurement {
        var notes: [String] = []
        // One descriptor per connection here, and the client's own; the client raises its limit itself.
        if let raised = try FileDescriptorLimit.ensure(configuration.connections + ServerLoad.descriptorMargin + openDescriptorCount()) {
            notes.append("server: " + raised)
        }
        let listener = try ServerListener(connections: configuration.connections)
        defer { listener.close() }
        let load = ServerLoad(configuration)
        if configuration.mode == .processes {
            var measurement = try measureServerInWorkers(
                configuration, cpus: cpus, allowed: allowed, listener: listener, load: load, probes: probes,
                workerExecutable: workerExecutable)
            measurement.warnings += notes
            return measurement
        }
        let client = try ServerLoadClient.start(executable: workerExecutable, port: listener.port, load: load)
        do throws(GilBenchError) {
            let memory = PeakResidentSet.start()
            let plan: WorkloadPlan
            do throws(GilBenchError) {
                let deadline = MonotonicClock.nanoseconds() + UInt64(load.timeoutSeconds * 1e9)
                plan = try ServerWorkload.plan(
                    for: configuration, listener: listener, deadline: deadline, clientRunning: { ProcessState.isRunning(client.pid) })
            } catch {
                // A client that ended while connecting says why (its error line); otherwise the accept's error.
                if !ProcessState.isRunning(client.pid) { _ = try client.finish() }
                throw error
            }
            listener.close()
            var measurement = try CPUAffinity.pinning(to: cpus, restoring: allowed) { () throws(GilBenchError) in
                try configuration.interpreterSettings.withGIL(
                    recordWaits: true, recorder: events, threadsInitialised: configuration.initialisesThreads,
                    Execution(plan: plan, configuration: configuration, cpus: cpus, probes: probes))
            }
            let result = try client.finish()
            measurement.outcome.record(result)
            measurement.countAsOwn(client.usage)
            switch memory.added() {
            case .kib(let kib): measurement.outcome.rssKiB = kib
            case .unavailable(let problem): notes.append("rss_kib is left empty: \(problem)")
            }
            measurement.warnings += notes + result.notes
            return measurement
        } catch {
            client.terminate()
            throw error
        }
    }

    /// The `processes` model (``ServerWorkers``): the workers start on the listening socket, then the
    /// client; when the client has finished, the workers are told so and reaped. The run's clock,
    /// CPU times and counters are the workers' (their usage from `wait4`, their interpreters'
    /// counts summed); `rss_kib` is their peaks summed.
    private static func measureServerInWorkers(
        _ configuration: RunConfiguration, cpus: [Int], allowed: [Int], listener: ServerListener, load: ServerLoad,
        probes: [any MeasurementProbe], workerExecutable: String
    ) throws(GilBenchError) -> RunMeasurement {
        // The workers inherit the CPUs set here; the client, started after, does not.
        let workers = try CPUAffinity.pinning(to: cpus, restoring: allowed) { () throws(GilBenchError) in
            try ServerWorkers.start(configuration, listener: listener, executable: workerExecutable)
        }
        var client: ServerLoadClient?
        do throws(GilBenchError) {
            for probe in probes { try probe.begin() }
            let start = MonotonicClock.nanoseconds()
            client = try ServerLoadClient.start(executable: workerExecutable, port: listener.port, load: load)
            let result = try client!.finish()
            listener.close()
            let served = try ServerWorkers.finish(workers, deadline: MonotonicClock.nanoseconds() + 60_000_000_000)
            let wall = MonotonicClock.nanoseconds() &- start
            var syscalls: SyscallCounts?
            for probe in probes { syscalls = try probe.end() }
            var measurement = RunMeasurement(
                wallSeconds: Double(wall) / 1e9, usage: served.usage, ticks: served.ticks, instructions: served.instructions,
                gil: served.gil, syscalls: syscalls)
            measurement.outcome.record(result)
            measurement.outcome.rssKiB = served.peakResidentKiB
            measurement.warnings += result.notes
            return measurement
        } catch {
            client?.terminate()
            ServerWorkers.terminate(workers)
            throw error
        }
    }

    /// Descriptors open in this process now (`/proc/self/fd`), 64 when it cannot be read.
    private static func openDescriptorCount() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 64 }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return count
    }
}

extension WorkloadOutcome {
    /// The client's measurements: requests per second and the latencies.
    mutating func record(_ result: ServerLoadResult) {
        requestsPerSecond = result.requestsPerSecond
        latencyP50Microseconds = result.latencyP50Microseconds
        latencyP99Microseconds = result.latencyP99Microseconds
        latencyMaxMicroseconds = result.latencyMaxMicroseconds
    }
}

extension ServerLoadResult {
    /// Warnings for the user about the client's run.
    var notes: [String] {
        unsent > 0 ? ["server: \(unsent) requests due at --rate could not be sent (every connection had one outstanding)"] : []
    }

}

extension ServerLoad {
    /// The client's load for a server configuration: its connections, request size, rate, warm-up
    /// and window.
    package init(_ configuration: RunConfiguration) {
        self.init(
            connections: configuration.connections, messageSize: configuration.messageSize, rate: configuration.rate,
            warmupSeconds: configuration.serverWarmupSeconds, durationSeconds: configuration.durationSeconds,
            requests: configuration.requests)
    }
}

/// Whether a child process still runs, without reaping it (its parent reaps it later).
enum ProcessState {
    /// False once `pid` has exited (a zombie, state `Z` in `/proc/PID/stat`) or is gone.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let text = try? FileIO.readText("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return false }
        let state = text[text.index(after: close)...].drop(while: { $0 == " " }).first
        return state != "Z" && state != "X"
    }
}

/// The server's resident memory, `rss_kib`: what the run added to gilbench's process at its peak.
///
/// Linux keeps a process's peak resident set (`VmHWM` in `/proc/self/status`) and resets it to the
/// current resident set when `5` is written to `/proc/self/clear_refs` (proc(5)). Reset before the
/// run and read after it, the peak minus the resident set at the start (`VmRSS`) is what the run's
/// server added: its sockets' user-side state, its frames and generators, its threads' stacks as
/// far as they were touched. (Without the subtraction, memory that malloc kept from earlier runs of
/// the same process would make the figure drift: see the DocC article "CSV columns".)
struct PeakResidentSet {
    /// Why the figure cannot be had, or the resident set at the start, in KiB.
    private let start: Reading

    /// A figure in KiB, or why there is none.
    enum Reading {
        case kib(Int)
        case unavailable(String)
    }

    /// Resets the peak and reads the resident set now.
    static func start() -> PeakResidentSet {
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return PeakResidentSet(start: .unavailable("cannot open /proc/self/clear_refs to reset the peak resident set (errno \(errno))"))
        }
        let written = write(fd, "5", 1)
        let saved = errno
        close(fd)
        guard written == 1 else {
            return PeakResidentSet(start: .unavailable("cannot reset the peak resident set through /proc/self/clear_refs (errno \(saved))"))
        }
        return PeakResidentSet(start: field("VmRSS"))
    }

    /// The peak since ``start()`` minus the resident set then, in KiB (0 when the run added nothing).
    func added() -> Reading {
        guard case .kib(let before) = start else { return start }
        guard case .kib(let peak) = Self.field("VmHWM") else { return Self.field("VmHWM") }
        return .kib(max(peak - before, 0))
    }

    /// A `kB` line of `/proc/self/status`.
    private static func field(_ name: String) -> Reading {
        guard let text = try? FileIO.readText("/proc/self/status") else { return .unavailable("cannot read /proc/self/status") }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            if let value = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap({ Int($0) }) { return .kib(value) }
        }
        return .unavailable("/proc/self/status has no \(name) line")
    }
}
