import ArgumentParser
import GilBench

extension GILDuringHash: ExpressibleByArgument {}
extension SHA512Core: ExpressibleByArgument {}

/// Options of worker processes and of the hashing workload (issue 4), shared by `run` and `sweep`.
struct ProcessOptions: ParsableArguments {
    @Option(help: "Worker processes in processes and pool modes (each runs its own interpreter and GIL).")
    var processes: Int = defaultConfiguration.processes

    @Option(commaSeparated: "gil-during-hash", help: "Hashing in threads: release or hold the GIL while a chunk is hashed (release: as hashlib does; hold: pure Python).")
    var gilDuringHash: [[GILDuringHash]] = [[.release]]

    /// Empty when not given: the machine's default (`SHA512Core.machineDefault`).
    @Option(commaSeparated: "sha512-core", help: "Hashing: the SHA-512 implementation(s): openssl (the system's libcrypto, which python3's hashlib uses; loaded at run time) or swift-crypto. (default: openssl where libcrypto.so.3 loads, else swift-crypto with a line saying why)")
    var sha512Core: [[SHA512Core]] = []

    @Option(help: "Hashing: bytes read and hashed at a time.")
    var chunkSize: Int = defaultConfiguration.chunkSize

    @Option(help: "Hashing: the directory to hash (default: the corpus of `gilbench corpus`, generated on first use).")
    var tree: String?

    @Option(help: "Seconds a busy worker may stay silent before it is declared hung and killed.")
    var workerTimeout: Double = defaultConfiguration.workerTimeoutSeconds

    @Option(help: .hidden)
    var workerFault: String?

    func validate() throws {
        _ = try gilDuringHash.values(of: "--gil-during-hash")
        if !sha512Core.isEmpty { _ = try sha512Core.values(of: "--sha512-core") }
    }

    /// Sets the process and hashing settings of `matrix`: its base's fields, and the values of
    /// `--gil-during-hash` and `--sha512-core` it combines for the hashing workload. Without
    /// `--sha512-core` the core is the machine's default (`SHA512Core.machineDefault`): openssl where
    /// libcrypto loads, else swift-crypto, with `note` told why when the workload hashes.
    func apply(to matrix: inout ConfigurationMatrix, note: (String) -> Void = { _ in }) throws {
        matrix.gilDuringHash = try gilDuringHash.values(of: "--gil-during-hash")
        if sha512Core.isEmpty {
            let (core, fallback) = SHA512Core.machineDefault()
            matrix.sha512Cores = [core]
            if let fallback, matrix.base.workload == .hashing { note(fallback) }
        } else {
            matrix.sha512Cores = try sha512Core.values(of: "--sha512-core")
        }
        if let workerFault {
            guard let fault = WorkerFault(argument: workerFault) else { throw ValidationError("unknown --worker-fault '\(workerFault)'") }
            matrix.base.workerFault = fault
        }
        matrix.base.processes = processes
        matrix.base.chunkSize = chunkSize
        matrix.base.tree = tree ?? ""
        matrix.base.workerTimeoutSeconds = workerTimeout
    }
}

/// `gilbench worker`: the worker process of processes and pool modes (started by gilbench itself).
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve tasks from gilbench over standard input and output (internal).",
        shouldDisplay: false)

    @Option(help: .hidden)
    var fault: String?

    func run() throws {
        let status = WorkerService.serve(fault: fault.flatMap(WorkerFault.init(argument:)))
        if status != 0 { throw ExitCode(status) }
    }
}

/// `gilbench corpus`: writes (or checks) the default tree the hashing workload hashes.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Write the source-like tree the hashing workload hashes by default.",
        discussion: """
            Deterministic from --seed: the same files and bytes on every machine. Written once and \
            reused while complete. Default location: $XDG_CACHE_HOME/gilbench/corpus-seed1, else \
            ~/.cache/gilbench/corpus-seed1, else .gilbench/corpus-seed1.
            """)

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = Corpus().seed

    @Option(help: "Number of files.")
    var files: Int = Corpus().files

    @Option(help: "Where to write it (default: see above).")
    var path: String?

    func validate() throws {
        guard files >= 1 && files <= 1_000_000 else { throw ValidationError("--files must be between 1 and 1000000 (got \(files))") }
    }

    func run() throws {
        try reporting {
            let corpus = Corpus(seed: seed, files: files)
            let root = path ?? corpus.defaultLocation()
            let written = try corpus.ensure(at: root)
            let bytes = corpus.entries.reduce(0) { $0 + $1.size }
            print("\(written ? "wrote" : "reused") \(root): \(corpus.files) files, \(bytes) bytes")
        }
    }
}
