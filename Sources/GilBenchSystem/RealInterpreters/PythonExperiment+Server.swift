import GilBenchSimulator

extension PythonExperiment {
    /// The server workload's real twins (issue 24), each program with the simulator model it is
    /// compared with (`mode` of its rows): a thread per connection (`server-threads`, `threading`),
    /// asyncore's dispatcher, or the same handlers over `selectors` on 3.12+ where asyncore is gone
    /// (`server-events`), generators resumed by a `selectors` loop, `select.epoll` on 2.7
    /// (`server-coroutines`, slide 163), asyncio's streams (`server-asyncio`, 3.x only, compared with
    /// `coroutines`), and workers forked after `listen`, each running the handler loop over what it
    /// accepts with the CPU-bound threads beside it (`server-processes`).
    public static let serverPrograms: [(program: String, mode: ExecutionMode)] = [
        ("server-threads", .threads), ("server-events", .events), ("server-coroutines", .coroutines),
        ("server-asyncio", .coroutines), ("server-processes", .processes),
    ]

    /// The `experiment` label of the asyncio twin's rows, which share the `coroutines` mode with the
    /// generators' twin and must not share its configuration.
    public static let asyncioLabel = "asyncio"

    /// The connections `python --only server` runs each model at when `--connections` is not given.
    public static let serverConnections = [1, 100, 1_000]

    /// The warm-up and measured window of each server twin's run, in seconds: short enough that the
    /// default (CPython 2.7, the newest 3 and a free-threaded one, five models, three connection
    /// counts, five repetitions: 220 runs) stays near a minute, long enough for thousands of answers
    /// at 1,000 connections.
    public static let serverWindow: (warmup: Double, duration: Double) = (0.05, 0.15)

    /// Worker processes of `server-processes`: one per core of the 2-core machine, as the `events`
    /// experiment's simulated `processes` model runs (the client process takes its share too).
    public static let serverWorkers = 2

    /// The server's twins for `interpreter`: every model at each of `connections`, with each count of
    /// `cpuThreads` CPU-bound threads beside it (in `processes`, beside each worker's loop), warmed up
    /// and measured for `window`; the asyncio twin only on Python 3.
    public static func server(
        for interpreter: PythonInterpreter, connections: [Int], cpuThreads: [Int],
        window: (warmup: Double, duration: Double) = serverWindow, repetitions: Int
    ) -> [PythonExperiment] {
        guard runsServerTwins(interpreter) else { return [] }
        let python3 = (interpreter.versionNumbers.first ?? 0) >= 3
        var list: [PythonExperiment] = []
        for cpu in cpuThreads {
            for count in connections {
                for (program, mode) in serverPrograms where program != "server-asyncio" || python3 {
                    var c = RunConfiguration.server(mode, connections: count, cpuThreads: cpu)
                    c.engine = .interpreter(name: interpreter.engine, gil: interpreter.gilDesign)
                    c.checkPoints = interpreter.checkPoints
                    c.serverWarmupSeconds = window.warmup
                    c.durationSeconds = window.duration
                    if mode == .processes { c.processes = serverWorkers }
                    if program == "server-asyncio" { c.experiment = asyncioLabel }
                    c.repetitions = repetitions
                    c.warmup = 0
                    list.append(PythonExperiment(program: program, configuration: c, interval: nil))
                }
            }
        }
        return list
    }

    /// Whether `interpreter` can run the server's twins: Jython has no `os.fork`, no `select.epoll`
    /// and no `resource` module (its sockets are Java's).
    public static func runsServerTwins(_ interpreter: PythonInterpreter) -> Bool {
        interpreter.implementation != "jython"
    }

    /// The server twin's model as its rows and tables name it: its mode, or `asyncio`.
    public var serverModel: String { String(program.dropFirst("server-".count)) }
}
