import Testing

/// Condition traits for tests that need a capability of the machine (``Capabilities``): where it is
/// missing the test is skipped, and the test report says why, as swift-subprocess's `requiresBash`.
extension Trait where Self == ConditionTrait {
    /// strace is installed.
    public static var requiresStrace: Self {
        .enabled(if: Capabilities.strace != nil, "strace is not installed")
    }

    /// perf_event_open opens the system-call tracepoints.
    public static var requiresPerf: Self {
        .enabled(if: Capabilities.perfEventsUsable, "perf_event_open of raw_syscalls:sys_enter is refused: needs root or CAP_PERFMON, and tracefs")
    }

    /// A child may ask to be traced.
    public static var requiresPtrace: Self {
        .enabled(if: Capabilities.ptraceAllowed, "ptrace is refused: the tests run under a tracer, or Yama or seccomp forbid it")
    }

    /// python3 on PATH is CPython.
    public static var requiresCPython3: Self {
        .enabled(if: Capabilities.cpython3 != nil, "no CPython python3 on PATH")
    }

    /// pyenv has a CPython 3 shared library.
    public static var requiresPyenvLibpython3: Self {
        .enabled(if: Capabilities.pyenvLibpython3 != nil, "no CPython 3 shared library under pyenv's versions folder")
    }

    /// Jython is installed (`apt-get install jython`).
    public static var requiresJython: Self {
        .enabled(if: Capabilities.jython != nil, "Jython is not installed (apt-get install jython)")
    }

    /// A free-threaded CPython is installed under pyenv (`scripts/install-free-threaded-python.sh`).
    public static var requiresFreeThreadedPython: Self {
        .enabled(if: Capabilities.freeThreadedPython != nil, "no free-threaded CPython under pyenv's versions (scripts/install-free-threaded-python.sh builds one)")
    }

    /// uprobes can be defined.
    public static var requiresUprobes: Self {
        .enabled(if: Capabilities.uprobesUsable, "uprobes need root and tracefs' uprobe_events")
    }

    /// nm (binutils) is installed.
    public static var requiresNm: Self {
        .enabled(if: Capabilities.nm != nil, "nm (binutils) is not installed")
    }

    /// A C compiler is installed.
    public static var requiresCCompiler: Self {
        .enabled(if: Capabilities.cCompiler != nil, "no C compiler (cc) on PATH")
    }

    /// The system's libffi loads.
    public static var requiresLibffi: Self {
        .enabled(if: Capabilities.libffiLoads, "libffi cannot be loaded on this machine")
    }
}

extension Trait where Self == ConditionTrait {
    /// pyenv has CPython `version` installed, and uprobes can be defined (root, tracefs).
    public static func requiresPyenvPythonAndUprobes(_ version: String) -> Self {
        .enabled(
            if: Capabilities.pyenvPython(version) != nil && Capabilities.uprobesUsable,
            "needs ~/.pyenv/versions/\(version)/bin/python, root and tracefs' uprobe_events")
    }
}

extension Trait where Self == ConditionTrait {
    /// pyenv has CPython `version` installed (`~/.pyenv/versions/VERSION/bin/python`).
    public static func requiresPyenvPython(_ version: String) -> Self {
        .enabled(if: Capabilities.pyenvPython(version) != nil, "needs ~/.pyenv/versions/\(version)/bin/python")
    }
}
