/// One instruction: an opcode and its argument (a local, constant, global, jump target, ...).
public struct Instruction: Sendable, Hashable {
    public var opcode: Opcode
    public var argument: Int32

    public init(_ opcode: Opcode, _ argument: Int32 = 0) {
        self.opcode = opcode
        self.argument = argument
    }
}

/// A native function a program can call with CALL_NATIVE: a C extension function, in CPython's terms.
///
/// When `releasesGIL` is true the interpreter releases the GIL around the call, as an extension does
/// with `Py_BEGIN_ALLOW_THREADS` / `Py_END_ALLOW_THREADS`; the call then runs beside other threads.
///
/// With `foreign` set, the interpreter calls it as ctypes calls a foreign function instead of `body`
/// (``ForeignFunction``): the argument converted and the result boxed through the object heap,
/// `ffi_prep_cif` with the GIL held, `ffi_call` with it released.
public struct NativeFunction: Sendable {
    public var name: String
    public var releasesGIL: Bool
    public var body: @Sendable (Int) -> Int
    public var foreign: ForeignFunction?

    public init(name: String, releasesGIL: Bool, foreign: ForeignFunction? = nil, body: @escaping @Sendable (Int) -> Int) {
        self.name = name
        self.releasesGIL = releasesGIL
        self.foreign = foreign
        self.body = body
    }

    /// A C function of the shim taking a count (`gb_churn`, `gb_spin`), called with the GIL released;
    /// a negative argument counts as 0.
    public static func releasingGIL(_ name: String, _ function: @escaping @Sendable (UInt64) -> UInt64) -> NativeFunction {
        NativeFunction(name: name, releasesGIL: true) { n in Int(truncatingIfNeeded: function(UInt64(max(n, 0)))) }
    }
}

/// A compiled program: instructions plus the tables their arguments index.
///
/// Programs are checked when built (``init(name:instructions:constants:localNames:globalNames:natives:lockCount:queueCount:)``):
/// every argument is in range and the stack depth is the same on every path into an instruction,
/// so the interpreter runs without bounds checks on its stack.
public struct Program: Sendable {
    public let name: String
    public let instructions: [Instruction]
    public let constants: [Int]
    public let localNames: [String]
    public let globalNames: [String]
    public private(set) var natives: [NativeFunction]
    /// How many user-level locks (LOCK_ACQUIRE / LOCK_RELEASE arguments) the program uses.
    public let lockCount: Int
    /// How many message queues (QUEUE_PUT / QUEUE_GET arguments) the program uses.
    public let queueCount: Int
    /// The deepest the value stack gets.
    public let maxStackDepth: Int

    public init(
        name: String,
        instructions: [Instruction],
        constants: [Int] = [],
        localNames: [String] = [],
        globalNames: [String] = [],
        natives: [NativeFunction] = [],
        lockCount: Int = 0,
        queueCount: Int = 0
    ) throws(ProgramError) {
        self.queueCount = queueCount
        self.name = name
        self.instructions = instructions
        self.constants = constants
        self.localNames = localNames
        self.globalNames = globalNames
        self.natives = natives
        self.lockCount = lockCount
        self.maxStackDepth = try Program.verify(
            instructions, constants: constants.count, locals: localNames.count, globals: globalNames.count,
            natives: natives.count, locks: lockCount, queues: queueCount)
    }

    /// The same program with `natives` in its native-function slots. Nothing to verify again: the
    /// instructions and the number of slots are unchanged (a different count is a programmer error).
    public func binding(_ natives: [NativeFunction]) -> Program {
        precondition(natives.count == self.natives.count, "binding \(natives.count) natives to \(self.natives.count) slots")
        var bound = self
        bound.natives = natives
        return bound
    }

    /// Checks every argument and computes the maximum stack depth by walking all paths.
    private static func verify(
        _ code: [Instruction], constants: Int, locals: Int, globals: Int, natives: Int, locks: Int, queues: Int
    ) throws(ProgramError) -> Int {
        guard !code.isEmpty else { throw ProgramError(line: nil, message: "the program has no instructions") }
        var depthAt = [Int?](repeating: nil, count: code.count)
        var work: [(pc: Int, depth: Int)] = [(0, 0)]
        var maxDepth = 0
        func index(_ pc: Int, _ limit: Int, _ what: String) throws(ProgramError) {
            let arg = Int(code[pc].argument)
            guard arg >= 0 && arg < limit else {
                throw ProgramError(line: nil, message: "instruction \(pc) (\(code[pc].opcode)): \(what) \(arg) does not exist")
            }
        }
        while let (pc, depth) = work.popLast() {
            guard pc >= 0 && pc < code.count else {
                throw ProgramError(line: nil, message: "execution runs off the end of the program (instruction \(pc))")
            }
            if let known = depthAt[pc] {
                guard known == depth else {
                    throw ProgramError(line: nil, message: "instruction \(pc) is reached with stack depths \(known) and \(depth)")
                }
                continue
            }
            depthAt[pc] = depth
            let ins = code[pc]
            var successors = [pc + 1]
            let pops: Int, pushes: Int
            // GEN_SEND's jump (the generator returned) leaves one value fewer than its fall-through.
            var jumpDepthAdjustment = 0
            switch ins.opcode {
            case .nop: (pops, pushes) = (0, 0)
            case .loadFast: try index(pc, locals, "local"); (pops, pushes) = (0, 1)
            case .storeFast: try index(pc, locals, "local"); (pops, pushes) = (1, 0)
            case .loadConst: try index(pc, constants, "constant"); (pops, pushes) = (0, 1)
            case .loadGlobal: try index(pc, globals, "global"); (pops, pushes) = (0, 1)
            case .storeGlobal: try index(pc, globals, "global"); (pops, pushes) = (1, 0)
            case .compareOp:
                try index(pc, ComparisonOperator.allCases.count, "comparison")
                (pops, pushes) = (2, 1)
            case .popJumpIfFalse, .popJumpIfTrue:
                try index(pc, code.count, "jump target")
                successors.append(Int(ins.argument))
                (pops, pushes) = (1, 0)
            case .jumpAbsolute:
                try index(pc, code.count, "jump target")
                successors = [Int(ins.argument)]
                (pops, pushes) = (0, 0)
            case .binaryAdd, .binarySubtract, .inplaceAdd, .inplaceSubtract: (pops, pushes) = (2, 1)
            case .popTop: (pops, pushes) = (1, 0)
            case .dupTop: (pops, pushes) = (1, 2)
            case .containsInRange: (pops, pushes) = (1, 1)
            case .callNative: try index(pc, natives, "native function"); (pops, pushes) = (1, 1)
            case .lockAcquire, .lockRelease: try index(pc, locks, "lock"); (pops, pushes) = (0, 0)
            case .returnValue:
                successors = []
                (pops, pushes) = (1, 0)
            case .yieldValue: (pops, pushes) = (1, 1)
            case .queuePut: try index(pc, queues, "queue"); (pops, pushes) = (1, 0)
            case .queueGet: try index(pc, queues, "queue"); (pops, pushes) = (0, 1)
            case .genSend:
                try index(pc, code.count, "jump target")
                successors.append(Int(ins.argument))
                (pops, pushes) = (2, 1)
                jumpDepthAdjustment = -1
            }
            guard depth >= pops else {
                throw ProgramError(line: nil, message: "instruction \(pc) (\(ins.opcode)) pops an empty stack")
            }
            let after = depth - pops + pushes
            maxDepth = max(maxDepth, depth - pops + pushes, depth)
            for (i, next) in successors.enumerated() { work.append((next, i == 0 ? after : after + jumpDepthAdjustment)) }
        }
        return maxDepth
    }
}

/// A program that cannot be built or parsed: what is wrong, and where in the text form when known.
public struct ProgramError: Error, CustomStringConvertible, Equatable {
    public var line: Int?
    public var message: String

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}
