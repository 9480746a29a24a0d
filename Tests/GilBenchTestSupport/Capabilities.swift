import Foundation
import GilBench
#if canImport(Glibc)
import Glibc
#endif

/// What this machine lets the tests do: the capabilities that condition traits
/// (`ConditionTrait+Capabilities.swift`) test for, so that a test that needs one shows as skipped,
/// with the reason, where it is missing.
///
/// Each is found once, on first use, and asks the kernel or the system rather than the code under test
/// wherever it can: a gilbench whose perf counter or ptrace tracer broke fails its tests instead of
/// skipping them.
public enum Capabilities {
    /// strace's path, when it is installed.
    public static let strace: String? = executable("strace")

    /// nm's path (binutils), when it is installed.
    public static let nm: String? = executable("nm")

    /// A C compiler (`cc`), when one is installed.
    public static let cCompiler: String? = executable("cc")

    /// tracefs' root, mounted here. Finding it mounts tracefs when it is not and the tests run as root,
    /// as gilbench does (`TraceFS`).
    public static let tracefs: String? = try? TraceFS().root

    /// Whether perf_event_open opens the `raw_syscalls:sys_enter` tracepoint, as gilbench's perf
    /// system-call counter does first: root or CAP_PERFMON, and tracefs.
    public static let perfEventsUsable: Bool = {
        guard let id = try? TraceFS().eventID("raw_syscalls:sys_enter") else { return false }
        let system = SyscallCounterSystem.live
        guard case .success(let fd) = system.perfTracepointOpen(id, -1) else { return false }
        system.close(fd)
        return true
    }()

    /// Whether a child may ask to be traced (PTRACE_TRACEME), as gilbench's ptrace counter's child
    /// does: refused when the tests themselves run under a tracer, or by Yama or a seccomp policy.
    ///
    /// A traced `/bin/true` is started, then killed and reaped.
    public static let ptraceAllowed: Bool = {
        guard case .success(let pid) = SyscallCounterSystem.live.spawnTraced("/bin/true", ["true"], -1) else { return false }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        // The child stops at its exec (SIGTRAP) before SIGKILL ends it: wait for its end.
        while true {
            let reaped = waitpid(pid, &status, __WALL)
            if reaped < 0 && errno == EINTR { continue }
            if reaped < 0 || status & 0xFF != 0x7F { break }  // reaped, or gone; 0x7F: only stopped
        }
        return true
    }()

    /// `python3` on PATH when it is CPython (asked with `platform.python_implementation()`, not
    /// through gilbench).
    public static let cpython3: String? = {
        guard let python = try? PythonInterpreter.locate("python3") else { return nil }
        let output = try? standardOutput(of: python, ["-c", "import platform, sys; sys.stdout.write(platform.python_implementation())"])
        return output == "CPython" ? python : nil
    }()

    /// A CPython 3 shared library (`libpython3.*.so.1.0`) under pyenv's versions folder, when there is one.
    public static let pyenvLibpython3: String? = {
        let versions = (ProcessInfo.processInfo.environment["PYENV_ROOT"] ?? NSHomeDirectory() + "/.pyenv") + "/versions"
        for version in ((try? FileManager.default.contentsOfDirectory(atPath: versions)) ?? []).sorted() where version.hasPrefix("3.") {
            let lib = versions + "/" + version + "/lib"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []
            if let name = names.first(where: { $0.hasPrefix("libpython3") && $0.hasSuffix(".so.1.0") }) {
                return lib + "/" + name
            }
        }
        return nil
    }()

    /// Jython's executable, when Jython answers as one (its `sys.platform` starts with `java`, asked
    /// without gilbench).
    public static let jython: String? = {
        guard let jython = executable("jython") else { return nil }
        let output = try? standardOutput(of: jython, ["-c", "import sys; sys.stdout.write(sys.platform)"])
        return output?.hasPrefix("java") == true ? jython : nil
    }()

    /// A free-threaded CPython (`python3.13t` and the like) under pyenv's versions folder whose GIL
    /// is off (`sys._is_gil_enabled()`, asked without gilbench), as `scripts/install-free-threaded-python.sh` installs it.
    public static let freeThreadedPython: String? = {
        let versions = (ProcessInfo.processInfo.environment["PYENV_ROOT"] ?? NSHomeDirectory() + "/.pyenv") + "/versions"
        for version in ((try? FileManager.default.contentsOfDirectory(atPath: versions)) ?? []).sorted() where version.hasSuffix("t") {
            let bin = versions + "/" + version + "/bin"
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: bin)) ?? []).sorted() where name.wholeMatch(of: /python3\.[0-9]+t/) != nil {
                let output = try? standardOutput(of: bin + "/" + name, ["-c", "import sys; sys.stdout.write(str(sys._is_gil_enabled()))"])
                if output == "False" { return bin + "/" + name }
            }
        }
        return nil
    }()

    /// Whether uprobes can be defined: root, and tracefs' `uprobe_events` writable.
    public static let uprobesUsable: Bool =
        getuid() == 0 && tracefs.map { FileManager.default.isWritableFile(atPath: $0 + "/uprobe_events") } == true

    /// Whether the simulator can call through the system's libffi (as ctypes does).
    public static let libffiLoads: Bool = (try? Libffi.system.get()) != nil

    /// Whether OpenSSL's libcrypto loads (`--sha512-core openssl`).
    ///
    /// Not a condition for skipping: CI installs libssl3, so the tests that hash with OpenSSL fail
    /// without it, and check this first to say why.
    public static let libcryptoLoads: Bool = (try? SHA512Core.openssl.checkAvailable()) != nil

    /// The path of `name` on PATH (or in /usr/bin and /bin), when it is an executable.
    static func executable(_ name: String) -> String? {
        (try? PythonInterpreter.locate(name)) ?? ["/usr/bin/" + name, "/bin/" + name].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What `executable` writes on its standard output when run with `arguments`.
    static func standardOutput(of executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Capabilities {
    /// pyenv's interpreter of `version` (`~/.pyenv/versions/VERSION/bin/python`), when installed.
    public static func pyenvPython(_ version: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PYENV_ROOT"] ?? NSHomeDirectory() + "/.pyenv") + "/versions/\(version)/bin/python"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
