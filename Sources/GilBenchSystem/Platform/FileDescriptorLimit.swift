import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`), raised as far as a run needs.
///
/// The server workload holds one descriptor per connection on each side (the client process's, and
/// the server's: the simulator in gilbench's process or a real interpreter, which inherits
/// gilbench's limit). The soft limit is often 1,024; the hard limit, which only root may raise, is
/// the ceiling. CPython does the same for nothing: a Python server that wants more descriptors calls
/// `resource.setrlimit(resource.RLIMIT_NOFILE, ...)` itself (`Modules/resource.c`).
package enum FileDescriptorLimit {
    /// Makes sure `needed` descriptors can be open at once: raises the soft limit to `needed` when
    /// it is lower and the hard limit allows it.
    ///
    /// The corresponding C functions are `getrlimit` and `setrlimit` (`RLIMIT_NOFILE`).
    /// - Parameter needed: descriptors the run holds at once, margin included.
    /// - Returns: a note saying the limit was raised ("raised the open-file limit (RLIMIT_NOFILE)
    ///   from 1024 to 1132"), or nil when it was high enough.
    /// - Throws: `GilBenchError` `.usage` (exit 64) when the hard limit is lower than `needed`;
    ///   `.system` when the limit cannot be read or set.
    package static func ensure(_ needed: Int) throws(GilBenchError) -> String? {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_RESOURCE, &limit) == 0 else {
            throw GilBenchError(.system, "cannot read the open-file limit (RLIMIT_NOFILE)", errno: errno)
        }
        let wanted = rlim_t(max(needed, 0))
        if limit.rlim_cur == unlimited || limit.rlim_cur >= wanted { return nil }
        if limit.rlim_max != unlimited && limit.rlim_max < wanted {
            throw GilBenchError(
                .usage,
                "needs \(needed) open file descriptors, but the hard limit (RLIMIT_NOFILE) is \(limit.rlim_max): "
                    + "fewer connections, or raise it (ulimit -Hn, as root)")
        }
        let previous = limit.rlim_cur
        limit.rlim_cur = wanted
        guard setrlimit(RLIMIT_NOFILE_RESOURCE, &limit) == 0 else {
            throw GilBenchError(.system, "cannot raise the open-file limit (RLIMIT_NOFILE) to \(needed)", errno: errno)
        }
        return "raised the open-file limit (RLIMIT_NOFILE) from \(previous) to \(needed)"
    }

    /// Refuses `needed` descriptors when even the hard limit is lower (nothing is raised).
    /// - Throws: `GilBenchError` `.usage` (exit 64), as ``ensure(_:)`` does; nothing when the limit
    ///   cannot be read (``ensure(_:)`` says so when the run starts).
    package static func checkHardLimit(_ needed: Int) throws(GilBenchError) {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_RESOURCE, &limit) == 0 else { return }
        if limit.rlim_max != unlimited && limit.rlim_max < rlim_t(max(needed, 0)) {
            throw GilBenchError(
                .usage,
                "needs \(needed) open file descriptors, but the hard limit (RLIMIT_NOFILE) is \(limit.rlim_max): "
                    + "fewer connections, or raise it (ulimit -Hn, as root)")
        }
    }

    /// The soft limit now (`getrlimit(RLIMIT_NOFILE)`), nil when unlimited or unreadable.
    package static var current: Int? {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_RESOURCE, &limit) == 0, limit.rlim_cur != unlimited else { return nil }
        return Int(limit.rlim_cur)
    }
}

/// Glibc imports `RLIMIT_NOFILE` as an enum case of `__rlimit_resource`; Musl as an Int32.
#if canImport(Glibc)
private let RLIMIT_NOFILE_RESOURCE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let RLIMIT_NOFILE_RESOURCE = RLIMIT_NOFILE
#endif

/// `RLIM_INFINITY` (all ones; Swift imports the C macro's `-1` as a literal that does not fit `rlim_t`).
private let unlimited = rlim_t.max
