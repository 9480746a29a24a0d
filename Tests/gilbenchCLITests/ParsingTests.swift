import ArgumentParser
import GilBench
import Testing
@testable import gilbench

/// Parses `arguments` as the command line of `gilbench` (validation included) and returns the
/// subcommand, which must be a `Command`.
func parse<Command: ParsableCommand>(_ arguments: [String], as _: Command.Type = Command.self) throws -> Command {
    let command = try GilbenchCommand.parseAsRoot(arguments)
    return try #require(command as? Command, "\(arguments) parsed as \(type(of: command))")
}

/// The message and exit status gilbench gives for `arguments`, which must not parse.
func parseFailure(_ arguments: [String]) -> (message: String, status: Int32)? {
    do {
        _ = try GilbenchCommand.parseAsRoot(arguments)
        return nil
    } catch {
        return (GilbenchCommand.message(for: error), GilbenchCommand.exitCode(for: error).rawValue)
    }
}

/// Command lines gilbench refuses, with what its message says. Each is refused by the parser with
/// exit status 64 (`ParsingTests`) and, end to end, by the built binary (`RunCommandTests`).
let badCommandLines: [([String], String)] = [
    (["run", "--mode", "sideways"], "unknown --mode 'sideways'; expected one of: sequential, threads, processes, pool"),
    (["run", "--mode", "sequential,sideways"], "unknown --mode 'sideways'"),
    (["run", "--mode", "sequential", "sideways"], "unknown --mode 'sideways'"),
    (["run", "--mode", ","], "--mode needs a value: one of sequential, threads, processes, pool"),
    (["run", "--sequential-thread", "sideways"], "unknown --sequential-thread 'sideways'; expected one of: main, worker"),
    (["run", "--mode", "threads", "--sequential-thread", "worker"], "--sequential-thread applies to sequential mode only; add it to --mode"),
    (["run", "--mode"], "Missing value for '--mode <mode>'"),
    (["run", "--gil", "ticks,fifo"], "unknown --gil 'fifo'; expected one of: ticks, interval, fair, priority, none"),
    (["run", "--gil", ","], "--gil needs a value"),
    (["run", "--lock", "spin"], "unknown --lock 'spin'; expected one of: condvar, semaphore"),
    (["run", "--lock", " , "], "--lock needs a value: one of condvar, semaphore"),
    (["run", "--cpus", "0"], "--cpus takes 'all' or a positive count, not '0'"),
    (["run", "--cpus", "all,x"], "--cpus takes 'all' or a positive count, not 'x'"),
    (["run", "--cpus", ","], "--cpus needs a value"),
    (["run", "--syscalls", "perf,dtrace"], "unknown --syscalls 'dtrace'; expected one of: auto, perf, ptrace, none"),
    (["run", "--syscalls", ","], "--syscalls needs a value: one of auto, perf, ptrace, none"),
    (["run", "--gil-during-hash", "keep"], "unknown --gil-during-hash 'keep'; expected one of: release, hold"),
    (["run", "--gil-during-hash", ","], "--gil-during-hash needs a value: one of release, hold"),
    (["run", "--sha512-core", "swift-crypto", "md5"], "unknown --sha512-core 'md5'; expected one of: swift-crypto, openssl"),
    (["run", "--sha512-core", ","], "--sha512-core needs a value: one of swift-crypto, openssl"),
    (["run", "--workload", "nope"], "The value 'nope' is invalid for '--workload <workload>'"),
    // Values of the right type that a run cannot take.
    (["run", "--cpus", "64"], "asks for more CPUs"),
    (["run", "--cpu-list", "0,99"], "CPU 99"),
    (["run", "--n=-5"], "--n must be 0 or more"),
    (["run", "--check-interval", "0"], "--check-interval must be at least 1"),
    (["run", "--mode", "coroutines", "--yield-every", "0"], "--yield-every must be at least 1 iteration (got 0)"),
    (["run", "--workload", "extension", "--mode", "coroutines"], "coroutines runs the countdown, race, race-locked, pipeline and server workloads"),
    (["run", "--workload", "pipeline", "--mode", "threads", "--messages", "0"], "--messages must be at least 1 (got 0)"),
    (["run", "--workload", "pipeline", "--mode", "threads", "--message-size", "16777217"],
     "--message-size must be between 1 and 16777216 bytes (16 MiB; got 16777217)"),
    (["run", "--workload", "pipeline", "--mode", "pool"], "pool runs the countdown, hashing and spin workloads, not pipeline"),
    (["run", "--workload", "pipeline", "--pattern", "request-reply"], "sequential cannot run the request-reply pipeline"),
    (["run", "--workload", "server", "--connections", "0"], "--connections must be between 1 and 100000 (got 0)"),
    (["run", "--workload", "server", "--connections", "1", "100001"], "--connections must be between 1 and 100000 (got 100001)"),
    (["run", "--workload", "server", "--connections", "x"], "--connections"),
    (["run", "--workload", "server", "--rate", "0"], "--rate must be a positive number of requests per second (got 0.0)"),
    (["run", "--workload", "server", "--rate=-1"], "--rate must be a positive number of requests per second (got -1.0)"),
    (["run", "--workload", "server", "--message-size", "16777217"],
     "--message-size must be between 8 and 16777216 bytes for the server (the request number and at most 16 MiB; got 16777217)"),
    (["run", "--workload", "server", "--message-size", "7"], "--message-size must be between 8 and 16777216 bytes for the server"),
    (["run", "--workload", "server", "--request-work=-1"], "--request-work must be 0 or more iterations (got -1)"),
    (["run", "--workload", "server", "--duration", "0"], "--duration must be between 0 and 3600 seconds (got 0.0)"),
    (["run", "--workload", "server", "--requests", "0"], "--requests must be at least 1 (got 0)"),
    (["run", "--workload", "server", "--mode", "pool"], "the server runs in threads, events, coroutines or processes mode, not pool"),
    (["run", "--workload", "server", "--mode", "events", "sequential"],
     "the server runs in threads, events, coroutines or processes mode, not sequential"),
    (["run", "--mode", "events"], "events runs the server workload only, not countdown"),
    (["run", "--workload", "pipeline", "--mode", "events"], "events runs the server workload only, not pipeline"),
    (["run", "--workload", "pipeline", "--pattern", "gossip"], "The value 'gossip' is invalid for '--pattern <pattern>'"),
    (["sweep", "--parameter", "speed", "--values", "1", "--output", "x.csv"], "The value 'speed' is invalid for '--parameter <parameter>'"),
    (["sweep", "--parameter", "n", "--values", ",", "--output", "x.csv"], "--values needs at least one value"),
    (["sweep", "--parameter", "n", "--values", "1", "--mode", "bad", "--output", "x.csv"], "unknown --mode 'bad'"),
    (["sweep", "--parameter", "n", "--output", "x.csv"], "Missing expected argument '--values <values> ...'"),
    (["compare", "a.csv", "b.csv", "--metrics", "wall_s,nope"], "--metrics names unknown metric 'nope'"),
    (["compare", "a.csv", "b.csv", "--ignore", "check_interval", "wall_s"], "--ignore takes configuration columns"),
    (["compare", "a.csv", "b.csv", "--format", "xml"], "The value 'xml' is invalid for '--format <format>'"),
    (["python", "--syscalls", "dtrace"], "unknown --syscalls 'dtrace'"),
    (["python", "--python", "auto", "python3"], "--python auto cannot be combined with other interpreters (got auto python3)"),
    (["python", "--only", "countdown", "convoyy"], "unknown --only 'convoyy'"),
    (["python", "--long-tick-n=-1"], "--long-tick-n must be 0 or more (got -1)"),
    (["reproduce", "--python", "python2", "none"], "--python none cannot be combined with other interpreters"),
    (["reproduce", "--only", "80,99"], "--only 99: no experiment reproduces it"),
    (["syscall-check", "--syscalls", ","], "--syscalls needs a value"),
    (["run", "--max-attempts", "0"], "--max-attempts must be at least 1 (got 0)"),
    (["sweep", "--parameter", "n", "--values", "1", "--output", "x.csv", "--max-attempts", "0"], "--max-attempts must be at least 1"),
    (["python", "--max-attempts=-1"], "--max-attempts must be at least 1 (got -1)"),
    (["reproduce", "--max-attempts", "0"], "--max-attempts must be at least 1"),
    (["trace", "--mode", "processes", "--output", "x.json"], "trace runs in sequential, threads or coroutines mode only"),
    (["trace", "--mode", "pool", "--output", "x.json"], "trace runs in sequential, threads or coroutines mode only"),
    (["trace", "--gil", "ticks,fair", "--output", "x.json"], "trace runs one configuration"),
    (["trace"], "Missing expected argument '--output <output>'"),
]

@Suite("Parsing: the typed values of every subcommand's options")
struct ParsingTests {
    @Test("run's defaults")
    func runDefaults() throws {
        let run = try parse(["run"], as: Run.self)
        #expect(run.options.workload == .countdown)
        #expect(run.options.mode.isEmpty, "not given: the workload's default modes")
        #expect(try run.options.matrix().modes == [.sequential, .threads])
        #expect(try run.options.gil.values(of: "--gil") == [.ticks])
        #expect(try run.options.lock.values(of: "--lock") == [.semaphore])
        #expect(try run.options.cpus.values(of: "--cpus") == [.all])
        #expect(run.options.cpuList == nil)
        #expect(run.options.threads == 2 && run.options.n == nil && run.options.checkInterval == 100)
        #expect(run.options.repetitions == 5 && run.options.warmup == 1)
        #expect(run.retry.maxAttempts == 3)
        #expect(try parse(["run", "--max-attempts", "1"], as: Run.self).retry.maxAttempts == 1)
        #expect(run.options.design.switchInterval == 5 && run.options.design.churnN == 0)
        #expect(run.options.design.calls == nil && run.options.design.cpuThreads == nil)
        #expect(try run.options.configurations().allSatisfy { $0.cpuThreads == 1 && $0.messageSize == 64 })
        #expect(try run.syscalls.syscalls.values(of: "--syscalls") == [.auto])
        #expect(!run.syscalls.syscallTable && run.syscalls.ptraceReplyFD == nil)
        #expect(run.processOptions.processes == 2 && run.processOptions.chunkSize == 8192)
        #expect(try run.processOptions.gilDuringHash.values(of: "--gil-during-hash") == [.release])
        #expect(run.processOptions.sha512Core.isEmpty, "not given: the machine's default")
        #expect(run.processOptions.tree == nil && run.processOptions.workerTimeout == 60 && run.processOptions.workerFault == nil)
        #expect(run.outputOptions.output == nil && !run.quiet)
    }

    @Test("The server's defaults: its four models, 100 connections, a closed loop, 8-byte requests, no CPU-bound thread")
    func serverDefaults() throws {
        let configurations = try parse(["run", "--workload", "server"], as: Run.self).matrix().configurations()
        #expect(configurations.map(\.mode) == [.threads, .events, .coroutines, .processes])
        for c in configurations {
            #expect(c.connections == 100 && c.requestWork == 100 && c.rate == nil && c.messageSize == 8 && c.cpuThreads == 0)
            #expect(c.durationSeconds == 1 && c.requests == nil && c.tasks == 1)
        }
    }

    @Test("--connections takes a list: one configuration per value and mode; the server's other options")
    func serverOptions() throws {
        let run = try parse([
            "run", "--workload", "server", "--mode", "events", "threads", "--connections", "1", "100,1000", "--rate", "2500.5",
            "--request-work", "0", "--duration", "0.5", "--requests", "40", "--message-size", "64", "--cpu-threads", "1",
        ], as: Run.self)
        let configurations = try run.matrix().configurations()
        #expect(configurations.map(\.mode) == [.events, .events, .events, .threads, .threads, .threads])
        #expect(configurations.map(\.connections) == [1, 100, 1000, 1, 100, 1000])
        for c in configurations {
            #expect(c.rate == 2500.5 && c.requestWork == 0 && c.durationSeconds == 0.5 && c.requests == 40)
            #expect(c.messageSize == 64 && c.cpuThreads == 1 && c.tasks == 2)
        }
        // Other workloads are not multiplied by --connections.
        #expect(try parse(["run", "--connections", "1", "2"], as: Run.self).matrix().configurations().count == 2)
    }

    @Test("Without --sha512-core, hashing takes the machine's default core (openssl where libcrypto loads); with it, the cores given")
    func sha512CoreDefault() throws {
        var notes: [String] = []
        let matrix = try parse(["run", "--workload", "hashing"], as: Run.self).matrix(note: { notes.append($0) })
        let (core, fallback) = SHA512Core.machineDefault()
        #expect(matrix.sha512Cores == [core])
        #expect(notes == (fallback.map { [$0] } ?? []), "one line when it falls back, none otherwise")
        #expect(core == .openssl, "CI installs libssl3")
        #expect(try parse(["run", "--workload", "hashing", "--sha512-core", "swift-crypto"], as: Run.self).matrix().sha512Cores == [.swiftCrypto])
        #expect(try parse(["run", "--sha512-core", "openssl,swift-crypto"], as: Run.self).matrix().sha512Cores == [.openssl, .swiftCrypto])
    }

    @Test("--mode takes its values space-separated, comma-separated, repeated, or mixed", arguments: [
        ["--mode", "sequential", "threads", "pool"],
        ["--mode", "sequential,threads,pool"],
        ["--mode", "sequential,threads", "--mode", "pool"],
        ["--mode", "sequential", "--mode", "threads", "--mode", "pool"],
        ["--mode", " sequential , threads,", ",pool"],
    ])
    func modeForms(arguments: [String]) throws {
        let run = try parse(["run"] + arguments, as: Run.self)
        #expect(try run.options.mode.values(of: "--mode") == [.sequential, .threads, .pool])
    }

    @Test("Each word after a list option is one occurrence: its comma-separated values stay together")
    func occurrences() throws {
        #expect(try parse(["run", "--mode", "sequential", "threads"], as: Run.self).options.mode == [[.sequential], [.threads]])
        #expect(try parse(["run", "--mode", "sequential,threads"], as: Run.self).options.mode == [[.sequential, .threads]])
    }

    @Test("run's other list options, space- and comma-separated alike", arguments: [false, true])
    func runListOptions(commas: Bool) throws {
        func list(_ option: String, _ values: String...) -> [String] {
            commas ? [option, values.joined(separator: ",")] : [option] + values
        }
        let run = try parse(
            ["run"] + list("--gil", "ticks", "interval", "fair", "priority", "none") + list("--lock", "condvar", "semaphore")
                + list("--cpus", "all", "1") + list("--syscalls", "perf", "none") + list("--gil-during-hash", "release", "hold")
                + list("--sha512-core", "swift-crypto", "openssl"),
            as: Run.self)
        #expect(try run.options.gil.values(of: "--gil") == [.ticks, .interval, .fair, .priority, .none])
        #expect(try run.options.lock.values(of: "--lock") == [.condvar, .semaphore])
        #expect(try run.options.cpus.values(of: "--cpus") == [.all, .count(1)])
        #expect(try run.syscalls.syscalls.values(of: "--syscalls") == [.perf, .none])
        #expect(try run.processOptions.gilDuringHash.values(of: "--gil-during-hash") == [.release, .hold])
        #expect(try run.processOptions.sha512Core.values(of: "--sha512-core") == [.swiftCrypto, .openssl])
    }

    @Test("--workload spin runs in the three modes the machine's ceiling needs")
    func spinWorkload() throws {
        let run = try parse(["run", "--workload", "spin", "--mode", "sequential", "threads", "processes", "--n", "1000"], as: Run.self)
        #expect(run.options.workload == .spin)
        let configurations = try run.options.configurations()
        #expect(configurations.map(\.mode) == [.sequential, .threads, .processes])
        #expect(configurations.allSatisfy { $0.workload == .spin && $0.n == 1000 })
    }

    @Test("run's single-valued options")
    func runScalarOptions() throws {
        let run = try parse([
            "run", "--workload", "extension", "--threads", "3", "--n", "1000", "--check-interval", "7", "--cpu-list", "0",
            "--repeat", "4", "--warmup", "0", "--switch-interval", "2.5", "--churn-n", "10", "--calls", "20", "--cpu-threads", "2",
            "--syscall-table", "--processes", "3", "--chunk-size", "4096", "--tree", "/tmp/tree", "--worker-timeout", "9",
            "--output", "out.csv", "--quiet",
        ], as: Run.self)
        #expect(run.options.workload == .extension)
        #expect(run.options.threads == 3 && run.options.n == 1000 && run.options.checkInterval == 7)
        #expect(run.options.cpuList == "0" && run.options.repetitions == 4 && run.options.warmup == 0)
        #expect(run.options.design.switchInterval == 2.5 && run.options.design.churnN == 10)
        #expect(run.options.design.calls == 20 && run.options.design.cpuThreads == 2)
        #expect(run.syscalls.syscallTable)
        #expect(run.processOptions.processes == 3 && run.processOptions.chunkSize == 4096)
        #expect(run.processOptions.tree == "/tmp/tree" && run.processOptions.workerTimeout == 9)
        #expect(run.outputOptions.output == "out.csv" && run.quiet)
        let configurations = try run.options.configurations()
        #expect(configurations.map(\.mode) == [.sequential, .threads])
        #expect(configurations.allSatisfy { $0.cpus == .list([0]) && $0.calls == 20 })
    }

    @Test("sweep: the parameter, its values in either form, the configuration options", arguments: [
        ["--values", "0", "10", "100"], ["--values", "0,10,100"], ["--values", "0,10", "--values", "100"],
    ])
    func sweep(values: [String]) throws {
        let sweep = try parse(
            ["sweep", "--parameter", "churn-n", "--workload", "extension", "--mode", "threads,sequential", "--syscalls", "none",
             "--output", "sweep.csv", "--quiet"] + values,
            as: Sweep.self)
        #expect(sweep.parameter == .churnN)
        #expect(Array(sweep.values.joined()) == ["0", "10", "100"])
        #expect(try sweep.options.mode.values(of: "--mode") == [.threads, .sequential])
        #expect(try sweep.syscalls.syscalls.values(of: "--syscalls") == [.none])
        #expect(sweep.output == "sweep.csv" && sweep.quiet)
        #expect(try sweep.configurations().map(\.churnN) == [0, 0, 10, 10, 100, 100])
    }

    @Test("compare: the files, the format, metrics and ignored columns in either form, thresholds", arguments: [false, true])
    func compare(commas: Bool) throws {
        let lists = commas
            ? ["--metrics", "wall_s,threads/sequential", "--ignore", "check_interval,gil"]
            : ["--metrics", "wall_s", "threads/sequential", "--ignore", "check_interval", "gil"]
        let compare = try parse(
            ["compare", "base.csv", "current.csv", "--format", "json", "--threshold", "wall_s=15%", "--threshold", "ticks=5",
             "--alpha", "0.01"] + lists,
            as: Compare.self)
        #expect(compare.baseline == "base.csv" && compare.current == "current.csv")
        #expect(compare.format == .json && compare.alpha == 0.01)
        #expect(Array(compare.metrics.joined()) == [.column(.wallSeconds), .ratio(.overSequential(.threads))])
        #expect(Array(compare.ignore.joined()) == [.checkInterval, .gil])
        #expect(try compare.parsedThresholds() == [.column(.wallSeconds): 0.15, .column(.ticks): 0.05])
        let defaults = try parse(["compare", "a.csv", "b.csv"], as: Compare.self)
        #expect(defaults.format == .text && defaults.metrics.isEmpty && defaults.ignore.isEmpty && defaults.thresholds.isEmpty)
    }

    @Test("python: interpreters (never split on commas), sizes, switches, --syscalls in either form")
    func python() throws {
        let python = try parse([
            "python", "--python", "python3", "/opt/py,3/bin/python", "--n", "100", "--race-n", "10", "--tree", "t", "--no-hashing",
            "--no-sweep", "--repeat", "2", "--simulator", "--output", "py.csv", "--syscalls", "perf,none",
        ], as: PythonCommand.self)
        #expect(python.python == ["python3", "/opt/py,3/bin/python"])
        #expect(python.n == 100 && python.raceN == 10 && python.tree == "t" && python.repetitions == 2)
        #expect(python.noHashing && python.noSweep && python.simulator && python.outputOptions.output == "py.csv")
        #expect(try python.syscalls.syscalls.values(of: "--syscalls") == [.perf, .none])
        let defaults = try parse(["python"], as: PythonCommand.self)
        #expect(defaults.python == ["auto"] && defaults.only.isEmpty && defaults.n == 20_000_000 && defaults.raceN == 1_000_000 && defaults.repetitions == 5)
    }

    @Test("reproduce: --only in either form, sizes and folders", arguments: [
        ["--only", "80", "96", "no-gil"], ["--only", "80,96,no-gil"], ["--only", "80,96", "--only", "no-gil"],
    ])
    func reproduce(only: [String]) throws {
        let reproduce = try parse(
            ["reproduce", "--full", "--n", "1000", "--repeat", "4", "--warmup", "0", "--results", "r", "--plots", "p",
             "--python", "python3", "--quiet"] + only,
            as: Reproduce.self)
        #expect(reproduce.options.selectors == ["80", "96", "no-gil"])
        #expect(reproduce.options.full && reproduce.options.n == 1000 && reproduce.options.repetitions == 4)
        #expect(reproduce.options.warmup == 0 && reproduce.options.results == "r" && reproduce.options.plots == "p")
        #expect(reproduce.options.python == ["python3"] && reproduce.options.quiet && !reproduce.options.list)
        #expect(try parse(["reproduce", "--list"], as: Reproduce.self).options.selectors.isEmpty)
        #expect(try parse(["reproduce"], as: Reproduce.self).options.python == ["auto"], "real interpreters by default")
        #expect(try parse(["reproduce", "--timeline"], as: Reproduce.self).options.timeline, "the GIL timelines on request")
        #expect(try parse(["reproduce"], as: Reproduce.self).options.timeline == false, "and not by default (its probes take about 40 s per interpreter)")
        #expect(try parse(["reproduce", "--tutorial"], as: Reproduce.self).options.tutorial, "the tutorial's twins on request")
        #expect(try parse(["reproduce"], as: Reproduce.self).options.tutorial == false, "and not by default (about a minute per interpreter)")
    }

    @Test("syscall-check, plot and corpus")
    func smallCommands() throws {
        let check = try parse(["syscall-check", "--calls", "10", "--threads", "2", "--syscalls", "ptrace"], as: SyscallCheck.self)
        #expect(check.calls == 10 && check.threads == 2)
        #expect(try check.syscalls.syscalls.values(of: "--syscalls") == [.ptrace])
        let plot = try parse(["plot", "run.csv", "--out", "p", "--timeline", "t.csv"], as: Plot.self)
        #expect(plot.file == "run.csv" && plot.out == "p" && plot.timeline == "t.csv")
        #expect(try parse(["plot", "run.csv"], as: Plot.self).out == "plots")
        let corpus = try parse(["corpus", "--seed", "7", "--files", "10", "--path", "c"], as: CorpusCommand.self)
        #expect(corpus.seed == 7 && corpus.files == 10 && corpus.path == "c")
    }

    @Test("Bad values, in either form, and empty lists are usage errors (64) that name the option", arguments: badCommandLines)
    func badValues(arguments: [String], message: String) throws {
        let failure = try #require(parseFailure(arguments), "\(arguments) parsed")
        #expect(failure.status == 64)
        #expect(failure.message.contains(message), "\(failure.message)")
    }
}
