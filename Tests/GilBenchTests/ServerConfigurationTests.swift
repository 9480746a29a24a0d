import GilBench
import Testing

/// The server workload's configuration surface (issue 24): its modes, the validation of its
/// settings, and the row columns they fill.
@Suite("Server configuration: modes, settings and columns of the server workload")
struct ServerConfigurationTests {
    @Test("The server runs in threads, events, coroutines and processes; events runs the server only")
    func modes() throws {
        for mode in [ExecutionMode.threads, .events, .coroutines, .processes] {
            try RunConfiguration.server(mode, connections: 10).validate()
        }
        for mode in [ExecutionMode.sequential, .pool] {
            let error = #expect(throws: GilBenchError.self) { try RunConfiguration.server(mode, connections: 10).validate() }
            #expect(error?.setting == .mode && error?.exitStatus == .usage)
            #expect(error?.message == "the server runs in threads, events, coroutines or processes mode, not \(mode.rawValue)")
        }
        for workload in Workload.allCases where workload != .server {
            var c = RunConfiguration.testing(workload, .events, shaped: true)
            c.tree = "/tmp"
            let error = #expect(throws: GilBenchError.self) { try c.validate() }
            #expect(error?.message == "events runs the server workload only, not \(workload.rawValue)")
        }
    }

    @Test("Bad server settings are usage errors naming the setting")
    func badSettings() {
        let changes: [(RunSetting, (inout RunConfiguration) -> Void)] = [
            (.connections, { $0.connections = 0 }),
            (.connections, { $0.connections = 100_001 }),
            (.rate, { $0.rate = 0 }),
            (.rate, { $0.rate = -1 }),
            (.rate, { $0.rate = .infinity }),
            (.requestWork, { $0.requestWork = -1 }),
            (.messageSize, { $0.messageSize = 7 }),
            (.messageSize, { $0.messageSize = RunConfiguration.maxMessageSize + 1 }),
            (.duration, { $0.durationSeconds = 0 }),
            (.duration, { $0.durationSeconds = .nan }),
            (.requests, { $0.requests = 0 }),
            (.cpuThreads, { $0.cpuThreads = -1 }),
        ]
        for (setting, change) in changes {
            var c = RunConfiguration.server(.events, connections: 100)
            change(&c)
            let error = #expect(throws: GilBenchError.self) { try c.validate() }
            #expect(error?.setting == setting && error?.exitStatus == .usage)
        }
    }

    @Test("The edges of the server's settings are accepted")
    func edges() throws {
        var c = RunConfiguration.server(.events, connections: 1)
        c.requestWork = 0
        c.messageSize = 8
        c.rate = 0.5
        c.requests = 1
        try c.validate()
        c.connections = RunConfiguration.maxConnections
        c.messageSize = RunConfiguration.maxMessageSize
        try c.validate()
    }

    @Test("A server row holds connections, request_work, rate, message_size and cpu_threads; other rows leave them empty")
    func columns() throws {
        var c = RunConfiguration.server(.events, connections: 1000, cpuThreads: 1)
        c.requestWork = 250
        c.rate = 5000
        c.messageSize = 64
        let record = c.record
        #expect(record[.workload] == "server" && record[.mode] == "events")
        #expect(record[.connections] == "1000" && record[.requestWork] == "250" && record[.rate] == "5000")
        #expect(record[.messageSize] == "64" && record[.cpuThreads] == "1" && record[.tasks] == "2")
        c.rate = nil
        #expect(c.record[.rate] == nil, "a closed loop: empty")
        let countdown = RunConfiguration.testing(.countdown, .threads).record
        for column in [Column.connections, .requestWork, .rate, .rssKiB] { #expect(countdown[column] == nil) }
        // A server row reads back with the same key and its rss_kib.
        var row = ResultRow(key: ConfigurationKey(c))
        row.measurements.rssKiB = 123_456
        let back = ResultRow(record: row.record)
        #expect(back.key == row.key && back.measurements.rssKiB == 123_456)
        #expect(Column.configuration.contains(.connections) && Column.configuration.contains(.requestWork)
            && Column.configuration.contains(.rate) && !Column.configuration.contains(.rssKiB))
        #expect(Column.rssKiB.isMeasurement)
    }

    @Test("Interpreter threads: a thread per connection (threads) or the event loop's one, and the CPU-bound threads")
    func threadCount() {
        #expect(RunConfiguration.server(.threads, connections: 100, cpuThreads: 1).threads == 101)
        #expect(RunConfiguration.server(.events, connections: 100, cpuThreads: 1).threads == 2)
        #expect(RunConfiguration.server(.coroutines, connections: 100).threads == 1)
    }

    @Test("--connections multiplies server configurations only")
    func matrix() throws {
        var matrix = ConfigurationMatrix(base: .server(.events, connections: 100))
        matrix.modes = [.events, .coroutines]
        matrix.connections = [1, 100, 1000]
        let configurations = try matrix.validated(allowedCPUs: [0, 1])
        #expect(configurations.map(\.connections) == [1, 100, 1000, 1, 100, 1000])
        #expect(configurations.map(\.mode) == [.events, .events, .events, .coroutines, .coroutines, .coroutines])
        var other = ConfigurationMatrix(base: .testing(.countdown, .threads))
        other.connections = [1, 2]
        #expect(try other.configurations().count == 1)
        other.connections = []
        #expect(throws: GilBenchError.self) { try other.configurations() }
    }
}
