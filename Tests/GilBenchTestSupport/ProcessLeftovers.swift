import Foundation

/// What a test process still holds after a run: its open descriptors and its child processes, for
/// the tests that check a failed run leaves nothing behind (run them in an exit test, a process of
/// their own, where no other test opens descriptors or starts children meanwhile).
public enum ProcessLeftovers {
    /// The descriptors open in this process (`/proc/self/fd`); listing it holds one more while it reads.
    public static func openDescriptors() -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [])
    }

    /// The pids of this process's children, from every thread's `/proc/self/task/TID/children`.
    public static func children() -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/children", encoding: .utf8) }
            .flatMap { $0.split(separator: " ").compactMap { Int32($0) } }
    }
}
