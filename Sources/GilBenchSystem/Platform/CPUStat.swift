#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import GilBenchSimulator
import SystemPackage

/// The kernel's per-CPU time accounting (`/proc/stat`), read around a measured region to see what
/// else ran on its CPUs: the hypervisor's steal time and other processes' CPU time.
///
/// The reader is a closure so that tests can inject samples (as ``SyscallCounterSystem`` does for its
/// system calls); ``live`` reads `/proc/stat` through ``FileIO/readText(_:)``.
public struct CPUStat: Sendable {
    /// The text of `/proc/stat`.
    public var read: @Sendable () -> Result<String, Errno>
    /// USER_HZ: the unit of `/proc/stat`'s times, ticks per second (`sysconf(_SC_CLK_TCK)`).
    public var ticksPerSecond: Double

    public init(ticksPerSecond: Double, read: @escaping @Sendable () -> Result<String, Errno>) {
        self.read = read
        self.ticksPerSecond = ticksPerSecond
    }

    /// The real kernel.
    public static let live = CPUStat(ticksPerSecond: {
        let hz = sysconf(Int32(_SC_CLK_TCK))
        return hz > 0 ? Double(hz) : 100
    }()) {
        Result { () throws(Errno) in try FileIO.readText("/proc/stat") }
    }

    /// Busy and steal ticks of some CPUs at one moment.
    public struct Sample: Sendable, Equatable {
        /// user + nice + system + irq + softirq + steal, summed over the CPUs.
        public var busyTicks: UInt64
        public var stealTicks: UInt64
        /// How many CPUs were summed.
        public var cpuCount: Int

        public init(busyTicks: UInt64, stealTicks: UInt64, cpuCount: Int) {
            self.busyTicks = busyTicks
            self.stealTicks = stealTicks
            self.cpuCount = cpuCount
        }
    }

    /// The busy and steal ticks of `cpus` (their `cpuN` lines) now; nil when `/proc/stat` cannot be
    /// read or lacks one of them (an older kernel without the steal field counts it as 0).
    public func sample(cpus: [Int]) -> Sample? {
        try? sampleOrProblem(cpus: cpus).get()
    }

    /// ``sample(cpus:)``, or why there is none: `/proc/stat` cannot be read, or has no line for one
    /// of `cpus`.
    public func sampleOrProblem(cpus: [Int]) -> Result<Sample, GilBenchError> {
        switch read() {
        case .failure(let error):
            return .failure(GilBenchError(.system, "cannot read /proc/stat", errno: error))
        case .success(let text):
            guard let sample = CPUStat.parse(text, cpus: cpus) else {
                return .failure(GilBenchError(.system, "/proc/stat has no usable line for every one of CPUs \(cpus.map(String.init).joined(separator: ","))"))
            }
            return .success(sample)
        }
    }

    /// ``sample(cpus:)`` of a `/proc/stat` text.
    public static func parse(_ text: String, cpus: [Int]) -> Sample? {
        let wanted = Set(cpus)
        guard !wanted.isEmpty else { return nil }
        var busy: UInt64 = 0
        var steal: UInt64 = 0
        var found = 0
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let name = fields.first, let cpu = Int(name.dropFirst(3)), wanted.contains(cpu) else { continue }
            // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
            let values = fields.dropFirst().map { UInt64($0) ?? 0 }
            func field(_ i: Int) -> UInt64 { i < values.count ? values[i] : 0 }
            guard values.count >= 4 else { return nil }
            busy &+= field(0) &+ field(1) &+ field(2) &+ field(5) &+ field(6) &+ field(7)
            steal &+= field(7)
            found += 1
        }
        return found == wanted.count ? Sample(busyTicks: busy, stealTicks: steal, cpuCount: found) : nil
    }
}

/// What else ran on a region's CPUs while it was measured, and whether that disturbed it.
///
/// **The rule** (`isDisturbed`): a repetition is disturbed when
/// - its steal time exceeds 5% of its wall time, or its foreign CPU time exceeds 10% of its wall time,
/// - **and** that time is also at least ``floorTicksPerCPU`` (4) ticks per CPU counted: 40 ms per CPU
///   at USER_HZ = 100.
///
/// The floor is there because `/proc/stat` counts whole ticks (10 ms), sampled at each timer
/// interrupt: each CPU's count can be a tick or two off at either end of the region, and the kernel's
/// share versus the process's own precise CPU time (getrusage) can differ by as much; without the floor
/// an idle 50 ms repetition would be "disturbed" by one stray tick.
public struct CPUDisturbance: Sendable, Equatable {
    /// Steal time of the region's CPUs during the region (the hypervisor ran another guest), seconds.
    public var stealSeconds: Double
    /// Busy time of the region's CPUs during the region less the measured processes' own CPU time
    /// (user + sys), seconds; never below 0.
    public var foreignCPUSeconds: Double
    /// How many CPUs were counted.
    public var cpuCount: Int
    /// The length of one `/proc/stat` tick, seconds.
    public var tickSeconds: Double

    /// Steal above this fraction of the wall time disturbs (with the floor).
    public static let stealFraction = 0.05
    /// Foreign CPU above this fraction of the wall time disturbs (with the floor).
    public static let foreignFraction = 0.10
    /// The least steal or foreign time, in ticks per CPU counted, that can disturb.
    public static let floorTicksPerCPU = 4.0

    public init(stealSeconds: Double, foreignCPUSeconds: Double, cpuCount: Int, tickSeconds: Double) {
        self.stealSeconds = stealSeconds
        self.foreignCPUSeconds = foreignCPUSeconds
        self.cpuCount = cpuCount
        self.tickSeconds = tickSeconds
    }

    /// The disturbance between two samples of the same CPUs, given the measured processes' own CPU
    /// time in between; nil when either sample is missing or they counted different CPUs.
    public init?(before: CPUStat.Sample?, after: CPUStat.Sample?, ownCPUSeconds: Double, ticksPerSecond: Double) {
        guard let before, let after, before.cpuCount == after.cpuCount, ticksPerSecond > 0 else { return nil }
        let tick = 1 / ticksPerSecond
        let busy = Double(after.busyTicks &- before.busyTicks) * tick
        let steal = Double(after.stealTicks &- before.stealTicks) * tick
        self.init(
            stealSeconds: steal, foreignCPUSeconds: max(0, busy - ownCPUSeconds), cpuCount: after.cpuCount, tickSeconds: tick)
    }

    /// The least steal or foreign time that can disturb: ``floorTicksPerCPU`` ticks per CPU counted.
    public var floorSeconds: Double { CPUDisturbance.floorTicksPerCPU * Double(max(cpuCount, 1)) * tickSeconds }

    /// Whether a repetition of `wallSeconds` was disturbed by this (the rule above).
    public func isDisturbed(wallSeconds: Double) -> Bool {
        let floor = floorSeconds
        let steal = stealSeconds > CPUDisturbance.stealFraction * wallSeconds && stealSeconds >= floor
        let foreign = foreignCPUSeconds > CPUDisturbance.foreignFraction * wallSeconds && foreignCPUSeconds >= floor
        return steal || foreign
    }
}

/// Samples `/proc/stat` before a measured region (before its clock starts) and after it (after the
/// clock stopped): nothing is read inside the region.
package struct CPUStatRegion {
    package let stat: CPUStat
    let cpus: [Int]
    let before: Result<CPUStat.Sample, GilBenchError>

    package init(_ stat: CPUStat = .live, cpus: [Int]) {
        self.stat = stat
        self.cpus = cpus
        before = stat.sampleOrProblem(cpus: cpus)
    }

    /// The disturbance since ``init(_:cpus:)``, given the measured processes' CPU time; nil when
    /// `/proc/stat` could not tell it.
    package func end(usage: ResourceUsage) -> CPUDisturbance? {
        try? disturbance(usage: usage).get()
    }

    /// ``end(usage:)``, or why `/proc/stat` could not tell the disturbance.
    package func disturbance(usage: ResourceUsage) -> Result<CPUDisturbance, GilBenchError> {
        let after = stat.sampleOrProblem(cpus: cpus)
        switch (before, after) {
        case (.failure(let problem), _), (_, .failure(let problem)):
            return .failure(problem)
        case (.success(let first), .success(let last)):
            guard let disturbance = CPUDisturbance(
                before: first, after: last, ownCPUSeconds: usage.userSeconds + usage.systemSeconds,
                ticksPerSecond: stat.ticksPerSecond)
            else { return .failure(GilBenchError(.system, "/proc/stat's samples before and after the run do not match")) }
            return .success(disturbance)
        }
    }
}
