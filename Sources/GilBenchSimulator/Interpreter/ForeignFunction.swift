import CGilBench

/// libffi, opened at run time as ctypes uses it (`Modules/_ctypes/callproc.c`): the library the
/// interpreter calls a ``ForeignFunction`` through.
public struct Libffi: @unchecked Sendable {
    // @unchecked: the three pointers are written once, by `init`, and only read afterwards;
    // ffi_prep_cif and ffi_call are reentrant (ctypes calls them from any number of threads).
    @usableFromInline let library: gb_ffi_library

    /// Opens libffi `name` (a file name dlopen searches for, or a path).
    /// - Throws: `ProgramError` with dlerror's text when it cannot be opened or lacks a symbol.
    public init(name: String) throws(ProgramError) {
        var library = gb_ffi_library()
        var message: UnsafePointer<CChar>?
        guard gb_ffi_open(name, &library, &message) == 0 else {
            throw ProgramError(line: nil, message: message.map { String(cString: $0) } ?? "cannot open \(name)")
        }
        self.library = library
    }

    /// The names tried, newest first: libffi 3.4 (so.8), 3.3 (so.7), 3.2 (so.6), then the
    /// development link.
    public static let names = ["libffi.so.8", "libffi.so.7", "libffi.so.6", "libffi.so"]

    /// The machine's libffi, opened once, or why there is none.
    public static let system: Result<Libffi, ProgramError> = open(names)

    /// The first of `names` that opens, or the first one's error.
    public static func open(_ names: [String]) -> Result<Libffi, ProgramError> {
        var firstError: ProgramError?
        for name in names {
            do { return .success(try Libffi(name: name)) } catch { firstError = firstError ?? error }
        }
        return .failure(firstError ?? ProgramError(line: nil, message: "no libffi name to try"))
    }
}

/// A C function `uint64_t f(uint64_t)` called as ctypes calls a function of a `CDLL` whose
/// `argtypes` is `[c_uint64]` and `restype` `c_uint64` (see `VirtualMachine.callThroughCtypes`):
/// through libffi when it could be loaded, with the GIL released around `ffi_call` only; without
/// libffi, the function is called directly where ctypes runs `ffi_prep_cif` and `ffi_call`.
public struct ForeignFunction: @unchecked Sendable {
    // @unchecked: a C function pointer and a ``Libffi``, both immutable and usable from any thread.
    public typealias CFunction = @convention(c) (UInt64) -> UInt64

    @usableFromInline let function: CFunction
    /// The library calls go through; nil: direct calls.
    public let libffi: Libffi?

    public init(_ function: @escaping CFunction, through libffi: Libffi?) {
        self.function = function
        self.libffi = libffi
    }
}
