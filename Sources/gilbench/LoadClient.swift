import ArgumentParser
import GilBench

/// `gilbench load-client`: the server workload's client process (started by gilbench itself, see
/// `ServerLoadClient`): connects to a server on 127.0.0.1, loads it, and prints one result line.
struct LoadClient: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-client",
        abstract: "Load a server on 127.0.0.1 with requests and print what was measured (internal).",
        shouldDisplay: false)

    @Option(help: "The server's port on 127.0.0.1.")
    var port: Int

    @Option(help: "Connections, all open for the whole run.")
    var connections: Int

    @Option(help: "Bytes of one request (8 or more).")
    var messageSize: Int = 8

    @Option(help: "Requests per second over all connections (open loop); without it, closed loop.")
    var rate: Double?

    @Option(help: "Seconds of warm-up before the measured window.")
    var warmup: Double = 0.2

    @Option(help: "Seconds of the measured window.")
    var duration: Double = 1

    @Option(help: "End the window after this many answers instead.")
    var requests: Int?

    func run() throws {
        let load = ServerLoad(
            connections: connections, messageSize: messageSize, rate: rate, warmupSeconds: warmup, durationSeconds: duration,
            requests: requests)
        let status = LoadGenerator.serve(port: port, load: load)
        if status != 0 { throw ExitCode(status) }
    }
}
