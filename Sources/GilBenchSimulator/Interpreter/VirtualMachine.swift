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
        var heap = ObjectHeap()
        let localCount = max(program.localNames.count, 1)
        let locals = UnsafeMutablePointer<ObjectRef>.allocate(capacity: localCount)
        // Departure: CPython starts locals unbound (NULL); ours start as 0, so no program can read garbage.
        for i in 0..<localCount { locals[i] = heap.int(i < arguments.count ? arguments[i] : 0) }
        let constants = UnsafeMutablePointer<ObjectRef>.allocate(capacity: max(program.constants.count, 1))
        for (i, value) in program.constants.enumerated() { constants[i] = heap.int(value) }
        let stack = UnsafeMutablePointer<ObjectRef>.allocate(capacity: max(program.maxStackDepth, 1))
        defer {
            heap.destroy()
            locals.deallocate()
            constants.deallocate()
            stack.deallocate()
        }
        return program.instructions.withUnsafeBufferPointer { code in
            execute(
                code: code, constants: constants, natives: program.natives, locals: locals, stack: stack,
                heap: &heap, gil: gil, thread: &thread, shared: shared)
        }
    }

    @usableFromInline
    static func execute<G: GlobalInterpreterLock>(
        code: UnsafeBufferPointer<Instruction>, constants: UnsafeMutablePointer<ObjectRef>, natives: [NativeFunction],
        locals: UnsafeMutablePointer<ObjectRef>, stack: UnsafeMutablePointer<ObjectRef>, heap: inout ObjectHeap,
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
        @inline(__always) func push(_ v: ObjectRef) { stack[sp] = v; sp &+= 1 }
        @inline(__always) func pop() -> ObjectRef { sp &-= 1; return stack[sp] }
        @inline(__always) func tick() {
            ticks &+= 1
            gil.tick(&thread)
        }
        /// Pops b then a, pushes a fresh int `combine(a, b)`, releasing both operands (the int fast
        /// path of BINARY_ADD / INPLACE_SUBTRACT in ceval.c, minus the overflow-to-long slow path:
        /// ours wraps).
        @inline(__always) func arithmetic(_ combine: (Int, Int) -> Int) {
            let b = pop(), a = pop()
            let result = heap.int(combine(a.pointee.value, b.pointee.value))
            heap.decref(a)
            heap.decref(b)
            push(result)
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
                let value = locals[arg]
                heap.incref(value)
                push(value)
            case .storeFast:
                let old = locals[arg]
                locals[arg] = pop()
                heap.decref(old)
            case .loadConst:
                let value = constants[arg]
                heap.incref(value)
                push(value)
            case .loadGlobal:
                push(heap.int(shared.load(global: arg)))
                tick()
            case .storeGlobal:
                let value = pop()
                shared.store(global: arg, value.pointee.value)
                heap.decref(value)
                tick()
            case .compareOp:
                let b = pop(), a = pop()
                let op = ComparisonOperator(rawValue: arg).unsafelyUnwrapped
                let result = heap.bool(op.evaluate(a.pointee.value, b.pointee.value))
                heap.decref(a)
                heap.decref(b)
                push(result)
                // ceval.c: PREDICT(POP_JUMP_IF_FALSE); PREDICT(POP_JUMP_IF_TRUE); continue;
                // a predicted jump goes straight to the next opcode's label and skips the ticker.
                let next = code[pc].opcode
                if next != .popJumpIfFalse && next != .popJumpIfTrue { tick() }
            case .popJumpIfFalse:
                let w = pop()
                if w == heap.falseObject || (w != heap.trueObject && w.pointee.value == 0) { pc = arg }
                heap.decref(w)
            case .popJumpIfTrue:
                let w = pop()
                if w == heap.trueObject || (w != heap.falseObject && w.pointee.value != 0) { pc = arg }
                heap.decref(w)
            case .jumpAbsolute:
                pc = arg
                tick()
            case .binaryAdd, .inplaceAdd:
                arithmetic(&+)
                tick()
            case .binarySubtract, .inplaceSubtract:
                arithmetic(&-)
                tick()
            case .popTop:
                heap.decref(pop())
            case .dupTop:
                let top = stack[sp &- 1]
                heap.incref(top)
                push(top)
            case .containsInRange:
                // `-1 in range(n)`: one instruction that scans n values and finds nothing (slide 90).
                let range = pop()
                let n = range.pointee.value
                var found = false
                var i = 0
                while i < n {
                    if i == -1 { found = true }
                    gb_keep(Int64(i))
                    i &+= 1
                }
                heap.decref(range)
                push(heap.bool(found))
                tick()
            case .callNative:
                let function = natives[arg]
                let argument = pop()
                let value = argument.pointee.value
                heap.decref(argument)
                let result: Int
                if function.releasesGIL {
                    gil.releaseForBlocking(&thread)
                    result = function.body(value)
                    gil.acquireAfterBlocking(&thread)
                } else {
                    result = function.body(value)
                }
                push(heap.int(result))
                tick()
            case .lockAcquire:
                // threading.Lock.acquire(): try without blocking; if taken, release the GIL while
                // blocking (Py_BEGIN_ALLOW_THREADS around PyThread_acquire_lock), as CPython does.
                let lock = shared.lock(arg)
                if !lock.tryWait() {
                    gil.releaseForBlocking(&thread)
                    lock.wait()
                    gil.acquireAfterBlocking(&thread)
                }
                tick()
            case .lockRelease:
                shared.lock(arg).post()
                tick()
            case .returnValue:
                let result = pop()
                let value = result.pointee.value
                heap.decref(result)
                return value
            }
        }
    }
}
