import GilBenchSimulator
import Foundation

/// The machine and build a run happened on: written into every CSV row.
public struct MachineInfo: Sendable, Equatable {
    public var host: String
    public var kernel: String
    public var cpuModel: String
    public var cores: Int
    public var swiftVersion: String
    public var gilbenchVersion: String
    public var gitCommit: String

    /// gilbench's own version.
    public static let gilbenchVersion = "0.1.0"

    /// Reads the machine once.
    public static func current() -> MachineInfo {
        var names = utsname()
        uname(&names)
        func string<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        var hostBuffer = [CChar](repeating: 0, count: 256)
        gethostname(&hostBuffer, hostBuffer.count)
        return MachineInfo(
            host: String(decoding: hostBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self),
            kernel: "\(string(names.sysname)) \(string(names.release)) \(string(names.machine))",
            cpuModel: cpuModel(),
            cores: ProcessInfo.processInfo.activeProcessorCount,
            swiftVersion: compilerVersion,
            gilbenchVersion: gilbenchVersion,
            gitCommit: gitCommit() ?? "")
    }

    /// The Swift compiler gilbench was built with.
    public static var compilerVersion: String {
        #if compiler(>=6.4)
        "6.4+"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    private static func cpuModel() -> String {
        guard let text = try? FileIO.readText("/proc/cpuinfo") else { return "" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") || line.hasPrefix("Model") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return ""
    }

    /// The commit of the checkout gilbench was built from: found by walking up from the executable
    /// (`.build/<config>/gilbench`) to a `.git` folder and reading its HEAD, without running git.
    static func gitCommit() -> String? {
        var directory = URL(fileURLWithPath: CommandLine.arguments.first.map { ($0 as NSString).resolvingSymlinksInPath } ?? ".")
            .deletingLastPathComponent()
        if let executable = Bundle.main.executableURL { directory = executable.resolvingSymlinksInPath().deletingLastPathComponent() }
        for _ in 0..<8 {
            var git = directory.appendingPathComponent(".git")
            // A worktree's `.git` is a file, `gitdir: PATH`: its HEAD is there, its refs in the
            // common folder that PATH's `commondir` names (gitrepository-layout(5)).
            var refs = git
            if let link = try? FileIO.readText(git.path), link.hasPrefix("gitdir: ") {
                func resolved(_ path: String, from base: String) -> URL {
                    URL(fileURLWithPath: path.hasPrefix("/") ? path : base + "/" + path).standardizedFileURL
                }
                git = resolved(link.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines), from: directory.path)
                refs = git
                if let common = try? FileIO.readText(git.appendingPathComponent("commondir").path) {
                    refs = resolved(common.trimmingCharacters(in: .whitespacesAndNewlines), from: git.path)
                }
            }
            if let head = try? FileIO.readText(git.appendingPathComponent("HEAD").path)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            {
                guard head.hasPrefix("ref: ") else { return String(head.prefix(12)) }
                let ref = String(head.dropFirst(5))
                if let commit = try? FileIO.readText(refs.appendingPathComponent(ref).path) {
                    return String(commit.trimmingCharacters(in: .whitespacesAndNewlines).prefix(12))
                }
                if let packed = try? FileIO.readText(refs.appendingPathComponent("packed-refs").path) {
                    for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                        return String(line.prefix(12))
                    }
                }
                return nil
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return nil
    }
}
