/// The instruction set of gilbench's interpreter, in the spirit of CPython 2.7's bytecode.
///
/// Every instruction is dispatched by ``VirtualMachine``; whether its dispatch *ticks* (counts
/// toward the GIL's check interval) follows CPython 2.7's `Python/ceval.c`, see ``Opcode/ticks``.
public enum Opcode: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Does nothing.
    case nop
    /// Pushes local variable `arg`.
    case loadFast
    /// Pops into local variable `arg`.
    case storeFast
    /// Pushes constant `arg`.
    case loadConst
    /// Pushes global `arg` (shared by every thread of a run).
    case loadGlobal
    /// Pops into global `arg`.
    case storeGlobal
    /// Pops b, a; pushes `a OP b` as 1 or 0, where `arg` is a ``ComparisonOperator`` raw value.
    case compareOp
    /// Pops; jumps to `arg` when the value is 0.
    case popJumpIfFalse
    /// Pops; jumps to `arg` when the value is not 0.
    case popJumpIfTrue
    /// Jumps to `arg`.
    case jumpAbsolute
    /// Pops b, a; pushes a + b.
    case binaryAdd
    /// Pops b, a; pushes a - b.
    case binarySubtract
    /// Pops b, a; pushes a + b (the `x += b` form).
    case inplaceAdd
    /// Pops b, a; pushes a - b (the `x -= b` form).
    case inplaceSubtract
    /// Discards the top of the stack.
    case popTop
    /// Duplicates the top of the stack.
    case dupTop
    /// Pops n; pushes 1 if -1 is in range(n), which it never is, after scanning all n values:
    /// one instruction that runs for as long as n says (slide 90's long tick).
    case containsInRange
    /// Pops an argument; calls native function `arg` of the program's ``NativeFunction`` table with
    /// it and pushes the result. The native function says whether the GIL is released around it.
    case callNative
    /// Acquires user-level lock `arg` (threading.Lock), releasing the GIL while it blocks.
    case lockAcquire
    /// Releases user-level lock `arg`.
    case lockRelease
    /// Pops an item and puts it on message queue `arg` (`q.put(item)`, `MessageQueue`).
    case queuePut
    /// Takes the oldest item off message queue `arg`, waiting with the GIL released while it is
    /// empty (`q.get()`), and pushes it.
    case queueGet
    /// Pops the return value and ends the program.
    case returnValue
    /// Pops a value and suspends the frame, handing the value to whoever resumed it; when the frame
    /// is resumed, the value sent in is pushed (`x = (yield v)`). CPython 2.7's `Python/ceval.c`
    /// YIELD_VALUE: `retval = POP(); f->f_stacktop = stack_pointer; why = WHY_YIELD; goto fast_yield`.
    /// A program that contains it runs as a generator (see `GeneratorTable`).
    case yieldValue
    /// Pops a value v, then a generator handle g (an index into the run's `GeneratorTable`);
    /// resumes g with v (`g.send(v)`; `next(g)` sends 0, our None) and pushes the value g yields, or
    /// jumps to `arg` when g returns instead (StopIteration). CALL_FUNCTION of a generator's
    /// `send`/`next` in CPython 2.7: `Objects/genobject.c` `gen_send_ex`.
    case genSend

    /// Whether the *next* dispatch after this instruction passes the ticker, as in CPython 2.7.
    ///
    /// In CPython 2.7's `PyEval_EvalFrameEx` the loop top decrements `_Py_Ticker` and, when it
    /// drops below zero, releases and re-takes the GIL. An instruction that ends with `continue`
    /// returns to that loop top (it *ticks*); one that ends with `goto fast_next_opcode` skips it.
    /// We follow 2.7 here:
    /// - no tick: LOAD_FAST, LOAD_CONST, STORE_FAST, POP_TOP, DUP_TOP, NOP, POP_JUMP_IF_FALSE,
    ///   POP_JUMP_IF_TRUE (all `goto fast_next_opcode` on their normal path);
    /// - tick: COMPARE_OP (`continue`, except when its PREDICT jumps straight into the
    ///   POP_JUMP_IF_FALSE/TRUE that follows: that case is handled by the interpreter),
    ///   binary and in-place arithmetic, LOAD_GLOBAL, STORE_GLOBAL, JUMP_ABSOLUTE (`continue`
    ///   because FAST_LOOPS is 0 in a default build), calls, and everything else.
    /// - YIELD_VALUE leaves the frame (`goto fast_yield`) without passing the ticker; the tick comes
    ///   when the frame is resumed: `gen_send_ex` calls `PyEval_EvalFrameEx`, whose first step is
    ///   the loop top and its ticker test. GEN_SEND (a CALL_FUNCTION) ticks after it returns.
    /// So the countdown `while n > 0: n -= 1` ticks three times per iteration (COMPARE_OP,
    /// INPLACE_SUBTRACT and JUMP_ABSOLUTE) in eight instructions, and a check interval of 100 ticks
    /// is about 33 iterations: CPython 2.7 built with computed gotos, as pyenv's 2.7.18, defines
    /// PREDICT as `if (0)`, so COMPARE_OP ticks too (the interpreter's `compareOp` case says how it
    /// was measured; without computed gotos, as CPython 2.6 on the slides, it ticked twice).
    /// These are the check points of ``CheckPoints/ticker27`` (and ``CheckPoints/loopTop32``); later
    /// CPythons check at fewer places.
    public var ticks: Bool {
        switch self {
        case .loadFast, .loadConst, .storeFast, .popTop, .dupTop, .nop, .popJumpIfFalse, .popJumpIfTrue, .yieldValue:
            return false
        default:
            return true
        }
    }

    /// CPython's spelling, used by the text form and in listings.
    public var description: String {
        switch self {
        case .nop: "NOP"
        case .loadFast: "LOAD_FAST"
        case .storeFast: "STORE_FAST"
        case .loadConst: "LOAD_CONST"
        case .loadGlobal: "LOAD_GLOBAL"
        case .storeGlobal: "STORE_GLOBAL"
        case .compareOp: "COMPARE_OP"
        case .popJumpIfFalse: "POP_JUMP_IF_FALSE"
        case .popJumpIfTrue: "POP_JUMP_IF_TRUE"
        case .jumpAbsolute: "JUMP_ABSOLUTE"
        case .binaryAdd: "BINARY_ADD"
        case .binarySubtract: "BINARY_SUBTRACT"
        case .inplaceAdd: "INPLACE_ADD"
        case .inplaceSubtract: "INPLACE_SUBTRACT"
        case .popTop: "POP_TOP"
        case .dupTop: "DUP_TOP"
        case .containsInRange: "CONTAINS_IN_RANGE"
        case .callNative: "CALL_NATIVE"
        case .lockAcquire: "LOCK_ACQUIRE"
        case .lockRelease: "LOCK_RELEASE"
        case .returnValue: "RETURN_VALUE"
        case .queuePut: "QUEUE_PUT"
        case .queueGet: "QUEUE_GET"
        case .yieldValue: "YIELD_VALUE"
        case .genSend: "GEN_SEND"
        }
    }

    /// Whether the instruction takes an argument in the text form.
    public var hasArgument: Bool {
        switch self {
        case .nop, .binaryAdd, .binarySubtract, .inplaceAdd, .inplaceSubtract, .popTop, .dupTop,
             .containsInRange, .returnValue, .yieldValue:
            return false
        default:
            return true
        }
    }

    /// Looks an opcode up by its CPython spelling (`"LOAD_FAST"`).
    public init?(name: String) {
        guard let match = Opcode.allCases.first(where: { $0.description == name.uppercased() }) else { return nil }
        self = match
    }
}

/// COMPARE_OP's argument, numbered as CPython's `cmp_op` table.
public enum ComparisonOperator: Int, Sendable, CaseIterable {
    case less = 0, lessOrEqual, equal, notEqual, greater, greaterOrEqual

    public var symbol: String {
        switch self {
        case .less: "<"
        case .lessOrEqual: "<="
        case .equal: "=="
        case .notEqual: "!="
        case .greater: ">"
        case .greaterOrEqual: ">="
        }
    }

    @inline(__always)
    func evaluate(_ a: Int, _ b: Int) -> Bool {
        switch self {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .equal: a == b
        case .notEqual: a != b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }
}
