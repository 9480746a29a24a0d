/// Where the interpreter loop lets the GIL change hands: after which instructions it calls the GIL's
/// ``GlobalInterpreterLock/tick(_:)`` (CPython 2's ticker, CPython 3's `eval_breaker` test).
///
/// Each case is one era of CPython's eval loop, read from that era's `Python/ceval.c` (3.12 and
/// later: `Python/bytecodes.c`, from which `Python/generated_cases.c.h` is generated). A waiter gets
/// the GIL only at these points, so they decide what a thread switch can split: under
/// ``ticker27`` and ``loopTop32`` every LOAD_GLOBAL, BINARY_ADD and STORE_GLOBAL is a point, and
/// slide 43's `x = x + 1` can lose an update; under ``jumpsAndCalls310`` and
/// ``backwardJumpsAndCalls311`` none of them is, and it cannot.
///
/// Every schedule also checks once when a generator frame is resumed (GEN_SEND): 2.7 to 3.10 pass
/// the loop top on entering the frame, 3.11 and later run `RESUME` with oparg 1 (after `yield`),
/// which checks (`oparg < 2`). Frames our programs start with never check there (a program is the
/// thread's top-level function, entered once).
///
/// The interpreter reads the schedule once per frame (``marks(_:)``) into one flag per instruction,
/// so the loop tests a precomputed flag where it used to tick unconditionally, and nothing at
/// instructions that are never a check point.
public enum CheckPoints: String, Sendable, CaseIterable, Codable {
    /// CPython 2.7 (and every CPython before 3.2, whose GIL is released by the ticker): at the top of
    /// `PyEval_EvalFrameEx`'s loop, `if (--_Py_Ticker < 0)`, passed by every instruction that ends in
    /// `continue` and skipped by those that end in `goto fast_next_opcode`; ``Opcode/ticks`` lists
    /// them. The `ticks` design counts these points toward its check interval.
    /// Departure: CPython 2.6 and earlier had no computed gotos, so COMPARE_OP's PREDICT jumped past
    /// the ticker into the POP_JUMP_IF_FALSE/TRUE that follows (see `VirtualMachine`); 2.7 is modelled.
    case ticker27 = "ticker-2.7"

    /// CPython 3.2 to 3.9: the same points, now a test of the `eval_breaker` flag
    /// (`if (_Py_atomic_load_relaxed(&eval_breaker))` at the top of the loop, 3.6+ in
    /// `_PyEval_EvalFrameDefault`) that `SET_GIL_DROP_REQUEST` sets. Instructions that end in
    /// `FAST_DISPATCH()` (or `goto fast_next_opcode`) skip it: LOAD_FAST, LOAD_CONST, STORE_FAST,
    /// POP_TOP, DUP_TOP, NOP, POP_JUMP_IF_FALSE/TRUE on a bool; with computed gotos `DISPATCH()` is
    /// `if (!eval_breaker) FAST_DISPATCH(); continue;`, so every other instruction (LOAD_GLOBAL,
    /// STORE_GLOBAL, BINARY_ADD, COMPARE_OP, JUMP_ABSOLUTE: `FAST_LOOPS` is 0) passes it.
    case loopTop32 = "loop-top-3.2"

    /// CPython 3.10: `DISPATCH()` goes straight to the next instruction, and only
    /// `CHECK_EVAL_BREAKER()` (`if (_Py_atomic_load_relaxed(eval_breaker)) { continue; }`) returns to
    /// the loop top, which tests `eval_breaker`. It follows JUMP_ABSOLUTE (whatever its direction),
    /// POP_JUMP_IF_FALSE/TRUE when they jump (whatever the direction: 3.10 compiles `while` with a
    /// conditional jump back to the body), and the calls (CALL_FUNCTION, CALL_METHOD, ...: our
    /// CALL_NATIVE, GEN_SEND, QUEUE_PUT, QUEUE_GET, and LOCK_RELEASE, the `__exit__` call that ends
    /// `with lock:`). Not LOCK_ACQUIRE: `with lock:` enters with SETUP_WITH, which does not check;
    /// not LOAD_GLOBAL, STORE_GLOBAL, BINARY_ADD, COMPARE_OP, CONTAINS_OP (CONTAINS_IN_RANGE).
    case jumpsAndCalls310 = "jumps-and-calls-3.10"

    /// CPython 3.11 to 3.13: `CHECK_EVAL_BREAKER()` (3.11: `goto handle_eval_breaker`; 3.12: the same
    /// in `bytecodes.c`; 3.13: `_Py_HandlePending` on the thread's own `tstate->eval_breaker`) only
    /// on backward jumps and calls: JUMP_BACKWARD (3.11, 3.12 after jumping; 3.13 before), 3.11's
    /// POP_JUMP_BACKWARD_IF_FALSE/TRUE when they jump (3.12 and 3.13 compile a backward conditional
    /// jump as a forward one over JUMP_BACKWARD, which checks when it is taken), and CALL after a
    /// call that is not inlined (our calls, as in ``jumpsAndCalls310``). Forward jumps
    /// (JUMP_FORWARD, POP_JUMP_FORWARD_IF_*, 3.12's POP_JUMP_IF_*) do not check, so JUMP_ABSOLUTE
    /// and POP_JUMP_IF_FALSE/TRUE are check points here only when their target is not after them.
    /// Departure: `len()`, `isinstance()` and `list.append` calls specialise (3.12:
    /// CALL_NO_KW_LEN, CALL_NO_KW_ISINSTANCE, CALL_NO_KW_LIST_APPEND) into instructions that do not
    /// check; our CALL_NATIVE always does, as the generic CALL and CALL_NO_KW_BUILTIN_O/FAST do (the
    /// coroutine scheduler's `len(tasks)` is one check more per round than CPython's).
    case backwardJumpsAndCalls311 = "backward-jumps-and-calls-3.11"

    /// Whether `lock.acquire()` releases the GIL even when the lock is free, which is true of the
    /// CPythons of ``ticker27`` (2.x, 3.0, 3.1): 2.7's `Modules/threadmodule.c`
    /// `lock_PyThread_acquire_lock` wraps every `PyThread_acquire_lock` in
    /// `Py_BEGIN_ALLOW_THREADS`/`Py_END_ALLOW_THREADS`, `acquire(0)` included. 3.2's `acquire_timed`
    /// (`Modules/_threadmodule.c`) first tries the lock without blocking and releases the GIL only
    /// when it must wait. The message queue's locks follow this (``QueueMethodCosts``); LOCK_ACQUIRE
    /// (`race-locked`'s `with lock:`) does not yet: it tries first in every era, a departure on 2.x.
    public var everyLockAcquireReleasesGIL: Bool { self == .ticker27 }

    /// The check points of CPython `major.minor`: 2.x, 3.0 and 3.1 ``ticker27``; 3.2 to 3.9
    /// ``loopTop32``; 3.10 ``jumpsAndCalls310``; 3.11 and later ``backwardJumpsAndCalls311`` (read
    /// up to 3.13; later versions are taken to keep 3.13's).
    public init(major: Int, minor: Int) {
        switch (major, minor) {
        case (..<3, _), (3, ..<2): self = .ticker27
        case (3, ..<10): self = .loopTop32
        case (3, 10): self = .jumpsAndCalls310
        default: self = .backwardJumpsAndCalls311
        }
    }

    /// The check points of a CPython version written `3.13`, `3.13.0` or `2.7.18`; nil when the
    /// text does not start with two numbers separated by a dot.
    public init?(pythonVersion: String) {
        let parts = pythonVersion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1].prefix(while: \.isNumber)),
              major >= 0
        else {
            return nil
        }
        self.init(major: major, minor: minor)
    }

    /// A schedule by its name (`loop-top-3.2`) or by a CPython version (`3.13`); nil for neither.
    public init?(parsing text: String) {
        if let named = CheckPoints(rawValue: text) {
            self = named
        } else if let version = CheckPoints(pythonVersion: text) {
            self = version
        } else {
            return nil
        }
    }

    /// The CPython versions the schedule is read from, for tables and help.
    public var versions: String {
        switch self {
        case .ticker27: "CPython 2.7"
        case .loopTop32: "CPython 3.2-3.9"
        case .jumpsAndCalls310: "CPython 3.10"
        case .backwardJumpsAndCalls311: "CPython 3.11-3.13"
        }
    }

    /// Whether the interpreter checks after `instruction`, the instruction at `index` of its
    /// program; for POP_JUMP_IF_FALSE/TRUE, whether it checks when it jumps (never when it falls
    /// through, in any schedule).
    public func checks(_ instruction: Instruction, at index: Int) -> Bool {
        switch self {
        case .ticker27, .loopTop32:
            return instruction.opcode.ticks
        case .jumpsAndCalls310, .backwardJumpsAndCalls311:
            switch instruction.opcode {
            case .jumpAbsolute, .popJumpIfFalse, .popJumpIfTrue:
                return self == .jumpsAndCalls310 || Int(instruction.argument) <= index
            case .callNative, .genSend, .queuePut, .queueGet, .lockRelease:
                return true
            default:
                return false
            }
        }
    }

    /// One flag per instruction of `instructions`: ``checks(_:at:)``. O(n).
    public func marks(_ instructions: [Instruction]) -> [Bool] {
        instructions.indices.map { checks(instructions[$0], at: $0) }
    }
}

extension GILDesign {
    /// The check points a run of this design uses unless told otherwise: those of the CPython that
    /// introduced it. `ticks` (2.x), `fair` (a check interval in ticks, as 2.x) and `none` follow the
    /// 2.7 ticker; `interval` (3.2's new GIL) and `priority` (Beazley's 2010 proposal on it), 3.2's
    /// loop top. `none` counts ticks as every file written before this setting did.
    public var checkPoints: CheckPoints {
        switch self {
        case .ticks, .fair, .none: .ticker27
        case .interval, .priority: .loopTop32
        }
    }
}
