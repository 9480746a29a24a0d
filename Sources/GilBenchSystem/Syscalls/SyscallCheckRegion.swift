import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A region of known system calls, for checking a counter (`gilbench syscall-check` and the tests).
public enum SyscallCheckRegion {
    /// Begins `probe`, makes `calls` getppid() calls (on this thread, or split over `threads` threads
    /// created inside the region), and stops the probe.
    /// - Throws: `GilBenchError` from the probe or when a thread cannot start.
    public static func run(_ probe: any SyscallProbe, calls: Int, threads: Int) throws(GilBenchError) -> SyscallCounts {
        try probe.begin()
        if threads == 0 {
            for _ in 0..<calls { _ = getppid() }
        } else {
            var started: [NativeThread] = []
            for t in 0..<threads {
                let share = calls / threads + (t < calls % threads ? 1 : 0)
                started.append(try NativeThread.spawn { for _ in 0..<share { _ = getppid() } })
            }
            for thread in started { thread.join() }
        }
        return try probe.stop()
    }
}
