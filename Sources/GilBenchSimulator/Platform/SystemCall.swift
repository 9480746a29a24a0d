#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

// gilbench's system calls on descriptors, processes and the clock, in swift-system's three layers
// (`Sources/System/Util.swift`, `FileOperations.swift`): the C function, a helper that turns its
// failure into `Result<_, Errno>` and calls it again when a signal interrupted it, and a throwing API
// (``SystemCall``). The simulator and the system layer (`GilBenchSystem`) both go through here: this
// file is the one place in Swift that retries an interrupted call. (swift-system's own `FileDescriptor`
// calls, used by `FileIO`, retry inside swift-system; the C shim retries where it must stay in C:
// `sem_wait` as CPython does, and the parent's and the child's sides of a fork.)

/// The result of `call`, a C function that returns -1 and sets `errno` when it fails, called again
/// while a signal interrupts it (`EINTR`) if `retryOnInterrupt`.
@inline(__always)
package func valueOrErrno<I: FixedWidthInteger>(retryOnInterrupt: Bool = true, _ call: () -> I) -> Result<I, Errno> {
    retryingInterrupted(retryOnInterrupt) {
        let value = call()
        return value == -1 ? .failure(Errno(rawValue: errno)) : .success(value)
    }
}

/// ``valueOrErrno(retryOnInterrupt:_:)`` for a call whose value says nothing but success.
@inline(__always)
package func nothingOrErrno<I: FixedWidthInteger>(retryOnInterrupt: Bool = true, _ call: () -> I) -> Result<Void, Errno> {
    valueOrErrno(retryOnInterrupt: retryOnInterrupt, call).map { _ in () }
}

/// The result of `call`, a C function that returns 0 or the number of its error (as the pthread
/// functions and `clock_nanosleep` do), called again while a signal interrupts it if `retryOnInterrupt`.
@inline(__always)
package func nothingOrErrno(retryOnInterrupt: Bool = true, returningErrorNumber call: () -> Int32) -> Result<Void, Errno> {
    retryingInterrupted(retryOnInterrupt) {
        let status = call()
        return status == 0 ? .success(()) : .failure(Errno(rawValue: status))
    }
}

/// `attempt` until it does not fail with `Errno.interrupted` (EINTR), or once when not `retry`.
@inline(__always)
private func retryingInterrupted<T>(_ retry: Bool, _ attempt: () -> Result<T, Errno>) -> Result<T, Errno> {
    while true {
        let result = attempt()
        if retry, case .failure(let error) = result, error == .interrupted { continue }
        return result
    }
}

/// The throwing layer: each call retried while interrupted, each failure thrown as its `Errno` (a
/// failed read is an error, never the end of the file). Callers add the context: which descriptor,
/// which peer, what for.
package enum SystemCall {
    /// Reads up to `buffer.count` bytes from `fd` into `buffer`.
    ///
    /// The corresponding C function is `read`.
    /// - Returns: how many bytes were read; 0 at end of file.
    /// - Throws: the `Errno` of the failure (`.resourceTemporarilyUnavailable` on a non-blocking
    ///   descriptor with nothing to read).
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try valueOrErrno { system_read(fd, buffer.baseAddress, buffer.count) }.get()
    }

    /// Writes up to `buffer.count` bytes of `buffer` to `fd`.
    ///
    /// The corresponding C function is `write`.
    /// - Returns: how many bytes were written.
    /// - Throws: the `Errno` of the failure (`.brokenPipe` when the reader has gone).
    package static func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try valueOrErrno { system_write(fd, buffer.baseAddress, buffer.count) }.get()
    }

    /// Receives up to `buffer.count` bytes from the socket `fd` into `buffer` (no flags).
    ///
    /// The corresponding C function is `recv`.
    /// - Returns: how many bytes were received; 0 when the peer has shut its end down.
    /// - Throws: the `Errno` of the failure.
    package static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try valueOrErrno { system_recv(fd, buffer.baseAddress, buffer.count) }.get()
    }

    /// Sends up to `buffer.count` bytes of `buffer` on the socket `fd` (no flags).
    ///
    /// The corresponding C function is `send`.
    /// - Returns: how many bytes were sent.
    /// - Throws: the `Errno` of the failure.
    package static func send(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try valueOrErrno { system_send(fd, buffer.baseAddress, buffer.count) }.get()
    }

    /// Reads from `fd` until `buffer` is full or the input ends.
    /// - Returns: how many bytes were read: `buffer.count`, or fewer when the input ended first.
    /// - Throws: the `Errno` of the read that failed.
    package static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Writes every byte of `bytes` to `fd`, continuing after partial writes.
    /// - Throws: the `Errno` of the write that failed.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var done = 0
        while done < bytes.count { done += try write(fd, from: UnsafeRawBufferPointer(rebasing: bytes[done...])) }
    }

    /// Sends every byte of `bytes` on the socket `fd`, continuing after partial sends.
    /// - Throws: the `Errno` of the send that failed.
    package static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var done = 0
        while done < bytes.count { done += try send(fd, from: UnsafeRawBufferPointer(rebasing: bytes[done...])) }
    }

    // MARK: On arrays (whose `withUnsafeMutableBytes` does not keep a typed error)

    /// ``read(_:into:)`` into `buffer[range]`, all of `buffer` by default.
    package static func read(_ fd: Int32, into buffer: inout [UInt8], range: Range<Int>? = nil) throws(Errno) -> Int {
        try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) in try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[range ?? raw.indices])) }
        }.get()
    }

    /// ``readFully(_:into:)`` into the first `count` bytes of `buffer`.
    package static func readFully(_ fd: Int32, into buffer: inout [UInt8], count: Int) throws(Errno) -> Int {
        try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) in try readFully(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[..<count])) }
        }.get()
    }

    /// ``write(_:from:)`` of `bytes`.
    package static func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(Errno) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(Errno) in try write(fd, from: raw) } }.get()
    }

    // MARK: Processes and time

    /// Waits until one of `descriptors` is ready for its events or `timeoutMilliseconds` pass (-1:
    /// no limit); each descriptor's `revents` then says what happened to it. An interrupted wait is
    /// started again with the whole timeout.
    ///
    /// The corresponding C function is `poll`.
    /// - Returns: how many descriptors are ready; 0 when the time ran out.
    /// - Throws: the `Errno` of the failure.
    package static func poll(_ descriptors: inout [pollfd], timeoutMilliseconds: Int32) throws(Errno) -> Int {
        let count = nfds_t(descriptors.count)
        let ready = descriptors.withUnsafeMutableBufferPointer { fds in
            valueOrErrno { system_poll(fds.baseAddress, count, timeoutMilliseconds) }
        }
        return Int(try ready.get())
    }

    /// Sleeps `nanoseconds` on the monotonic clock, the rest of them again after a signal.
    ///
    /// The corresponding C function is `clock_nanosleep`, which fails otherwise only for a request
    /// out of range (a programmer error: it traps).
    package static func sleep(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = request
        let slept = nothingOrErrno { () -> Int32 in
            request = remaining
            return clock_nanosleep(CLOCK_MONOTONIC, 0, &request, &remaining)
        }
        if case .failure(let error) = slept { preconditionFailure("clock_nanosleep(\(nanoseconds) ns) failed: \(error)") }
    }

    /// Waits for a change of state of `pid` (or of any child, -1), and how it changed.
    ///
    /// The corresponding C function is `waitpid`.
    /// - Returns: the process that changed, and its raw status.
    /// - Throws: the `Errno` of the failure (`.noChildProcess` when there is none to wait for).
    package static func waitpid(_ pid: pid_t, options: Int32) throws(Errno) -> (pid: pid_t, status: Int32) {
        var status: Int32 = 0
        let changed = try valueOrErrno { system_waitpid(pid, &status, options) }.get()
        return (changed, status)
    }

    /// Reaps `pid` (WNOHANG in `options`: only if it has ended) with its resource usage.
    ///
    /// The corresponding C function is `wait4`.
    /// - Returns: the process reaped (0 with WNOHANG while it still runs), its raw status and usage.
    /// - Throws: the `Errno` of the failure.
    package static func wait4(_ pid: pid_t, options: Int32) throws(Errno) -> (pid: pid_t, status: Int32, usage: rusage) {
        var status: Int32 = 0
        var usage = rusage()
        let reaped = try valueOrErrno { system_wait4(pid, &status, options, &usage) }.get()
        return (reaped, status, usage)
    }
}

// MARK: The C functions, by names that ``SystemCall``'s own do not hide (swift-system's `system_x`)

@inline(__always)
private func system_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }

@inline(__always)
private func system_write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }

@inline(__always)
private func system_recv(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { recv(fd, buffer, count, 0) }

@inline(__always)
private func system_send(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { send(fd, buffer, count, 0) }

@inline(__always)
private func system_poll(_ fds: UnsafeMutablePointer<pollfd>?, _ count: nfds_t, _ timeout: Int32) -> Int32 { poll(fds, count, timeout) }

@inline(__always)
private func system_waitpid(_ pid: pid_t, _ status: UnsafeMutablePointer<Int32>, _ options: Int32) -> pid_t {
    waitpid(pid, status, options)
}

@inline(__always)
private func system_wait4(_ pid: pid_t, _ status: UnsafeMutablePointer<Int32>, _ options: Int32, _ usage: UnsafeMutablePointer<rusage>) -> pid_t {
    wait4(pid, status, options, usage)
}
