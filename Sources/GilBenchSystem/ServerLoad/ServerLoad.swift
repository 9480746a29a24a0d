import GilBenchSimulator

/// What the server workload's client process asks of a server: how many loopback connections, how
/// big a request, closed loop or open loop at a rate, and how long to warm up and to measure.
///
/// The client is a separate process (`gilbench load-client`, ``ServerLoadClient``), as CPython's
/// `Tools/ccbench/ccbench.py` ran its latency client apart from the server it measured, so that the
/// server's GIL never times its own clients.
package struct ServerLoad: Sendable, Equatable {
    /// Connections the client opens to the server, all kept open for the whole run.
    package var connections: Int
    /// Bytes of one request: the request number as a native-endian 64-bit integer, then zeros.
    package var messageSize: Int
    /// Requests per second over all connections (open loop); nil: closed loop, each connection
    /// sending its next request as soon as its answer arrives.
    package var rate: Double?
    /// Seconds of load before the measured window, answers not counted.
    package var warmupSeconds: Double
    /// The measured window, in seconds (unless ``requests`` ends it first).
    package var durationSeconds: Double
    /// When set, the window ends after this many answers instead of after ``durationSeconds``.
    package var requests: Int?

    package init(
        connections: Int = 100, messageSize: Int = 8, rate: Double? = nil, warmupSeconds: Double = 0.2,
        durationSeconds: Double = 1.0, requests: Int? = nil
    ) {
        self.connections = connections
        self.messageSize = messageSize
        self.rate = rate
        self.warmupSeconds = warmupSeconds
        self.durationSeconds = durationSeconds
        self.requests = requests
    }

    /// The largest request: `--message-size`'s own limit (16 MiB).
    package static let largestMessage = 16 << 20

    /// Descriptors the client holds beyond one per connection: standard streams, epoll, its timer,
    /// the runtime's own.
    package static let descriptorMargin = 32

    /// Checks every field.
    /// - Throws: `GilBenchError` `.usage` naming the first field out of range.
    package func validate() throws(GilBenchError) {
        func refuse(_ what: String) throws(GilBenchError) -> Never { throw GilBenchError(.usage, "the server's client: " + what) }
        if !(1...100_000).contains(connections) { try refuse("connections must be between 1 and 100000 (got \(connections))") }
        if !(8...ServerLoad.largestMessage).contains(messageSize) {
            try refuse("the message size must be between 8 and \(ServerLoad.largestMessage) bytes (got \(messageSize))")
        }
        if let rate, !(rate > 0 && rate.isFinite) { try refuse("the rate must be above 0 requests per second (got \(rate))") }
        if !(warmupSeconds >= 0 && warmupSeconds.isFinite) { try refuse("the warm-up must be 0 s or more (got \(warmupSeconds))") }
        if !(durationSeconds > 0 && durationSeconds.isFinite) { try refuse("the duration must be above 0 s (got \(durationSeconds))") }
        if let requests, requests < 1 { try refuse("requests must be 1 or more (got \(requests))") }
    }

    /// The `gilbench load-client` command line that asks for this load on `port` (without the
    /// executable): what ``ServerLoadClient/start(executable:port:load:)`` runs.
    package func commandLine(port: Int) -> [String] {
        var arguments = [
            "load-client", "--port", String(port), "--connections", String(connections), "--message-size", String(messageSize),
            "--warmup", DecimalText.compact(warmupSeconds), "--duration", DecimalText.compact(durationSeconds),
        ]
        if let rate { arguments += ["--rate", DecimalText.compact(rate)] }
        if let requests { arguments += ["--requests", String(requests)] }
        return arguments
    }

    /// Longest the client may take, from its start to its result: 60 s to connect and to drain, the
    /// warm-up, and the window (for a window of ``requests``: 10 ms a request, or the time the rate
    /// needs, whichever is longer). The client's own stall guard (``LoadGenerator/stallSeconds``
    /// without an answer) ends a run whose server stopped answering well before.
    package var timeoutSeconds: Double {
        let window = requests.map { max(Double($0) * 0.01, Double($0) / (rate ?? .infinity)) } ?? durationSeconds
        return 60 + warmupSeconds + window
    }
}

/// What the client measured in its window.
package struct ServerLoadResult: Sendable, Equatable {
    /// Answers received in the measured window.
    package var answered: Int
    /// The measured window, in seconds: from the end of the warm-up to the end of the duration, or
    /// to the answer that made ``ServerLoad/requests``.
    package var elapsedSeconds: Double
    package var requestsPerSecond: Double
    /// Latency percentiles of the window's answers (HdrHistogram, 3 significant digits, as
    /// ``WaitHistogram`` keeps them), from the request's send (closed loop) or from the time it was
    /// due (open loop); nil without an answer.
    package var latencyP50Microseconds, latencyP99Microseconds, latencyMaxMicroseconds: Double?
    /// Open loop: requests due in the window that could not be sent because every connection had one
    /// outstanding. Always 0 in closed loop.
    package var unsent: Int

    package init(
        answered: Int, elapsedSeconds: Double, latencyP50Microseconds: Double?, latencyP99Microseconds: Double?,
        latencyMaxMicroseconds: Double?, unsent: Int
    ) {
        self.answered = answered
        self.elapsedSeconds = elapsedSeconds
        self.requestsPerSecond = elapsedSeconds > 0 ? Double(answered) / elapsedSeconds : 0
        self.latencyP50Microseconds = latencyP50Microseconds
        self.latencyP99Microseconds = latencyP99Microseconds
        self.latencyMaxMicroseconds = latencyMaxMicroseconds
        self.unsent = unsent
    }

    // MARK: The line the client process prints

    /// The first word of the client's result line.
    package static let resultTag = "load-client-result"
    /// The first word of the line a failed client prints instead (then its message).
    package static let errorTag = "load-client-error"

    /// The client's one line of standard output:
    /// `load-client-result answered=N elapsed_s=X p50_us=X p99_us=X max_us=X unsent=N`, a latency
    /// `-` when there was no answer.
    package var line: String {
        func field(_ value: Double?) -> String { value.map { DecimalText.compact($0) } ?? "-" }
        return "\(ServerLoadResult.resultTag) answered=\(answered) elapsed_s=\(DecimalText.compact(elapsedSeconds))"
            + " p50_us=\(field(latencyP50Microseconds)) p99_us=\(field(latencyP99Microseconds))"
            + " max_us=\(field(latencyMaxMicroseconds)) unsent=\(unsent)"
    }

    /// Reads ``line`` back; nil when `line` is not one.
    package init?(line: Substring) {
        let words = line.split(separator: " ")
        guard words.first == Substring(ServerLoadResult.resultTag) else { return nil }
        var fields: [Substring: Substring] = [:]
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            fields[word[..<equals]] = word[word.index(after: equals)...]
        }
        func latency(_ key: Substring) -> Double?? {
            guard let text = fields[key] else { return nil }
            return text == "-" ? .some(nil) : Double(text).map { .some($0) }
        }
        guard let answered = fields["answered"].flatMap({ Int($0) }), let elapsed = fields["elapsed_s"].flatMap({ Double($0) }),
            let unsent = fields["unsent"].flatMap({ Int($0) }),
            let p50 = latency("p50_us"), let p99 = latency("p99_us"), let maximum = latency("max_us")
        else { return nil }
        self.init(
            answered: answered, elapsedSeconds: elapsed, latencyP50Microseconds: p50, latencyP99Microseconds: p99,
            latencyMaxMicroseconds: maximum, unsent: unsent)
    }
}
