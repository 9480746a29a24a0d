import GilBenchSimulator
import Foundation
import SystemPackage

/// The tree gilbench hashes by default: a source-like tree generated deterministically from a seed.
///
/// A few thousand files in nested package directories (`pkg03/sub1/module_0042.py`, `.c`, `.h`,
/// `.txt`, ...) whose sizes follow a log-normal distribution (median about 8 KiB, a long tail up to
/// a few MiB), tens of MB in all, filled with lines of source-like text. The same seed gives the
/// same bytes on every machine. The tree is written once, ending with a manifest
/// (``Corpus/manifestName``), and reused while the manifest and every file's size still match.
public struct Corpus: Sendable, Equatable {
    public var seed: UInt64
    public var files: Int
    /// Median file size in bytes (the log-normal's e^mu).
    public var medianBytes: Int
    /// Spread of the log-normal (sigma).
    public var spread: Double

    /// The default corpus: 3000 files, about 70 MB.
    public init(seed: UInt64 = 1, files: Int = 3000, medianBytes: Int = 8192, spread: Double = 1.5) {
        self.seed = seed
        self.files = files
        self.medianBytes = medianBytes
        self.spread = spread
    }

    public static let manifestName = ".gilbench-corpus"

    /// Where the default corpus lives: `$XDG_CACHE_HOME/gilbench/corpus-seed<SEED>`, else
    /// `$HOME/.cache/gilbench/corpus-seed<SEED>`, else `.gilbench/corpus-seed<SEED>` in the
    /// current directory.
    public func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let leaf = "gilbench/corpus-seed\(seed)"
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/" + leaf }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/" + leaf }
        return ".gilbench/corpus-seed\(seed)"
    }

    /// One file of the corpus: its path relative to the root and its size.
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var size: Int
    }

    /// The corpus's files and sizes (no I/O).
    public var entries: [Entry] {
        var random = SplitMix64(seed: seed)
        let extensions = ["py", "py", "py", "c", "h", "txt", "md", "json"]
        var out: [Entry] = []
        out.reserveCapacity(files)
        for i in 0..<files {
            let package = random.next() % 24
            let sub = random.next() % 6
            let ext = extensions[Int(random.next() % UInt64(extensions.count))]
            // Log-normal: exp(mu + sigma * z), z standard normal (Box-Muller).
            let u1 = max(random.nextUnit(), 1e-12), u2 = random.nextUnit()
            let z = (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            let size = min(Int((Double(medianBytes) * Foundation.exp(spread * z)).rounded()), 8 << 20)
            func padded(_ v: Int, _ width: Int) -> String {
                let digits = String(v)
                return String(repeating: "0", count: max(width - digits.count, 0)) + digits
            }
            out.append(Entry(
                path: "pkg\(padded(Int(package), 2))/sub\(sub)/module_\(padded(i, 4)).\(ext)", size: max(size, 0)))
        }
        return out
    }

    /// The manifest's text: a header naming the parameters, then `SIZE PATH` per file.
    var manifest: String {
        var text = "gilbench corpus 1 seed=\(seed) files=\(files) median=\(medianBytes) spread=\(spread)\n"
        for e in entries { text += "\(e.size) \(e.path)\n" }
        return text
    }

    /// Whether `root` holds this corpus, complete (manifest present and equal, every file of its size).
    public func isComplete(at root: String) -> Bool {
        guard let existing = try? FileIO.readText(root + "/" + Corpus.manifestName),
              existing == manifest else { return false }
        for e in entries {
            var info = stat()
            guard lstat(root + "/" + e.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == e.size else {
                return false
            }
        }
        return true
    }

    /// The default location (``defaultLocation(environment:)``) when the corpus is complete there;
    /// nil when it has not been written.
    public func completeDefaultLocation() -> String? {
        let root = defaultLocation()
        return isComplete(at: root) ? root : nil
    }

    /// Makes sure the corpus is at `root`: reuses it when complete, writes it otherwise.
    /// - Returns: true when it was (re)written.
    /// - Throws: `GilBenchError` `.unwritableOutput` when it cannot be written, or when `root`
    ///   exists, is not empty and is not a gilbench corpus (it is never deleted then).
    @discardableResult
    public func ensure(at root: String) throws(GilBenchError) -> Bool {
        if isComplete(at: root) { return false }
        let fm = FileManager.default
        if fm.fileExists(atPath: root) {
            let contents = (try? fm.contentsOfDirectory(atPath: root)) ?? []
            guard contents.isEmpty || contents.contains(Corpus.manifestName) else {
                throw GilBenchError(.unwritableOutput, "\(root) exists and is not a gilbench corpus; choose another --path")
            }
        }
        let temporary = root + ".partial-\(getpid())"
        do {
            try? fm.removeItem(atPath: temporary)
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            var random = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
            let text = SourceText(random: &random)
            for e in entries {
                let path = temporary + "/" + e.path
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let bytes = text.slice(bytes: e.size, random: &random)
                let fd = try FileDescriptor.open(
                    FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
                defer { try? fd.close() }
                _ = try fd.writeAll(bytes)
            }
            // The manifest last: a corpus without it is incomplete.
            try manifest.write(toFile: temporary + "/" + Corpus.manifestName, atomically: true, encoding: .utf8)
            if fm.fileExists(atPath: root) { try fm.removeItem(atPath: root) }
            try fm.createDirectory(atPath: (root as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.moveItem(atPath: temporary, toPath: root)
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw GilBenchError(.unwritableOutput, "cannot write the corpus at \(root): \(error.localizedDescription)")
        }
        return true
    }
}

/// Lines of source-like text: indentation, identifiers, keywords and punctuation.
///
/// One MiB of lines is generated once; each file is a slice of it from a random offset (wrapping),
/// which keeps the corpus quick to write and still different from file to file.
struct SourceText {
    private static let words: [[UInt8]] = [
        "def", "return", "if", "else", "for", "in", "while", "import", "class", "self", "None", "True",
        "count", "digest", "chunk", "update", "value", "index", "result", "buffer", "lock", "thread",
        "=", "==", "+=", "-=", "(", ")", ":", ",", "0", "1", "8192", "n", "x", "items", "# note", "\"text\"",
    ].map { Array($0.utf8) }

    private let pool: [UInt8]

    init(random: inout SplitMix64, size: Int = 1 << 20) {
        var out: [UInt8] = []
        out.reserveCapacity(size + 120)
        while out.count < size {
            let indent = Int(random.next() % 4) * 4
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
            let tokens = 2 + Int(random.next() % 9)
            for t in 0..<tokens {
                if t > 0 { out.append(UInt8(ascii: " ")) }
                out.append(contentsOf: SourceText.words[Int(random.next() % UInt64(SourceText.words.count))])
            }
            out.append(UInt8(ascii: "\n"))
        }
        pool = Array(out.prefix(size))
    }

    /// `count` bytes of the pool from a random offset, wrapping around.
    func slice(bytes count: Int, random: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var offset = Int(random.next() % UInt64(pool.count))
        while out.count < count {
            let take = min(count - out.count, pool.count - offset)
            out.append(contentsOf: pool[offset..<(offset + take)])
            offset = 0
        }
        return out
    }
}

/// A small, fast, deterministic generator (Steele, Lea and Flood's SplitMix64).
package struct SplitMix64 {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
