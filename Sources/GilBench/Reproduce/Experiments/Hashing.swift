import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slides 148-150: hashing files sequentially, in a pool and in threads.

extension Catalogue {
    /// "0.21 s for 3,001 files, 71 MB (340 MB/s)".
    static func hashingFigure(_ g: Summary.Group?) -> String {
        guard let g, let w = g.median(.wallSeconds) else { return "—" }
        let files = g.median(.files) ?? 0, bytes = g.median(.bytes) ?? 0
        return Summary.Group.seconds(w) + " for \(grouped(files)) files, \(grouped(bytes / 1e6)) MB (\(grouped(bytes / 1e6 / w)) MB/s)"
    }

    static var hashing: Experiment {
        Experiment(
            id: "hashing", slides: [148, 150], title: "Hashing files: sequential, threads and a process pool",
            paragraph: """
                SHA-512 of every file of a source-like tree (gilbench's own corpus, generated once), 8,192 \
                bytes at a time: sequentially, with a pool of two worker processes, and in two threads that \
                release the GIL while hashing each chunk (as CPython's hashlib does) or hold it (as pure \
                Python code would).
                """,
            configurations: { scale in
                // The SHA-512 core hashlib hashes with, wherever libcrypto loads (`Reproduction.sha512Fallback` says why not).
                let core = SHA512Core.machineDefault().core
                return [
                    scale.configuration("hashing") { $0.workload = .hashing; $0.mode = .sequential },
                    scale.configuration("hashing") { $0.workload = .hashing; $0.mode = .pool; $0.processes = 2 },
                    scale.configuration("hashing") { $0.workload = .hashing; $0.mode = .threads; $0.gilDuringHash = .release },
                    scale.configuration("hashing") { $0.workload = .hashing; $0.mode = .threads; $0.gilDuringHash = .hold },
                ].map { c in
                    var c = c
                    c.sha512Core = core
                    return c
                }
            },
            claims: [
                baselineClaim(.init(148, "sequential"), "sequential hashing: the baseline", figure: hashingFigure),
                Claim(reference: .init(150, "pool"), claim: "a pool of two takes about half the time", ratio2009: "0.56",
                      criterion: Criterion("pool/sequential", .nearerCeilingThanNoGain), isParallelGain: true,
                      observe: { s in wallRatio(s, { $0.mode == .pool }, figure: hashingFigure) }),
                Claim(reference: nil, claim: "two threads that release the GIL while hashing also gain",
                      criterion: Criterion("threads (GIL released)/sequential", .nearerCeilingThanNoGain), isParallelGain: true,
                      observe: { s in wallRatio(s, { $0.mode == .threads && $0.gilDuringHash == .release }, figure: hashingFigure) }),
                Claim(reference: nil, claim: "two threads that hold the GIL while hashing gain nothing",
                      criterion: Criterion("threads (GIL held)/sequential", .atLeast(0.95)),
                      observe: { s in wallRatio(s, { $0.mode == .threads && $0.gilDuringHash == .hold }, figure: hashingFigure) }),
            ])
    }
}
