import Foundation
import GilBenchTestSupport
import Testing
@testable import GilBench

/// Hashes `files` through the interpreter, `threads` threads under a Python 2 GIL.
func hashThroughInterpreter(
    _ files: [HashInput], chunkSize: Int = 8192, threads: Int = 1, hold: GILDuringHash = .release, core: SHA512Core = .swiftCrypto
) throws -> [FileOutcome] {
    try core.checkAvailable()  // openssl: CI installs libssl3, so a missing libcrypto fails the test
    let job = HashingJob(files: files, chunkSize: chunkSize, gilDuringHash: hold, threads: threads, core: core)
    _ = try InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100).withGIL(ThreadedRun(tasks: job.tasks()))
    return job.outcomes
}

@Suite("SHA-512 hashing", .serialized)
struct HashingTests {
    @Test("NIST SHA-512 test vectors, whatever the chunk size and the SHA-512 core", arguments: [1, 3, 64, 8192], SHA512Core.allCases)
    func nistVectors(chunkSize: Int, core: SHA512Core) throws {
        let vectors: [(String, String)] = [
            ("abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
            ("", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"),
        ]
        let dir = try makeTemporaryDirectory("nist")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [HashInput] = []
        for (i, (message, _)) in vectors.enumerated() {
            let path = "\(dir)/v\(i)"
            try message.write(toFile: path, atomically: false, encoding: .utf8)
            files.append(HashInput(path: path, size: message.utf8.count))
        }
        let outcomes = try hashThroughInterpreter(files, chunkSize: chunkSize, threads: 2, core: core)
        #expect(outcomes.map(\.hex) == vectors.map(\.1))
    }

    @Test("Every file of the default corpus hashes as sha512sum says, in threads that release or hold the GIL")
    func corpusMatchesSha512sum() throws {
        let dir = try makeTemporaryDirectory("corpus")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let corpus = Corpus()
        #expect(try corpus.ensure(at: dir) == true)
        #expect(corpus.isComplete(at: dir))
        #expect(try corpus.ensure(at: dir) == false, "a complete corpus is reused")
        let listing = try TreeScanner.scan(dir)
        #expect(listing.files.count == corpus.files + 1)  // and the manifest
        #expect(listing.totalBytes > 20_000_000)

        // sha512sum over every file, through xargs so the command line stays short.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "cd '\(dir)' && find . -type f -print0 | xargs -0 sha512sum"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var expected: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let digest = line.prefix(128)
            let path = dir + "/" + line.dropFirst(130).dropFirst(2)  // "<digest>  ./path"
            expected[path] = String(digest)
        }
        #expect(expected.count == listing.files.count)
        for (hold, core) in [(GILDuringHash.release, SHA512Core.swiftCrypto), (.hold, .swiftCrypto), (.release, .openssl)] {
            let outcomes = try hashThroughInterpreter(listing.files, threads: 2, hold: hold, core: core)
            var mismatches = 0
            for (file, outcome) in zip(listing.files, outcomes) where outcome.hex != expected[file.path] { mismatches += 1 }
            #expect(mismatches == 0, "\(hold), \(core): \(mismatches) files differ from sha512sum")
        }
    }

    @Test("The corpus is deterministic, source-like and long-tailed")
    func corpusShape() {
        let a = Corpus().entries, b = Corpus().entries
        #expect(a == b)
        #expect(Corpus(seed: 2).entries != a)
        let sizes = a.map(\.size).sorted()
        let total = sizes.reduce(0, +)
        #expect(a.count == 3000)
        #expect(total > 20_000_000 && total < 200_000_000, "\(total) bytes")
        // Long tail: the largest 1% of files hold far more than 1% of the bytes.
        let top = sizes.suffix(30).reduce(0, +)
        #expect(Double(top) / Double(total) > 0.1)
        #expect(Set(a.map(\.path)).count == a.count)
    }

    @Test("Symbolic links are not followed; vanished and replaced files are counted, not fatal")
    func treeEdgeCases() throws {
        let dir = try makeTemporaryDirectory("tree")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try "one".write(toFile: dir + "/a", atomically: false, encoding: .utf8)
        try "two".write(toFile: dir + "/sub/b", atomically: false, encoding: .utf8)
        try "three".write(toFile: dir + "/c", atomically: false, encoding: .utf8)
        try "four".write(toFile: dir + "/d", atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/link-to-a", withDestinationPath: dir + "/a")
        try fm.createSymbolicLink(atPath: dir + "/link-to-sub", withDestinationPath: dir + "/sub")
        try fm.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: dir + "/nowhere")
        let listing = try TreeScanner.scan(dir)
        #expect(listing.files.map(\.path) == [dir + "/a", dir + "/c", dir + "/d", dir + "/sub/b"])
        // After the scan, c vanishes and d is replaced by a link: neither is followed nor fatal.
        try fm.removeItem(atPath: dir + "/c")
        try fm.removeItem(atPath: dir + "/d")
        try fm.createSymbolicLink(atPath: dir + "/d", withDestinationPath: dir + "/a")
        let outcomes = try hashThroughInterpreter(listing.files)
        // sha512sum of "one" and "two".
        #expect(outcomes[0].hex == "05f70341078acf6a06d423d21720f9643d5f953626d88a02636dc3a9e79582aeb0c820857fd3f8dc502aa8360d2c8fa97a985fda5b629b809cad18ffb62d3899")
        #expect(outcomes[3].hex == "928d50d1e24dab7cca62cfe84fcdcf9fc695160a278f91b5c0af22b709d82f8aa3b4955b3de9ba6d0a0eb7d932dc64c4d5c63fc2de87441ad2e5b929f9b67c5e")
        #expect(outcomes[1] == .unreadable("No such file or directory"))
        #expect(outcomes[2].hex == nil)
        let (outcome, warnings) = HashingPlan.report(files: listing.files, outcomes: outcomes, bytes: 6, scanProblems: [])
        #expect(outcome.files == 2)
        #expect(outcome.unreadableFiles == 2)
        #expect(warnings.count == 2 && warnings[0].contains(dir + "/c"))
    }

    @Test("An empty tree or a missing one is a clear error")
    func emptyTree() throws {
        let dir = try makeTemporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: GilBenchError(.badInput, "the tree \(dir) holds no regular file to hash")) { try TreeScanner.scan(dir) }
        #expect(throws: GilBenchError.self) { try TreeScanner.scan(dir + "/missing") }
    }

    @Test("A worker runs hash requests that arrived together as one job, with one result per request")
    func workerBatch() throws {
        let dir = try makeTemporaryDirectory("batch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var paths: [String] = []
        for i in 0..<5 {
            let path = "\(dir)/f\(i)"
            try String(repeating: "x", count: 1000 * (i + 1)).write(toFile: path, atomically: false, encoding: .utf8)
            paths.append(path)
        }
        paths.insert(dir + "/missing", at: 2)
        let settings = InterpreterSettings(gil: .ticks, lock: .semaphore, checkInterval: 100)
        let shares = [[paths[0]], [paths[1], paths[2]], [paths[3], paths[4], paths[5]]]
        let requests = shares.map { WorkerRequest.hash(paths: $0, chunkSize: 512, gilDuringHash: .release, core: .swiftCrypto, settings) }
        #expect(requests[0].runsTogether(with: requests[1]))
        #expect(!requests[0].runsTogether(with: .hash(paths: [], chunkSize: 512, gilDuringHash: .hold, core: .swiftCrypto, settings)))
        #expect(!requests[0].runsTogether(with: .countdown(runs: [1], settings)))

        let batched = try WorkerService.execute(batch: requests[...])
        let oneByOne = try requests.map { request throws(GilBenchError) in try WorkerService.execute(request) }
        #expect(batched.count == 3)
        #expect(batched.map(\.files) == oneByOne.map(\.files))
        #expect(batched.map(\.bytes) == [1000, 2000, 3000 + 4000 + 5000])  // share 2 holds the missing file
        #expect(batched.map(\.bytes) == oneByOne.map(\.bytes))
        #expect(batched[1].files[1] != batched[1].files[0] && batched[1].files[1].hex == nil)
        // The run's counts are on the first result (one run: its entry and exit tick once, not thrice).
        #expect(batched[0].ticks > 0 && batched[0].ticks <= oneByOne.reduce(0) { $0 + $1.ticks })
        #expect(batched.dropFirst().allSatisfy { $0.ticks == 0 && $0.gil?.acquisitions == 0 })
        // All three results carry counters, and their sum is the one run's.
        let sum = try #require(GILCounters.sum(batched.compactMap(\.gil), expected: 3))
        #expect(sum.acquisitions == batched[0].gil?.acquisitions && sum.handoffs == batched[0].gil?.handoffs)
    }

    @Test("Process shares balance bytes and cover every file once")
    func shares() {
        let sizes = [100, 1, 50, 50, 2, 3, 90, 10]
        let shares = HashingPlan.balancedShares(sizes: sizes, count: 2)
        #expect(shares.flatMap { $0 }.sorted() == Array(sizes.indices))
        let loads = shares.map { $0.reduce(0) { $0 + sizes[$1] } }
        #expect(abs(loads[0] - loads[1]) <= 10)
        #expect(HashingPlan.balancedShares(sizes: [5], count: 3) == [[0]])
    }

    @Test("GIL counters of several workers add up; a count one cannot see stays unknown")
    func countersSum() {
        var a = GILCounters(), b = GILCounters()
        a.acquisitions = 3; a.handoffs = 1; a.failedAcquisitions = 2; a.waitNanoseconds = 10
        b.acquisitions = 4; b.failedAcquisitions = 5; b.waitNanoseconds = 5
        let sum = GILCounters.sum([a, b], expected: 2)
        #expect(sum?.acquisitions == 7 && sum?.handoffs == 1 && sum?.failedAcquisitions == 7 && sum?.waitNanoseconds == 15)
        b.failedAcquisitions = nil
        #expect(GILCounters.sum([a, b], expected: 2)?.failedAcquisitions == nil)
        #expect(GILCounters.sum([a], expected: 2) == nil)
    }
}
