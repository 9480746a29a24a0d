/// The interpreted part of `Queue.put` and `Queue.get`: how many bytecodes CPython runs in them, by
/// check-point class, per era, and the stand-in programs the interpreter runs for them.
///
/// CPython's queue is Python code around C locks: 2.7's `Lib/Queue.py` `Queue.put`/`get` call
/// `_put`/`_get`/`_qsize` and `threading.Condition`'s `notify`, `wait`, `_is_owned` and `_note`
/// (`Lib/threading.py`, all Python); 3.x's `Lib/queue.py` enters and leaves the condition with
/// `with` (`Condition.__enter__`/`__exit__`, Python, around the C `_thread.lock`) and calls the same
/// helpers but `_note`. `MessageQueue` does the C steps (the locks, the deque); the bytecodes
/// around them run here as interpreted instructions, so that a message costs the instructions and
/// the check points CPython spends on it.
///
/// The counts were taken on CPython 2.7.18 and 3.13.0 with `scripts/queue-bytecodes.py` (3.13:
/// every instruction with `sys.monitoring`; 2.7: every instruction of each traced line, from `dis`),
/// net of the caller's own instructions, on an unbounded queue (`maxsize=0`) and the four paths a
/// message takes: a put that finds no waiter, a put whose `notify` wakes one (the loop over the
/// waiters, `waiter.release()`, `__waiters.remove(waiter)`), a get that finds an item, and a get that
/// waits once (`wait()`: `_is_owned`, `_allocate_lock`, `_release_save`, `_acquire_restore`, and
/// `_qsize` again). Classes, as ``CheckPoints`` places checks:
/// - *fast*: never a check point (LOAD_FAST, LOAD_CONST, STORE_FAST, POP_TOP, DUP_TOP, ROT_TWO,
///   SWAP, COPY, PUSH_NULL, TO_BOOL, the conditional and forward jumps, RETURN_VALUE, BEFORE_WITH);
/// - *attribute-class*: a check point on 2.x (the ticker) and 3.2-3.9 (the loop top), not on 3.10+
///   (LOAD_ATTR, STORE_ATTR, LOAD_GLOBAL, COMPARE_OP, INPLACE_ADD/BINARY_OP, SLICE, SETUP_*,
///   POP_BLOCK, END_FINALLY, FOR_ITER, GET_ITER, JUMP_ABSOLUTE);
/// - *calls*: a check point everywhere (CALL_FUNCTION, CALL, CALL_FUNCTION_EX).
///
/// Departures: the 3.x counts (3.13.0's) stand for every 3.x; the Python frames these methods make
/// (5 to 12 per path: `put`, `_put`, `notify`, `_is_owned`, ...) are not made: one stand-in frame
/// runs per path, so a frame's set-up and tear-down is not costed; and the interpreted instructions
/// run after the C steps of the method rather than between them.
public struct QueueMethodCosts: Sendable, Equatable {
    /// Bytecodes of one path, by class.
    public struct Path: Sendable, Equatable {
        public var fast: Int
        public var attributeClass: Int
        public var calls: Int
        /// The Python frames CPython makes on the path (not made here; see the departures).
        public var frames: Int

        public var instructions: Int { fast + attributeClass + calls }

        /// The path's check points under `checkPoints`: calls everywhere, attribute-class
        /// instructions on ``CheckPoints/ticker27`` and ``CheckPoints/loopTop32``.
        public func checks(_ checkPoints: CheckPoints) -> Int {
            switch checkPoints {
            case .ticker27, .loopTop32: calls + attributeClass
            case .jumpsAndCalls310, .backwardJumpsAndCalls311: calls
            }
        }

        /// What this path has more than `other`.
        func subtracting(_ other: Path) -> Path {
            Path(fast: fast - other.fast, attributeClass: attributeClass - other.attributeClass,
                 calls: calls - other.calls, frames: frames - other.frames)
        }
    }

    /// `put(item)` when `not_empty` has no waiter.
    public var put: Path
    /// `put(item)` whose `notify()` wakes a waiter.
    public var putWakingWaiter: Path
    /// `get()` when the queue has an item.
    public var get: Path
    /// `get()` that waits once (`not_empty.wait()`, then `_qsize()` again).
    public var getWaitingOnce: Path
    /// What each further wait of the same `get()` adds.
    public var waitAgain: Path { getWaitingOnce.subtracting(get) }

    /// CPython 2.7.18, `Lib/Queue.py` on `Lib/threading.py`'s `Condition` (measured: put 78
    /// bytecodes, 106 waking a waiter; get 77, 165 waiting once).
    public static let python2 = QueueMethodCosts(
        put: Path(fast: 45, attributeClass: 25, calls: 8, frames: 5),
        putWakingWaiter: Path(fast: 58, attributeClass: 38, calls: 10, frames: 5),
        get: Path(fast: 44, attributeClass: 23, calls: 10, frames: 6),
        getWaitingOnce: Path(fast: 91, attributeClass: 50, calls: 24, frames: 12))

    /// CPython 3.13.0, `Lib/queue.py` on `Lib/threading.py`'s `Condition` and the C `_thread.lock`
    /// (measured: put 76 bytecodes, 102 waking a waiter; get 77, 160 waiting once).
    public static let python3 = QueueMethodCosts(
        put: Path(fast: 48, attributeClass: 20, calls: 8, frames: 6),
        putWakingWaiter: Path(fast: 67, attributeClass: 25, calls: 10, frames: 6),
        get: Path(fast: 49, attributeClass: 18, calls: 10, frames: 7),
        getWaitingOnce: Path(fast: 99, attributeClass: 38, calls: 23, frames: 12))

    /// The era's queue: 2.x's `Queue.py` where the check points are 2.7's (its lock also releases
    /// the GIL on every acquire, ``CheckPoints/everyLockAcquireReleasesGIL``), 3.x's `queue.py` otherwise.
    public init(_ checkPoints: CheckPoints) {
        self = checkPoints.everyLockAcquireReleasesGIL ? .python2 : .python3
    }

    init(put: Path, putWakingWaiter: Path, get: Path, getWaitingOnce: Path) {
        self.put = put
        self.putWakingWaiter = putWakingWaiter
        self.get = get
        self.getWaitingOnce = getWaitingOnce
    }

    /// The stand-in program of `path`: its instructions in the same classes and numbers, stack-balanced.
    ///
    ///     LOAD_CONST 0                  (fast)
    ///     CALL_NATIVE call              (a call, per call)
    ///     LOAD_CONST 0; BINARY_ADD      (fast + attribute-class, per attribute-class instruction)
    ///     DUP_TOP; POP_TOP              (two fast, as many as are left)
    ///     NOP                           (fast, when one is left over)
    ///     RETURN_VALUE                  (fast)
    ///
    /// BINARY_ADD is attribute-class (a check point on 2.x to 3.9 only), CALL_NATIVE a call (a check
    /// point everywhere), the others fast. Needs `fast >= attributeClass + 2`, which every path has.
    public static func standInSource(_ path: Path) -> String {
        precondition(path.fast >= path.attributeClass + 2, "a path has too few fast instructions for its stand-in")
        var lines = [".native call", "LOAD_CONST 0"]
        lines += Array(repeating: "CALL_NATIVE call", count: path.calls)
        for _ in 0..<path.attributeClass { lines += ["LOAD_CONST 0", "BINARY_ADD"] }
        let left = path.fast - path.attributeClass - 2
        for _ in 0..<(left / 2) { lines += ["DUP_TOP", "POP_TOP"] }
        if left % 2 == 1 { lines.append("NOP") }
        lines.append("RETURN_VALUE")
        return lines.joined(separator: "\n")
    }

    /// The same instructions as ``standInSource(_:)`` inline, in a program's own body: stack-neutral,
    /// the last POP_TOP in RETURN_VALUE's place. The program must declare `.native call`.
    public static func inlineStandInSource(_ path: Path) -> String {
        let lines = standInSource(path).split(separator: "\n").dropFirst().dropLast()
        return (lines + ["POP_TOP"]).joined(separator: "\n")
    }

    /// A C function call that does nothing but be called: the calls of a stand-in.
    public static let call = NativeFunction(name: "call", releasesGIL: false) { $0 }

    /// The stand-in program of `path`, assembled.
    public static func standIn(_ path: Path, name: String) -> Program {
        // The source is built by standInSource from counts of this file; a failure is a bug caught by the tests.
        try! Assembler.assemble(standInSource(path), name: name, natives: [call])
    }
}

/// The stand-in frames one interpreter thread runs for its queue operations (made once per thread
/// and reused, as CPython 2.7 reuses a code object's frame, `co_zombieframe`).
@usableFromInline
final class QueueMethodFrames {
    let put: Frame
    let putWakingWaiter: Frame
    let get: Frame
    let getWaitingOnce: Frame
    let waitAgain: Frame

    @usableFromInline
    init(_ costs: QueueMethodCosts, heap: inout ObjectHeap, checkPoints: CheckPoints) {
        func frame(_ path: QueueMethodCosts.Path, _ name: String) -> Frame {
            Frame(QueueMethodCosts.standIn(path, name: name), arguments: [], heap: &heap, checkPoints: checkPoints)
        }
        put = frame(costs.put, "Queue.put")
        putWakingWaiter = frame(costs.putWakingWaiter, "Queue.put")
        get = frame(costs.get, "Queue.get")
        getWaitingOnce = frame(costs.getWaitingOnce, "Queue.get")
        waitAgain = frame(costs.waitAgain, "Condition.wait")
    }

    func deallocate() {
        for frame in [put, putWakingWaiter, get, getWaitingOnce, waitAgain] { frame.deallocate() }
    }

    /// The stand-in frame of `path`.
    func frame(_ path: MessageQueue.Path) -> Frame {
        switch path {
        case .put: put
        case .putWakingWaiter: putWakingWaiter
        case .get: get
        case .getWaitingOnce: getWaitingOnce
        case .waitAgain: waitAgain
        }
    }
}

/// The interpreted part of multiprocessing's `Connection.send` and `Connection.recv` per era.
///
/// CPython 2.7 runs them in C (`Modules/_multiprocessing/connection.h` `connection_send_obj`,
/// `connection_recv_obj`: cPickle and the reads and writes, no bytecode). 3.x runs them in Python
/// (`Lib/multiprocessing/connection.py`: `send` checks the connection (`_check_closed`,
/// `_check_writable`), pickles with `ForkingPickler.dumps` into an `io.BytesIO`, then
/// `_send_bytes` packs the header and calls `_send`, once under 16 KiB and twice above; `recv`
/// checks, `_recv_bytes` calls `_recv` for the header and for the body, each a loop of `os.read`
/// into an `io.BytesIO`, then unpickles). Counted on CPython 3.13.0 with
/// `scripts/connection-bytecodes.py`: send 115 bytecodes at 64 B and 139 at 64 KiB, recv 139.
/// Departure: the 3.13 counts stand for every 3.x, and the Python frames (6 to 7) are not made.
public struct ConnectionCosts: Sendable, Equatable {
    public var sendSmall: QueueMethodCosts.Path
    public var sendLarge: QueueMethodCosts.Path
    public var receive: QueueMethodCosts.Path

    /// CPython 3.13.0's.
    public static let python3 = ConnectionCosts(
        sendSmall: .init(fast: 64, attributeClass: 34, calls: 17, frames: 7),
        sendLarge: .init(fast: 81, attributeClass: 38, calls: 20, frames: 8),
        receive: .init(fast: 87, attributeClass: 34, calls: 18, frames: 6))

    /// The era's: nil for CPython 2.x (C, no bytecode), ``python3`` otherwise.
    public static func of(_ checkPoints: CheckPoints) -> ConnectionCosts? {
        checkPoints.everyLockAcquireReleasesGIL ? nil : .python3
    }

    /// The send path for a message of `messageSize` bytes (`_send_bytes` writes the header apart above 16 KiB).
    public func send(messageSize: Int) -> QueueMethodCosts.Path {
        messageSize + 32 < 16 * 1024 ? sendSmall : sendLarge
    }
}
