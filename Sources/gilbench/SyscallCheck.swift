import ArgumentParser
import GilBench
#if canImport(Glibc)
import Glibc
#endif

/// `gilbench syscall-check` (hidden): a region of known system calls, counted by the chosen counter, to
/// check a counter against what it must find. The tests run it; a user can too.
struct SyscallCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syscall-check",
        abstract: "Count a region of N getppid() calls (in --threads threads created inside it) and print the counts.",
        shouldDisplay: false)

    @Option(help: "getppid() calls in the region (split over the threads, if any).")
    var calls: Int = 1000

    @Option(help: "Threads created inside the region to make the calls (0: the calling thread).")
    var threads: Int = 0

    @OptionGroup var syscalls: SyscallOptions

    func validate() throws {
        guard calls >= 0 else { throw ValidationError("--calls must be 0 or more (got \(calls))") }
        guard (0...64).contains(threads) else { throw ValidationError("--threads must be between 0 and 64 (got \(threads))") }
    }

    func run() throws {
        try reporting {
            let counting = try syscalls.counting(names: CountedSyscall.names + ["getppid"])
            guard let probe = try counting.makeProbe() else {
                print("counter=none")
                return
            }
            let counts = try SyscallCheckRegion.run(probe, calls: calls, threads: threads)
            let getppid = counts.count("getppid").map(String.init) ?? ""
            print("counter=\(counts.counter.rawValue) total=\(counts.total) getppid=\(getppid)")
        }
    }
}
