import GilBench
import Testing

@Suite("The configurations a command line asks for")
struct ConfigurationMatrixTests {
    @Test("Every combination once, CPUs outermost, a lock only with ticks, a thread only with sequential mode")
    func combinations() throws {
        var matrix = ConfigurationMatrix()
        matrix.cpus = [.count(1), .all]
        matrix.designs = [.ticks, .interval]
        matrix.locks = [.semaphore, .condvar]
        matrix.modes = [.sequential, .threads]
        matrix.sequentialThreads = [.main, .worker]
        let list = try matrix.configurations()
        // Per CPU choice: ticks × 2 locks × (sequential × 2 threads + threads) + interval × (2 + 1).
        #expect(list.count == 2 * (2 * 3 + 3))
        #expect(list.prefix(9).allSatisfy { $0.cpus == .count(1) } && list.suffix(9).allSatisfy { $0.cpus == .all })
        #expect(list.filter { $0.gil == .interval }.allSatisfy { $0.lock == .semaphore })
        #expect(list.filter { $0.mode == .threads }.allSatisfy { $0.sequentialThread == .main })
        let first = try #require(list.first)
        #expect(first.gil == .ticks && first.lock == .semaphore && first.mode == .sequential && first.sequentialThread == .main)
        #expect(Set(list).count == list.count, "no configuration twice")
    }

    @Test("The hashing choices multiply hashing runs only")
    func hashingChoices() throws {
        var matrix = ConfigurationMatrix()
        matrix.gilDuringHash = [.release, .hold]
        matrix.sha512Cores = [.swiftCrypto, .openssl]
        #expect(try matrix.configurations().count == 1)
        matrix.base.workload = .hashing
        let hashing = try matrix.configurations()
        #expect(hashing.map(\.gilDuringHash) == [.release, .release, .hold, .hold])
        #expect(hashing.map(\.sha512Core) == [.swiftCrypto, .openssl, .swiftCrypto, .openssl])
    }

    @Test("A worker thread without sequential mode, or an empty list, names its setting")
    func refusals() {
        var matrix = ConfigurationMatrix()
        matrix.modes = [.threads]
        matrix.sequentialThreads = [.worker]
        #expect(throws: GilBenchError(.sequentialThread, "applies to sequential mode only; add it to --mode")) {
            try matrix.configurations()
        }
        matrix = ConfigurationMatrix()
        matrix.designs = []
        #expect(throws: GilBenchError(.gil, "needs a value")) { try matrix.configurations() }
    }

    @Test("Validation checks each configuration and resolves its CPUs against those allowed")
    func validation() throws {
        var matrix = ConfigurationMatrix()
        matrix.cpus = [.count(2)]
        #expect(try matrix.validated(allowedCPUs: [0, 1]).count == 1)
        #expect(throws: GilBenchError.self) { try matrix.validated(allowedCPUs: [0]) }
        matrix.base.n = -1
        #expect(throws: GilBenchError(.n, "must be 0 or more (got -1)")) { try matrix.validated(allowedCPUs: [0, 1]) }
    }
}

@Suite("The Getting Started article's Swift example")
struct GettingStartedExampleTests {
    @Test("The example runs, and its summary has the ratio it promises for each design")
    func example() throws {
        var matrix = ConfigurationMatrix()
        matrix.base.n = 100_000
        matrix.base.repetitions = 1
        matrix.base.warmup = 0
        matrix.modes = [.sequential, .threads]
        matrix.designs = [.ticks, .interval]
        let session = Session(writer: nil)
        try session.run(try matrix.validated())
        #expect(session.rows.count == 4)
        let summary = Summary(rows: session.rows)
        #expect(summary.ratioPairs.map(\.kind) == [.overSequential(.threads), .overSequential(.threads)])
        #expect(summary.render().contains("threads/sequential"))
    }
}
