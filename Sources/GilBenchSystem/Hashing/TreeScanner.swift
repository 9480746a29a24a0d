import GilBenchSimulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A regular file to hash.
public struct HashInput: Sendable, Equatable {
    public var path: String
    /// Size when the tree was scanned (the file may change or vanish before it is read).
    public var size: Int

    public init(path: String, size: Int) {
        self.path = path
        self.size = size
    }
}

/// Lists the regular files under a directory, as `os.walk` with `followlinks=False` does.
///
/// Symbolic links are never followed (neither to files nor to directories) and are not hashed;
/// sockets, FIFOs and devices are skipped. Directories that cannot be read are reported, not fatal.
public enum TreeScanner {
    /// The result of a scan: files sorted by path, and what could not be listed.
    public struct Listing: Sendable {
        public var files: [HashInput]
        /// Directories or entries that could not be read, with the reason.
        public var unreadable: [String]
        public var totalBytes: Int { files.reduce(0) { $0 + $1.size } }
    }

    /// Scans `root`.
    /// - Throws: `GilBenchError` `.unreadableInput` when `root` is missing or not a directory,
    ///   `.badInput` when it holds no regular file.
    public static func scan(_ root: String) throws(GilBenchError) -> Listing {
        guard !root.isEmpty else { throw GilBenchError(.tree, "PATH: the hashing workload needs a tree to hash") }
        var info = stat()
        guard stat(root, &info) == 0 else {
            throw GilBenchError(.unreadableInput, "cannot read the tree \(root)", errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw GilBenchError(.unreadableInput, "--tree \(root) is not a directory")
        }
        var listing = Listing(files: [], unreadable: [])
        walk(root, into: &listing)
        listing.files.sort { $0.path < $1.path }
        guard !listing.files.isEmpty else {
            let detail = listing.unreadable.isEmpty ? "" : " (\(listing.unreadable.count) entries could not be read)"
            throw GilBenchError(.badInput, "the tree \(root) holds no regular file to hash\(detail)")
        }
        return listing
    }

    private static func walk(_ directory: String, into listing: inout Listing) {
        guard let dir = opendir(directory) else {
            listing.unreadable.append("\(directory): \(String(cString: strerror(errno)))")
            return
        }
        defer { closedir(dir) }
        var subdirectories: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var info = stat()
            // lstat: a symbolic link is seen as a link, never as what it points to.
            guard lstat(path, &info) == 0 else {
                listing.unreadable.append("\(path): \(String(cString: strerror(errno)))")
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: listing.files.append(HashInput(path: path, size: Int(info.st_size)))
            case S_IFDIR: subdirectories.append(path)
            default: continue
            }
        }
        for subdirectory in subdirectories { walk(subdirectory, into: &listing) }
    }
}
