import GilBenchSimulator
import CGilBench
import Crypto
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Hashes a list of files with SHA-512 from interpreted code: the interpreter runs
/// ``HashingJob/source`` on each thread, and the program calls native functions to open the next
/// file, read a chunk, hash it and take the digest, as slide 147's Python does:
///
///     def compute_digest(filename):
///         digest = hashlib.sha512()
///         f = open(filename, 'rb')
///         while True:
///             chunk = f.read(8192)
///             if not chunk: break
///             digest.update(chunk)
///         f.close()
///         return digest.digest()
///
/// Threads take the next file from one shared queue (an atomic index), so the work spreads over
/// them as a thread pool would spread it. Opening and reading release the GIL (blocking I/O, as
/// CPython's `open`/`read` do); hashing releases it or not per `GILDuringHash`; taking the digest
/// keeps it (64 bytes of work).
public final class HashingJob: @unchecked Sendable {
    // @unchecked Sendable: `next` is atomic; each cursor is used only by the one interpreter thread
    // whose index it has (the program passes its own index to every native call); each slot of
    // `outcomes` is written by the one thread that took its index from `next`, and read only after
    // every thread was joined.
    public let files: [HashInput]
    public let chunkSize: Int
    public let gilDuringHash: GILDuringHash
    private let next = Atomic<Int>(0)
    private let cursors: [Cursor]
    private let outcomeSlots: UnsafeMutableBufferPointer<FileOutcome?>
    private let byteSlots: UnsafeMutableBufferPointer<Int>

    /// The program each thread runs; its one argument is the thread's index.
    public static let source = """
        # for each file f taken from the shared queue:
        #     h = hashlib.sha512(); fp = open(f, 'rb')
        #     while True:
        #         chunk = fp.read(chunk_size)
        #         if not chunk: break
        #         h.update(chunk)
        #     digests[f] = h.digest(); fp.close()
        .local worker
        .native open_next read_chunk sha512_update sha512_digest
        next_file:
            LOAD_FAST worker
            CALL_NATIVE open_next
            POP_JUMP_IF_FALSE done
        read:
            LOAD_FAST worker
            CALL_NATIVE read_chunk
            POP_JUMP_IF_FALSE finish
            LOAD_FAST worker
            CALL_NATIVE sha512_update
            POP_TOP
            JUMP_ABSOLUTE read
        finish:
            LOAD_FAST worker
            CALL_NATIVE sha512_digest
            POP_TOP
            JUMP_ABSOLUTE next_file
        done:
            LOAD_CONST 0
            RETURN_VALUE
        """

    /// - Parameters:
    ///   - files: the files, in the order results are reported.
    ///   - chunkSize: bytes read and hashed at a time.
    ///   - gilDuringHash: whether `sha512_update` releases or holds the GIL.
    ///   - threads: how many interpreter threads will run the program (each needs a cursor).
    ///   - core: the SHA-512 implementation (checked with `SHA512Core/checkAvailable()` first).
    public init(files: [HashInput], chunkSize: Int, gilDuringHash: GILDuringHash, threads: Int, core: SHA512Core = .swiftCrypto) {
        precondition(chunkSize >= 1 && threads >= 1)
        self.files = files
        self.chunkSize = chunkSize
        self.gilDuringHash = gilDuringHash
        cursors = (0..<threads).map { _ in Cursor(chunkSize: chunkSize, core: core) }
        outcomeSlots = .allocate(capacity: files.count)
        outcomeSlots.initialize(repeating: nil)
        byteSlots = .allocate(capacity: files.count)
        byteSlots.initialize(repeating: 0)
    }

    deinit {
        _ = outcomeSlots.deinitialize()
        outcomeSlots.deallocate()
        byteSlots.deallocate()
    }

    /// The program, with its native functions bound to this job.
    public var program: Program {
        let natives = [
            NativeFunction(name: "open_next", releasesGIL: true) { [self] worker in openNext(cursors[worker]) },
            NativeFunction(name: "read_chunk", releasesGIL: true) { [self] worker in readChunk(cursors[worker]) },
            NativeFunction(name: "sha512_update", releasesGIL: gilDuringHash == .release) { [self] worker in
                cursors[worker].update()
                return 0
            },
            NativeFunction(name: "sha512_digest", releasesGIL: false) { [self] worker in finish(cursors[worker]) },
        ]
        // Assembled and verified once (the pool builds a job per file); bound to this job's natives here.
        return HashingJob.template.binding(natives)
    }

    /// ``source`` assembled, with natives that do nothing.
    private static let template: Program = {
        let unbound = ["open_next", "read_chunk", "sha512_update", "sha512_digest"].map {
            NativeFunction(name: $0, releasesGIL: false) { _ in 0 }
        }
        // The source is a constant of this type; a failure here is a bug caught by the tests.
        return try! Assembler.assemble(source, name: "hash_files", natives: unbound)
    }()

    /// One task per thread: the program with the thread's index as its argument.
    public func tasks() -> [InterpretedTask] {
        let program = self.program
        return (0..<cursors.count).map { InterpretedTask(program: program, arguments: [$0]) }
    }

    /// What became of each file, in `files` order (read after every thread ended).
    public var outcomes: [FileOutcome] {
        outcomeSlots.map { $0 ?? .unreadable("not hashed") }
    }

    /// Bytes hashed by all threads (read after every thread ended).
    public var bytesHashed: Int { byteSlots.reduce(0, +) }

    /// Bytes hashed of each file, in `files` order (read after every thread ended).
    public var bytesPerFile: [Int] { Array(byteSlots) }

    // MARK: Native functions

    /// `f = open(next file)`: 1 when a file is open, 0 when the queue is empty. Files that cannot be
    /// opened are recorded as unreadable and skipped.
    private func openNext(_ cursor: Cursor) -> Int {
        while true {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < files.count else { return 0 }
            // O_NOFOLLOW: a file replaced by a symbolic link since the scan is not followed.
            let fd = open(files[index].path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else {
                outcomeSlots[index] = .unreadable(String(cString: strerror(errno)))
                continue
            }
            cursor.start(index: index, fd: fd)
            return 1
        }
    }

    /// `chunk = f.read(chunk_size)`: the bytes read, 0 at end of file or on a read error.
    private func readChunk(_ cursor: Cursor) -> Int {
        cursor.read()
    }

    /// `digests[f] = h.digest(); f.close()`.
    private func finish(_ cursor: Cursor) -> Int {
        let (index, outcome) = cursor.finish()
        outcomeSlots[index] = outcome
        byteSlots[index] = cursor.fileBytes
        return 0
    }

    /// One thread's open file, hash state and chunk buffer.
    final class Cursor {
        let buffer: UnsafeMutableRawBufferPointer
        var fd: Int32 = -1
        var index = 0
        var filled = 0
        var failure: String?
        let hasher: SHA512Hasher
        /// Bytes hashed of the current file.
        var fileBytes = 0

        init(chunkSize: Int, core: SHA512Core) {
            hasher = SHA512Hasher(core: core)
            buffer = .allocate(byteCount: chunkSize, alignment: 64)
        }

        deinit {
            if fd >= 0 { close(fd) }
            buffer.deallocate()
        }

        func start(index: Int, fd: Int32) {
            self.index = index
            self.fd = fd
            failure = nil
            filled = 0
            fileBytes = 0
            hasher.reset()
        }

        /// The next chunk into ``buffer``: its length, 0 at end of file or on a read error (the file's
        /// ``failure``, which makes it unreadable rather than hashed short).
        func read() -> Int {
            do throws(Errno) {
                filled = try SystemCall.read(fd, into: buffer)
            } catch {
                failure = error.description
                filled = 0
            }
            return filled
        }

        func update() {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
            fileBytes += filled
        }

        func finish() -> (Int, FileOutcome) {
            close(fd)
            fd = -1
            if let failure { return (index, .unreadable(failure)) }
            return (index, .digest(hasher.finalize()))
        }
    }
}
