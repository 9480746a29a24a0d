import Foundation

/// A new, empty directory under the system's temporary directory, named after `label`; the caller
/// removes it.
/// - Throws: when it cannot be created.
public func makeTemporaryDirectory(_ label: String) throws -> String {
    let path = temporaryFilePath(label, extension: nil)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A fresh path under the system's temporary directory, named after `label`, where nothing is yet.
public func temporaryFilePath(_ label: String, extension: String?) -> String {
    NSTemporaryDirectory() + "gilbench-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))" + (`extension`.map { "." + $0 } ?? "")
}

/// A tree of text files to hash, written under a new temporary directory that the caller removes.
public struct TreeFixture: Sendable {
    /// The tree's directory.
    public let root: String

    /// Writes `files` files in four folders; file i holds `line i` on 50 × (i + 1) lines.
    public init(files: Int = 40) throws {
        root = try makeTemporaryDirectory("tree")
        for i in 0..<files {
            let dir = root + "/d\(i % 4)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try String(repeating: "line \(i)\n", count: 50 * (i + 1)).write(toFile: dir + "/f\(i).txt", atomically: false, encoding: .utf8)
        }
    }

    /// Removes the tree.
    public func remove() { try? FileManager.default.removeItem(atPath: root) }
}
