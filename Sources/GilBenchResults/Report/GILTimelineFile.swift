import GilBenchSimulator

/// The timeline side file: one event per line, times relative to the first event.
public enum GILTimelineFile {
    /// The header line of a timeline file.
    public static let header = "t_us,thread,event"

    /// The file's text for `events`.
    public static func render(_ events: [GILEventRecorder.Event]) -> String {
        let origin = events.first?.nanoseconds ?? 0
        var out = header + "\n"
        for e in events {
            out += "\(CSVRecord.format(Double(e.nanoseconds &- origin) / 1000)),\(e.thread),\(e.kind.rawValue)\n"
        }
        return out
    }

    /// Parses a timeline file.
    /// - Throws: `GilBenchError` `.badInput` naming the line that is not a timeline event.
    public static func parse(_ text: String, path: String = "timeline") throws(GilBenchError) -> [GILEventRecorder.Event] {
        var lines = text.split(whereSeparator: \.isNewline)
        guard let first = lines.first, first == header else {
            throw GilBenchError(.badInput, "\(path): not a gilbench timeline file (its first line is not '\(header)')")
        }
        lines.removeFirst()
        var out: [GILEventRecorder.Event] = []
        for (i, line) in lines.enumerated() {
            let f = line.split(separator: ",")
            guard f.count == 3, let t = Double(f[0]), t >= 0, let thread = Int(f[1]), let kind = GILEventRecorder.Kind(rawValue: String(f[2])) else {
                throw GilBenchError(.badInput, "\(path):\(i + 2): not a timeline event: '\(line)'")
            }
            out.append(.init(nanoseconds: UInt64((t * 1000).rounded()), thread: thread, kind: kind))
        }
        return out
    }
}
