import ArgumentParser
import GilBench

/// Options of the server workload (issue 24), for `run`: the connections to sweep and the client's load.
struct ServerOptions: ParsableArguments {
    @Option(
        commaSeparated: "connections",
        help: "server: loopback TCP connections the client opens, 1 to \(RunConfiguration.maxConnections); several values make one configuration each.")
    var connections: [[Int]] = [[defaultConfiguration.connections]]

    @Option(help: "server: iterations of the interpreted loop `while w > 0: w -= 1` per request.")
    var requestWork: Int = defaultConfiguration.requestWork

    @Option(help: "server: the client's requests per second over all connections, an open loop (default: a closed loop, each connection sending its next request when its answer arrives).")
    var rate: Double?

    @Option(help: "server: seconds of the measured window, after \(DecimalText.compact(defaultConfiguration.serverWarmupSeconds)) s of warm-up.")
    var duration: Double = defaultConfiguration.durationSeconds

    @Option(help: "server: end the measured window after this many answers instead of --duration.")
    var requests: Int?

    /// Sets the server's settings of `matrix`: its base's fields and the connection counts it combines.
    func apply(to matrix: inout ConfigurationMatrix) throws {
        matrix.connections = try connections.values(of: "--connections")
        matrix.base.requestWork = requestWork
        matrix.base.rate = rate
        matrix.base.durationSeconds = duration
        matrix.base.requests = requests
    }
}
