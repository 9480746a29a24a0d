/// The round-robin scheduler's task queue, slide 160's `tasks = deque([...])`, holding generator
/// indices (see `GeneratorTable`): ``Programs/roundRobinScheduler(_:)`` reaches it through the
/// native calls `len`, `popleft` and `append` (`Modules/_collectionsmodule.c` `deque_len`,
/// `deque_popleft`, `deque_append`, all run with the GIL held).
public final class TaskQueue: @unchecked Sendable {
    // @unchecked Sendable: a queue belongs to the one interpreter thread of a coroutines run, which
    // alone calls its natives; it is never touched by two threads.
    private var items: [Int]
    private var head = 0

    /// A queue holding generators 0..<count, in order.
    public init(count: Int) { items = Array(0..<count) }

    /// Tasks in the queue (`len(tasks)`).
    public var count: Int { items.count - head }

    func popLeft() -> Int {
        precondition(count > 0, "pop from an empty deque")
        let value = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return value
    }

    func append(_ value: Int) { items.append(value) }

    /// The natives the scheduler program calls (each takes a dummy argument but `append`).
    var natives: [NativeFunction] {
        [NativeFunction(name: "len", releasesGIL: false) { _ in self.count },
         NativeFunction(name: "popleft", releasesGIL: false) { _ in self.popLeft() },
         NativeFunction(name: "append", releasesGIL: false) { value in self.append(value); return 0 }]
    }
}
