import CGilBench

/// The interpreter: runs a ``Program`` on one thread under a GIL design.
///
/// The loop is a `switch` over the opcode, as CPython 2.7's `PyEval_EvalFrameEx`, with a value
/// stack and locals in plain memory. After each instruction that *ticks* (``Opcode/ticks``) it calls
/// the GIL's ``GlobalInterpreterLock/tick(_:)``, which is where the Python 2 GIL releases and re-takes
/// the lock every check interval. It is generic over the GIL design so that each design's tick is
/// inlined here, as the ticker test is inlined in ceval.c.
public enum VirtualMachine {
    /// Runs `program` to its RETURN_VALUE and returns the value.
    ///
    /// The calling thread must hold `gil` on entry and holds it again on return.
    /// - Parameters:
    ///   - program: the program.
    ///   - arguments: initial values of the first locals (`n` first).
    ///   - gil: the GIL design.
    ///   - thread: the thread's state; its ticks and instructions are added to.
    ///   - shared: the run's globals and user locks.
    @inlinable
    public static func run<G: GlobalInterpreterLock>(
        _ program: Program, arguments: [Int], gil: G, thread: inout InterpreterThread, shared: SharedState
    ) -> Int {
        let locals = UnsafeMutablePointer<Int>.allocate(capacity: max(program.localNames.count, 1))
        locals.initialize(repeating: 0, count: max(program.localNames.count, 1))
        for (i, value) in arguments.prefix(program.localNames.count).enumerated() { locals[i] = value }
        let stack = UnsafeMutablePointer<Int>.allocate(capacity: max(program.maxStackDepth, 1))
        defer {
            locals.deallocate()
            stack.deallocate()
        }
        return program.instructions.withUnsafeBufferPointer { code in
            program.constants.withUnsafeBufferPointer { constants in
                execute(
                    code: code, constants: constants, natives: program.natives, locals: locals, stack: stack,
                    gil: gil, thread: &thread, shared: shared)
            }
        }
    }

    @usableFromInline
    static func execute<G: GlobalInterpreterLock>(
        code: UnsafeBufferPointer<Instruction>, constants: UnsafeBufferPointer<Int>, natives: [NativeFunction],
        locals: UnsafeMutablePointer<Int>, stack: UnsafeMutablePointer<Int>,
        gil: G, thread: inout InterpreterThread, shared: SharedState
    ) -> Int {
        var pc = 0
        var sp = 0
        var instructions: UInt64 = 0
        var ticks: UInt64 = 0
        defer {
            thread.instructions &+= instructions
            thread.ticks &+= ticks
        }
        @inline(__always) func push(_ v: Int) { stack[sp] = v; sp &+= 1 }
        @inline(__always) func pop() -> Int { sp &-= 1; return stack[sp] }
        @inline(__always) func tick() {
            ticks &+= 1
            gil.tick(&thread)
        }

        while true {
            let instruction = code[pc]
            let arg = Int(instruction.argument)
            pc &+= 1
            instructions &+= 1
            switch instruction.opcode {
            case .nop:
                break
            case .loadFast:
                push(locals[arg])
            case .storeFast:
                locals[arg] = pop()
            case .loadConst:
                push(constants[arg])
            case .loadGlobal:
                push(shared.load(global: arg))
                tick()
            case .storeGlobal:
                shared.store(global: arg, pop())
                tick()
            case .compareOp:
                let b = pop(), a = pop()
                let op = ComparisonOperator(rawValue: arg).unsafelyUnwrapped
                push(op.evaluate(a, b) ? 1 : 0)
                // ceval.c: PREDICT(POP_JUMP_IF_FALSE); PREDICT(POP_JUMP_IF_TRUE); continue;
                // a predicted jump goes straight to the next opcode's label and skips the ticker.
                let next = code[pc].opcode
                if next != .popJumpIfFalse && next != .popJumpIfTrue { tick() }
            case .popJumpIfFalse:
                if pop() == 0 { pc = arg }
            case .popJumpIfTrue:
                if pop() != 0 { pc = arg }
            case .jumpAbsolute:
                pc = arg
                tick()
            case .binaryAdd, .inplaceAdd:
                let b = pop(), a = pop()
                push(a &+ b)
                tick()
            case .binarySubtract, .inplaceSubtract:
                let b = pop(), a = pop()
                push(a &- b)
                tick()
            case .popTop:
                sp &-= 1
            case .dupTop:
                push(stack[sp &- 1])
            case .containsInRange:
                // `-1 in range(n)`: one instruction that scans n values and finds nothing (slide 90).
                let n = pop()
                var found = 0
                var i = 0
                while i < n {
                    if i == -1 { found = 1 }
                    gb_keep(Int64(i))
                    i &+= 1
                }
                push(found)
                tick()
            case .callNative:
                let function = natives[arg]
                let argument = pop()
                if function.releasesGIL {
                    gil.releaseForBlocking(&thread)
                    push(function.body(argument))
                    gil.acquireAfterBlocking(&thread)
                } else {
                    push(function.body(argument))
                }
                tick()
            case .lockAcquire:
                // threading.Lock.acquire(): try without blocking; if taken, release the GIL while
                // blocking (Py_BEGIN_ALLOW_THREADS around PyThread_acquire_lock), as CPython does.
                let lock = shared.lock(arg)
                if !lock.tryAcquire() {
                    gil.releaseForBlocking(&thread)
                    lock.acquire()
                    gil.acquireAfterBlocking(&thread)
                }
                tick()
            case .lockRelease:
                shared.lock(arg).release()
                tick()
            case .returnValue:
                return pop()
            }
        }
    }
}
