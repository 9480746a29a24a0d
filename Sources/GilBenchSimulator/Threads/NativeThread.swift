#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A joinable pthread running a closure (a thread the simulator controls: no executor, no pool).
///
/// The closure travels to the new thread in an `Unmanaged` box, as swift-nio's ThreadPosix does.
public struct NativeThread: @unchecked Sendable {
    // @unchecked Sendable: a pthread_t is an opaque handle; joining it from another thread is allowed.
    private let handle: pthread_t

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts a thread that runs `body`.
    /// - Throws: ``GilBenchError`` when the system refuses another thread.
    public static func spawn(_ body: @escaping @Sendable () -> Void) throws(GilBenchError) -> NativeThread {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw GilBenchError(.system, "cannot start a thread", errno: status)
        }
        return NativeThread(handle: handle)
    }

    /// Waits for the thread to end.
    public func join() {
        precondition(pthread_join(handle, nil) == 0, "pthread_join")
    }
}
