import CGilBench

/// The interpreter: runs a ``Program`` on one thread under a GIL design.
///
/// The loop is a `switch` over the opcode, as CPython 2.7's `PyEval_EvalFrameEx`, with a value
/// stack and locals in plain memory. After each instruction that is a check point of the run's
/// ``CheckPoints`` (by default CPython 2.7's ticker: the instructions that *tick*, ``Opcode/ticks``)
/// it calls the GIL's ``GlobalInterpreterLock/tick(_:)``, which is where the Python 2 GIL releases
/// and re-takes the lock every check interval and the Python 3 GIL honours a drop request.
///
/// The loop (`execute`) is generic over the GIL design and compiled once, in this module: callers
/// in other modules reach the generic body, which calls the design's tick through its protocol
/// witness at every ticking instruction, where ceval.c tests `--_Py_Ticker < 0` inline. That call
/// is part of what an instruction costs here, and it keeps that cost near CPython 2.7's, which is
/// what the ratios need: the GIL's hand-offs weigh against the work done between two checks.
/// Specialising the loop for each design (`@_specialize`) was measured with `gilbench python
/// --only countdown --simulator`: the sequential countdown became about a quarter cheaper per
/// iteration than CPython 2.7's, and threads/sequential moved from within 10% of CPython 2.7's to
/// about a third above it. So the loop stays generic (DocC article *How the simulator works*).
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
    ///   - generators: the generators the program may resume with GEN_SEND, by index (their frames
    ///     are made here, on the same thread and object heap as the program's own).
    ///   - checkPoints: after which instructions the GIL is checked (default: CPython 2.7's ticker).
    @inlinable
    public static func run<G: GlobalInterpreterLock>(
        _ program: Program, arguments: [Int], gil: G, thread: inout InterpreterThread, shared: SharedState,
        generators: [InterpretedTask] = [], checkPoints: CheckPoints = .ticker27
    ) -> Int {
        var heap = ObjectHeap()
        let frame = Frame(program, arguments: arguments, heap: &heap, checkPoints: checkPoints)
        let table = GeneratorTable(generators.map {
            Frame($0.program, arguments: $0.arguments, heap: &heap, checkPoints: checkPoints)
        })
        if program.queueCount > 0 {
            table.queueMethods = QueueMethodFrames(QueueMethodCosts(checkPoints), heap: &heap, checkPoints: checkPoints)
        }
        table.everyLockAcquireReleasesGIL = checkPoints.everyLockAcquireReleasesGIL
        defer {
            table.destroy()
            frame.deallocate()
            heap.destroy()
        }
        switch execute(frame: frame, heap: &heap, gil: gil, thread: &thread, shared: shared, generators: table) {
        case .returned(let result), .yielded(let result):
            // A top-level YIELD_VALUE (nothing to yield to) ends the program as a return would.
            let value = result.pointee.value
            heap.decref(result)
            return value
        }
    }

    /// Runs `frame` from where it stopped until it returns or yields.
    @usableFromInline
    static func execute<G: GlobalInterpreterLock>(
        frame: Frame, heap: inout ObjectHeap, gil: G, thread: inout InterpreterThread, shared: SharedState,
        generators: GeneratorTable
    ) -> FrameExit {
        let code = UnsafeBufferPointer(frame.code)
        let constants = frame.constants, locals = frame.locals, stack = frame.stack
        let natives = frame.natives
        // One flag per instruction: whether it is a check point (for a conditional jump: when it
        // jumps). Read only after instructions that may be one, so the others cost nothing more.
        let checks = frame.checks
        var pc = frame.pc
        var sp = frame.sp
        var instructions: UInt64 = 0
        var ticks: UInt64 = 0
        defer {
            thread.instructions &+= instructions
            thread.ticks &+= ticks
            frame.pc = pc
            frame.sp = sp
        }
        @inline(__always) func push(_ v: ObjectRef) { stack[sp] = v; sp &+= 1 }
        @inline(__always) func pop() -> ObjectRef { sp &-= 1; return stack[sp] }
        @inline(__always) func tick() {
            ticks &+= 1
            gil.tick(&thread)
        }
        /// The check after the instruction at `index`, where the schedule places one.
        @inline(__always) func check(_ index: Int) {
            if checks[index] { tick() }
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
            let here = pc
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
                check(here)
            case .storeGlobal:
                let value = pop()
                shared.store(global: arg, value.pointee.value)
                heap.decref(value)
                check(here)
            case .compareOp:
                let b = pop(), a = pop()
                let op = ComparisonOperator(rawValue: arg).unsafelyUnwrapped
                let result = heap.bool(op.evaluate(a.pointee.value, b.pointee.value))
                heap.decref(a)
                heap.decref(b)
                push(result)
                // ceval.c: PREDICT(POP_JUMP_IF_FALSE); PREDICT(POP_JUMP_IF_TRUE); DISPATCH(). CPython
                // 2.7 built with computed gotos (USE_COMPUTED_GOTOS, on wherever the compiler has
                // them, as pyenv's 2.7.18 here) defines PREDICT as `if (0)`, so COMPARE_OP ends
                // in DISPATCH() and ticks. Uprobes on that build counted 59,561 lock calls for
                // 2 × count(1,000,000) at check interval 100: 2,000,000 × 3 ticks / 101. (Without
                // computed gotos, as CPython 2.6 on the slides, the jump was predicted and 2 ticked.)
                check(here)
            case .popJumpIfFalse:
                let w = pop()
                let jumps = w == heap.falseObject || (w != heap.trueObject && w.pointee.value == 0)
                heap.decref(w)
                if jumps {
                    pc = arg
                    check(here)
                }
            case .popJumpIfTrue:
                let w = pop()
                let jumps = w == heap.trueObject || (w != heap.falseObject && w.pointee.value != 0)
                heap.decref(w)
                if jumps {
                    pc = arg
                    check(here)
                }
            case .jumpAbsolute:
                pc = arg
                check(here)
            case .binaryAdd, .inplaceAdd:
                arithmetic(&+)
                check(here)
            case .binarySubtract, .inplaceSubtract:
                arithmetic(&-)
                check(here)
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
                check(here)
            case .callNative:
                let argument = pop()
                // Read alone, so that the call does not copy (and retain) the function's name and body.
                if let foreign = natives[arg].foreign {
                    push(callThroughCtypes(foreign, argument: argument, heap: &heap, gil: gil, thread: &thread))
                    check(here)
                    continue
                }
                let function = natives[arg]
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
                check(here)
            case .lockAcquire:
                acquire(shared.lock(arg), releasing: gil, thread: &thread)
                check(here)
            case .queuePut:
                let item = pop()
                // Counted before the method's own instructions, as the caller's CALL_FUNCTION is.
                thread.instructions &+= instructions
                thread.ticks &+= ticks
                instructions = 0
                ticks = 0
                queuePut(item.pointee.value, on: shared.queue(arg), heap: &heap, gil: gil, thread: &thread, shared: shared, generators: generators)
                heap.decref(item)
                check(here)
            case .queueGet:
                thread.instructions &+= instructions
                thread.ticks &+= ticks
                instructions = 0
                ticks = 0
                let item = queueGet(on: shared.queue(arg), heap: &heap, gil: gil, thread: &thread, shared: shared, generators: generators)
                push(heap.int(item))
                check(here)
            case .lockRelease:
                shared.lock(arg).post()
                check(here)
            case .returnValue:
                return .returned(pop())
            case .yieldValue:
                // ceval.c YIELD_VALUE: the frame keeps its stack, locals and position (f_stacktop,
                // f_lasti) for gen_send_ex to resume it; the value goes to the resumer.
                return .yielded(pop())
            case .genSend:
                let sent = pop(), handle = pop()
                let index = handle.pointee.value
                heap.decref(handle)
                // Counted before the generator runs its own instructions, as the resumer's CALL_FUNCTION is.
                thread.instructions &+= instructions
                thread.ticks &+= ticks
                instructions = 0
                ticks = 0
                if let yielded = resume(
                    generator: index, sending: sent, heap: &heap, gil: gil, thread: &thread, shared: shared,
                    generators: generators)
                {
                    push(yielded)
                } else {
                    pc = arg
                }
                check(here)
            }
        }
    }
}

extension VirtualMachine {
    /// threading.Lock.acquire(): try without blocking; if taken, release the GIL while blocking
    /// (Py_BEGIN_ALLOW_THREADS around PyThread_acquire_lock in `Modules/threadmodule.c`).
    static func acquire<G: GlobalInterpreterLock>(_ lock: Semaphore, releasing gil: G, thread: inout InterpreterThread) {
        if !lock.tryWait() {
            gil.releaseForBlocking(&thread)
            lock.wait()
            gil.acquireAfterBlocking(&thread)
        }
    }

    /// Takes `lock` for the message queue as the interpreter's version does: with `always` (CPython
    /// 2.x, ``CheckPoints/everyLockAcquireReleasesGIL``) the GIL is released around every acquire,
    /// `acquire(0)` included (`lock_PyThread_acquire_lock`); otherwise the lock is tried first and
    /// the GIL released only to wait (3.x `acquire_timed`). Returns whether the lock was taken.
    static func acquire<G: GlobalInterpreterLock>(
        _ lock: Semaphore, blocking: Bool, always: Bool, releasing gil: G, thread: inout InterpreterThread
    ) -> Bool {
        if always {
            gil.releaseForBlocking(&thread)
            let taken: Bool
            if blocking {
                lock.wait()
                taken = true
            } else {
                taken = lock.tryWait()
            }
            gil.acquireAfterBlocking(&thread)
            return taken
        }
        if lock.tryWait() { return true }
        guard blocking else { return false }
        gil.releaseForBlocking(&thread)
        lock.wait()
        gil.acquireAfterBlocking(&thread)
        return true
    }

    /// `q.put(item)`: the queue's steps (``MessageQueue/Step``), its locks taken as this version
    /// takes them and the bytecodes of Queue.put's path (``QueueMethodCosts``) run where the queue
    /// says, the mutex held. Out of `execute`'s loop, so that its closure captures none of the
    /// loop's own variables (captured, they cost every instruction a memory access).
    static func queuePut<G: GlobalInterpreterLock>(
        _ item: Int, on queue: MessageQueue, heap: inout ObjectHeap, gil: G, thread: inout InterpreterThread,
        shared: SharedState, generators: GeneratorTable
    ) {
        queue.put(item) { step in
            queueStep(step, heap: &heap, gil: gil, thread: &thread, shared: shared, generators: generators)
        }
    }

    /// `q.get()`, as ``queuePut(_:on:heap:gil:thread:shared:generators:)``; returns the item.
    static func queueGet<G: GlobalInterpreterLock>(
        on queue: MessageQueue, heap: inout ObjectHeap, gil: G, thread: inout InterpreterThread,
        shared: SharedState, generators: GeneratorTable
    ) -> Int {
        queue.get { step in
            queueStep(step, heap: &heap, gil: gil, thread: &thread, shared: shared, generators: generators)
        }.item
    }

    static func queueStep<G: GlobalInterpreterLock>(
        _ step: MessageQueue.Step, heap: inout ObjectHeap, gil: G, thread: inout InterpreterThread,
        shared: SharedState, generators: GeneratorTable
    ) -> Bool {
        switch step {
        case .acquire(let lock, let blocking):
            return acquire(lock, blocking: blocking, always: generators.everyLockAcquireReleasesGIL, releasing: gil, thread: &thread)
        case .interpret(let path):
            guard let methods = generators.queueMethods else { return true }
            runMethod(methods.frame(path), heap: &heap, gil: gil, thread: &thread, shared: shared, generators: generators)
            return true
        }
    }

    /// Runs a queue method's stand-in frame (``QueueMethodCosts``) from its start to its return.
    @usableFromInline
    static func runMethod<G: GlobalInterpreterLock>(
        _ frame: Frame, heap: inout ObjectHeap, gil: G, thread: inout InterpreterThread, shared: SharedState,
        generators: GeneratorTable
    ) {
        frame.pc = 0
        frame.sp = 0
        if case .returned(let value) = execute(frame: frame, heap: &heap, gil: gil, thread: &thread, shared: shared, generators: generators) {
            heap.decref(value)
        }
    }

    /// `Objects/genobject.c` `gen_send_ex` (CPython 2.7): resumes generator `index` with `sent` and
    /// returns what it yields, or nil when it returns (StopIteration) or has already finished.
    ///
    /// As in gen_send_ex, the sent value is pushed onto the generator's value stack unless the
    /// generator has not started (`f_lasti == -1`: CPython refuses any value but None there; ours
    /// drops it), and the frame then runs in `PyEval_EvalFrameEx`, whose loop top passes the ticker
    /// before the first instruction: one tick per resumption.
    @usableFromInline
    static func resume<G: GlobalInterpreterLock>(
        generator index: Int, sending sent: ObjectRef, heap: inout ObjectHeap, gil: G, thread: inout InterpreterThread,
        shared: SharedState, generators: GeneratorTable
    ) -> ObjectRef? {
        guard let frame = generators.frame(index) else {
            heap.decref(sent)
            return nil
        }
        precondition(!frame.running, "generator already executing")
        if frame.started {
            frame.stack[frame.sp] = sent
            frame.sp &+= 1
        } else {
            heap.decref(sent)
            frame.started = true
        }
        thread.ticks &+= 1
        gil.tick(&thread)
        frame.running = true
        let exit = execute(frame: frame, heap: &heap, gil: gil, thread: &thread, shared: shared, generators: generators)
        frame.running = false
        switch exit {
        case .yielded(let value):
            return value
        case .returned(let value):
            // gen_send_ex: a generator that returned can't be rerun, so its frame is released.
            heap.decref(value)
            generators.finish(index, heap: &heap)
            return nil
        }
    }
}

/// How a frame's run ended: RETURN_VALUE or YIELD_VALUE, with the value (a new reference).
@usableFromInline
enum FrameExit {
    case returned(ObjectRef)
    case yielded(ObjectRef)
}

/// One activation of a program, CPython's `PyFrameObject`: its code, locals (`f_localsplus`),
/// value stack (`f_valuestack` up to `f_stacktop`) and position (`f_lasti`), kept between runs so
/// that a generator can be resumed where it yielded; and which of its instructions are check points
/// (``CheckPoints/marks(_:)``), worked out once when the frame is made.
@usableFromInline
final class Frame {
    @usableFromInline let code: UnsafeMutableBufferPointer<Instruction>
    /// One flag per instruction of `code`: whether the GIL is checked after it.
    @usableFromInline let checks: UnsafeMutablePointer<Bool>
    @usableFromInline let constants: UnsafeMutablePointer<ObjectRef>
    @usableFromInline let locals: UnsafeMutablePointer<ObjectRef>
    @usableFromInline let localCount: Int
    @usableFromInline let stack: UnsafeMutablePointer<ObjectRef>
    @usableFromInline let natives: [NativeFunction]
    /// The next instruction.
    @usableFromInline var pc = 0
    /// The stack depth.
    @usableFromInline var sp = 0
    /// Whether a generator frame has been resumed once (`f_lasti != -1`).
    @usableFromInline var started = false
    /// `gi_running`.
    @usableFromInline var running = false

    @usableFromInline
    init(_ program: Program, arguments: [Int], heap: inout ObjectHeap, checkPoints: CheckPoints) {
        code = .allocate(capacity: max(program.instructions.count, 1))
        _ = code.initialize(from: program.instructions)
        checks = .allocate(capacity: max(program.instructions.count, 1))
        checks.initialize(from: checkPoints.marks(program.instructions), count: program.instructions.count)
        localCount = max(program.localNames.count, 1)
        locals = .allocate(capacity: localCount)
        // Departure: CPython starts locals unbound (NULL); ours start as 0, so no program can read garbage.
        for i in 0..<localCount { locals[i] = heap.int(i < arguments.count ? arguments[i] : 0) }
        constants = .allocate(capacity: max(program.constants.count, 1))
        for (i, value) in program.constants.enumerated() { constants[i] = heap.int(value) }
        // One slot more than the program needs: the value a resumed generator is sent.
        stack = .allocate(capacity: program.maxStackDepth + 1)
        natives = program.natives
    }

    /// Frees the frame's memory (its objects belong to the heap, which frees them).
    @usableFromInline
    func deallocate() {
        code.deallocate()
        checks.deallocate()
        locals.deallocate()
        constants.deallocate()
        stack.deallocate()
    }

    /// `frame_dealloc`: drops the references the frame holds, then frees it.
    func release(heap: inout ObjectHeap) {
        for i in 0..<localCount { heap.decref(locals[i]) }
        for i in 0..<sp { heap.decref(stack[i]) }
        deallocate()
    }
}

/// The generators one interpreter thread can resume with GEN_SEND, by index: CPython's generator
/// objects (`PyGenObject`, whose `gi_frame` is released when the generator finishes).
///
/// Departure: a program refers to a generator by its index, an integer, where Python holds a
/// reference to the generator object. The table belongs to one thread, as generators do in CPython
/// (a generator is never resumed by two threads at once: `gi_running`).
@usableFromInline
final class GeneratorTable {
    private var frames: [Frame?]
    /// The stand-in frames of the thread's queue operations, when its program uses a queue.
    @usableFromInline var queueMethods: QueueMethodFrames?
    /// Whether the thread's interpreter releases the GIL around every lock acquire (CPython 2.x).
    @usableFromInline var everyLockAcquireReleasesGIL = false

    @usableFromInline
    init(_ frames: [Frame]) { self.frames = frames }

    @usableFromInline
    func frame(_ index: Int) -> Frame? { frames.indices.contains(index) ? frames[index] : nil }

    /// Releases generator `index`'s frame; resuming it again raises StopIteration.
    func finish(_ index: Int, heap: inout ObjectHeap) {
        frames[index]?.release(heap: &heap)
        frames[index] = nil
    }

    /// How many generators have not finished.
    var alive: Int { frames.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Frees every frame still held (the heap, freed after, owns their objects).
    @usableFromInline
    func destroy() {
        for frame in frames { frame?.deallocate() }
        frames = []
        queueMethods?.deallocate()
        queueMethods = nil
    }
}
