import Foundation
import GilBench
import GilBenchTestSupport
import Testing

/// Pids of live processes whose command line contains `marker` (a unique fault argument).
func processes(matching marker: String) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { pid in
        guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ").contains(marker)
    }
}

@Suite("Worker processes and the pool, end to end", .serialized)
struct ProcessesCLITests {
    @Test("Countdown in 2 processes: CPU time of the workers and their GIL counters are in the row")
    func countdownInProcesses() throws {
        let (_, rows) = try runWritingCSV(["run", "--mode", "sequential", "processes", "pool", "--processes", "2", "--n", "1000000", "--repeat", "1", "--warmup", "0"])
        #expect(rows.count == 3)
        let sequentialCPU = rows[0].userSeconds ?? 0
        for row in rows.dropFirst() {
            #expect(row.processes == 2)
            #expect(row.threads == 1)
            // Two tasks of 1,000,000 iterations, 3 ticks each and the last test's, run in the workers.
            #expect(row.ticks == 6_000_002)
            // A worker starts no thread, so (as CPython 2) it has no lock to take at its checks.
            #expect(row.gilAcquisitions == 0)
            #expect(row.gilHandoffs == 0)
            // The workers' CPU time is counted: the same work as sequential (CPU time, not wall time,
            // so a loaded machine does not change it much), which only the workers did.
            #expect((row.userSeconds ?? 0) > 0.5 * sequentialCPU)
        }
    }

    @Test("Hashing in every mode, with either SHA-512 core, reports the same files and bytes")
    func hashingEveryMode() throws {
        // A requirement, not a skip: CI installs libssl3.
        try #require(Capabilities.libcryptoLoads, "--sha512-core openssl needs OpenSSL's libcrypto (package libssl3)")
        let tree = try TreeFixture(files: 40)
        defer { tree.remove() }
        let (result, rows) = try runWritingCSV([
            "run", "--workload", "hashing", "--tree", tree.root, "--mode", "sequential", "threads", "processes", "pool",
            "--gil-during-hash", "release", "hold", "--sha512-core", "swift-crypto", "openssl", "--chunk-size", "1000",
            "--repeat", "1", "--warmup", "0",
        ])
        #expect(rows.count == 16)
        let bytes = (0..<40).reduce(0) { $0 + 50 * ($1 + 1) * "line \($1)\n".utf8.count }
        for row in rows {
            #expect(row.files == 40)
            #expect(row.bytes == bytes)
            #expect(row.unreadableFiles == 0)
            #expect(row.chunkSize == 1000)
        }
        #expect(Set(rows.map { [$0.mode?.rawValue, $0.gilDuringHash?.rawValue, $0.sha512Core?.rawValue] }).count == 16)
        #expect(result.stdout.contains("pool/sequential"))
    }

    @Test("An unknown or missing hashing option value is a usage error", arguments: [
        (["--sha512-core", "md5"], "unknown --sha512-core 'md5'; expected one of: swift-crypto, openssl"),
        (["--sha512-core", ","], "--sha512-core needs a value: one of swift-crypto, openssl"),
        (["--gil-during-hash", "keep"], "unknown --gil-during-hash 'keep'; expected one of: release, hold"),
    ])
    func badHashingOption(arguments: [String], message: String) throws {
        try expectRefusal(["run", "--workload", "hashing", "--repeat", "1", "--warmup", "0"] + arguments, message)
    }

    @Test("An empty tree is a clear error", arguments: [false, true])
    func emptyTree(missing: Bool) throws {
        let tree = try makeTemporaryDirectory("empty-tree")
        defer { try? FileManager.default.removeItem(atPath: tree) }
        try expectRefusal(
            ["run", "--workload", "hashing", "--tree", missing ? tree + "/nope" : tree, "--repeat", "1", "--warmup", "0"],
            status: missing ? 66 : 65, missing ? "cannot read the tree" : "holds no regular file")
    }

    @Test("A worker that fails is named with how it failed; the run ends, no worker is left, rows measured stay",
          .timeLimit(.minutes(1)), arguments: [
        ("crash", "was killed by signal 11 (SIGSEGV)"),
        ("kill", "was killed by signal 9 (SIGKILL)"),
        ("exit", "exited with status 3"),
        ("hang", "stopped answering: no reply to task"),
        ("garbage", "sent a malformed reply: garbage frame"),
        ("short", "after a truncated frame (short read"),
        ("failure", "failed on task 2: injected failure"),
    ])
    func workerFailures(kind: String, message: String) throws {
        let tree = try TreeFixture()
        defer { tree.remove() }
        let csv = tree.root + ".csv"
        defer { try? FileManager.default.removeItem(atPath: csv) }
        // Worker 1 fails on its second task; the sequential row is measured first.
        let fault = "\(kind):1"
        let result = try runGilbench([
            "run", "--workload", "hashing", "--tree", tree.root, "--mode", "sequential", "pool", "--processes", "2",
            "--repeat", "1", "--warmup", "0", "--worker-timeout", kind == "hang" ? "1" : "30", "--worker-fault", fault, "--output", csv,
        ])
        #expect(result.status == 70, "\(result.stderr)")
        #expect(result.stderr.contains("worker 1 of 2 (pid "), "\(result.stderr)")
        // Under a sanitizer (swift test --sanitize=thread) the sanitizer catches the crash and the
        // worker exits with the sanitizer's status instead of dying of SIGSEGV.
        let sanitized = kind == "crash" && result.stderr.contains("Sanitizer: SEGV") && result.stderr.contains("exited with status")
        #expect(result.stderr.contains(message) || sanitized, "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(processes(matching: "--fault \(fault)").isEmpty, "a worker outlived the run")
        let rows = try readResults(csv)
        #expect(rows.count == 1 && rows.first?.mode == .sequential)
    }

    @Test("The worker refuses bad input on its standard input with a message and status 65")
    func workerRefusesGarbage() throws {
        let result = try runGilbench(["worker"], input: Data("GBWK\u{2}".utf8))
        #expect(result.status == 65)
        #expect(result.stderr.contains("unknown frame version 2"), "\(result.stderr)")
    }

    @Test("Bad process and hashing options get one clear line and exit status 64", arguments: [
        (["run", "--processes", "0", "--mode", "processes"], "--processes must be between 1 and 256"),
        (["run", "--workload", "hashing", "--chunk-size", "0", "--tree", "/tmp"], "--chunk-size must be between"),
        (["run", "--gil-during-hash", "maybe"], "unknown --gil-during-hash 'maybe'"),
        (["run", "--worker-timeout", "0"], "--worker-timeout must be a positive number"),
    ])
    func badOptions(arguments: [String], fragment: String) throws {
        try expectRefusal(arguments, fragment)
    }
}
