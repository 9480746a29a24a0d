import GilBenchSimulator
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The server workload's client process, seen from gilbench: `gilbench load-client` started on a
/// server's port (``LoadGenerator`` does the work in the child), then waited for and read.
///
/// The child prints one line on standard output: ``ServerLoadResult/line``
/// (`load-client-result answered=N elapsed_s=X p50_us=X p99_us=X max_us=X unsent=N`), or
/// `load-client-error MESSAGE` and a nonzero exit status (64: a load out of range or too few file
/// descriptors; 70: it could not connect, or the server failed). It dies with gilbench
/// (`PR_SET_PDEATHSIG`, see `gb_spawn`), and every error path here kills and reaps it.
package final class ServerLoadClient {
    private let child: ChildProcess
    private let load: ServerLoad
    private let port: Int
    private let started: UInt64

    /// The client process's pid.
    package var pid: Int32 { child.pid }

    /// The client process's CPU time and context switches (wait4), once ``finish()`` has reaped it:
    /// a run pinned to CPUs counts it as its own, not as a disturbance from outside.
    package private(set) var usage: ResourceUsage?

    private init(child: ChildProcess, load: ServerLoad, port: Int) {
        self.child = child
        self.load = load
        self.port = port
        started = MonotonicClock.nanoseconds()
    }

    deinit { terminate() }

    /// Spawns `<executable> load-client ...` (a hidden subcommand of gilbench that calls
    /// ``LoadGenerator``), which connects `load.connections` connections to 127.0.0.1:`port`, then
    /// warms up, then measures.
    /// - Parameters:
    ///   - executable: the gilbench binary (`/proc/self/exe` for gilbench itself; tests pass the built one).
    ///   - port: the server's port on 127.0.0.1.
    /// - Throws: `GilBenchError` `.usage` for a load out of range; `.system` when it cannot be started.
    package static func start(executable: String, port: Int, load: ServerLoad) throws(GilBenchError) -> ServerLoadClient {
        try load.validate()
        let arguments = ["gilbench"] + load.commandLine(port: port)
        let child = try ChildProcess.spawn(executable: executable, arguments: arguments)
        child.closeInput()
        return ServerLoadClient(child: child, load: load, port: port)
    }

    /// gilbench's binary, for ``start(executable:port:load:)``: this process's own executable when it
    /// is gilbench, else a `gilbench` beside it (a test bundle is built next to it in `.build/debug`).
    package static var ownExecutable: String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
        guard (own as NSString).lastPathComponent != "gilbench" else { return own }
        let sibling = (own as NSString).deletingLastPathComponent + "/gilbench"
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : own
    }

    /// Waits for the client to end (at most ``ServerLoad/timeoutSeconds`` from its start) and reads
    /// its result.
    /// - Throws: `GilBenchError` `.runFailed` (exit 70) naming the server's client when it failed
    ///   (with its own message: it could not connect, the server closed a connection, ...), died or
    ///   timed out; `.usage` (64) when it refused its load (too few file descriptors).
    package func finish() throws(GilBenchError) -> ServerLoadResult {
        let name = "the server's client (gilbench load-client, pid \(child.pid))"
        do throws(GilBenchError) {
            let deadline = started + UInt64(load.timeoutSeconds * 1e9)
            let (output, timedOut) = try child.readOutput(of: name, until: deadline)
            if timedOut {
                terminate()
                throw GilBenchError(.runFailed, "\(name) did not finish within \(Int(load.timeoutSeconds)) s and was killed")
            }
            child.closeOutput()
            guard let (termination, usage) = try child.wait(blocking: true) else {
                throw GilBenchError(.runFailed, "\(name) could not be reaped")
            }
            self.usage = usage
            let text = String(decoding: output, as: UTF8.self)
            let lines = text.split(whereSeparator: \.isNewline)
            if let failure = lines.last(where: { $0.hasPrefix(ServerLoadResult.errorTag + " ") }) {
                let message = String(failure.dropFirst(ServerLoadResult.errorTag.count + 1))
                let code: GilBenchError.Code = termination == .exited(ExitStatus.usage.rawValue) ? .usage : .runFailed
                throw GilBenchError(code, message)
            }
            guard termination == .exited(0) else { throw GilBenchError(.runFailed, "\(name) \(termination)") }
            guard let result = lines.lazy.compactMap({ ServerLoadResult(line: $0) }).last else {
                let shown = lines.last.map { String($0.prefix(160)) } ?? "nothing"
                throw GilBenchError(.runFailed, "\(name) printed no result (\(shown))")
            }
            return result
        } catch {
            terminate()
            throw error
        }
    }

    /// Kills and reaps the client; does nothing once it has been reaped. Called on every error path.
    package func terminate() {
        child.closeOutput()
        guard child.termination == nil else { return }
        child.signal(SIGKILL)
        _ = try? child.wait(blocking: true)
    }
}
