import GilBenchSimulator
/// The hashing workload's plan for the in-process modes, and what every mode reports.
package enum HashingPlan {
    /// Sequential: one interpreter thread takes every file; threads: `threads` threads share one queue.
    static func make(for configuration: RunConfiguration) throws(GilBenchError) -> WorkloadPlan {
        try configuration.sha512Core.checkAvailable()
        let listing = try TreeScanner.scan(configuration.tree)
        let job = HashingJob(
            files: listing.files, chunkSize: configuration.chunkSize, gilDuringHash: configuration.gilDuringHash,
            threads: configuration.threads, core: configuration.sha512Core)
        let program = job.program
        return WorkloadPlan(
            tasks: job.tasks(), shared: SharedState(globals: program.globalNames.count, locks: 0),
            report: { _ in report(files: job.files, outcomes: job.outcomes, bytes: job.bytesHashed, scanProblems: listing.unreadable).0 },
            notes: { report(files: job.files, outcomes: job.outcomes, bytes: job.bytesHashed, scanProblems: listing.unreadable).1 })
    }

    /// Files hashed, bytes and files that could not be read, and one warning per file that could not be read.
    package static func report(files: [HashInput], outcomes: [FileOutcome], bytes: Int, scanProblems: [String]) -> (WorkloadOutcome, [String]) {
        var warnings = scanProblems.map { "could not read \($0)" }
        var hashed = 0
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case .digest: hashed += 1
            case .unreadable(let reason): warnings.append("could not read \(file.path): \(reason)")
            }
        }
        return (WorkloadOutcome(files: hashed, bytes: bytes, unreadableFiles: warnings.count), warnings)
    }

    /// Splits files into `count` shares of nearly equal bytes (largest first, each to the lightest
    /// share), each share in path order. Returns positions in `sizes`.
    package static func balancedShares(sizes: [Int], count: Int) -> [[Int]] {
        var shares = [[Int]](repeating: [], count: max(count, 1))
        var loads = [Int](repeating: 0, count: shares.count)
        for i in sizes.indices.sorted(by: { sizes[$0] > sizes[$1] }) {
            let lightest = loads.indices.min { loads[$0] < loads[$1] }!
            shares[lightest].append(i)
            loads[lightest] += sizes[i]
        }
        return shares.map { $0.sorted() }.filter { !$0.isEmpty }
    }
}
