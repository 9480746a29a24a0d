import Foundation
import GilBench
import GilBenchTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("gilbench trace --python: a real program's GIL in the Trace Event Format, faults and probe removal", .serialized)
struct RealGILTraceTests {
    /// Two threads counting down, in Python 2 and 3; `sleep` first waits that many seconds.
    static let countdown = """
        import sys, threading, time
        def count(n):
            while n > 0:
                n -= 1
        n = int(sys.argv[1])
        if len(sys.argv) > 2:
            time.sleep(float(sys.argv[2]))
        threads = [threading.Thread(target=count, args=(n,)) for _ in range(2)]
        for t in threads: t.start()
        for t in threads: t.join()
        """

    static func script(_ text: String = countdown) throws -> (directory: String, path: String) {
        let directory = try makeTemporaryDirectory("real-trace")
        let path = directory + "/countdown.py"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (directory, path)
    }

    /// The "holds GIL" spans of a trace: (start µs, end µs, thread).
    static func holds(_ path: String) throws -> [(Double, Double, Int)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        return events.compactMap { e in
            guard e["name"] as? String == TraceEventFile.holdsName, let ts = e["ts"] as? Double, let dur = e["dur"] as? Double,
                  let tid = e["tid"] as? Int else { return nil }
            return (ts, ts + dur, tid)
        }.sorted { $0.0 < $1.0 }
    }

    /// Lines of uprobe_events defined by the gilbench process `pid`.
    static func probes(of pid: Int32) -> [String] {
        let text = (try? String(contentsOfFile: (Capabilities.tracefs ?? "/sys/kernel/tracing") + "/uprobe_events", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { $0.contains("gilbench/gt_") && $0.contains("_\(pid)_") }
    }

    static func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    @Test("The trace parses, has a track per thread, and no two threads' holds overlap", arguments: ["3.13.0", "2.7.18"])
    func holdsNeverOverlap(version: String) throws {
        try #require(Capabilities.pyenvPython(version) != nil && Capabilities.uprobesUsable, "needs pyenv \(version) and uprobes")
        let python = Capabilities.pyenvPython(version)!
        let (directory, script) = try Self.script()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runGilbench(["trace", "--python", python, "--output", directory + "/t.json", "--csv", directory + "/t.csv", "--", script, "300000"])
        #expect(result.status == 0, "\(result.stderr)")
        let holds = try Self.holds(directory + "/t.json")
        #expect(Set(holds.map(\.2)).count >= 2, "both counting threads hold the GIL")
        #expect(holds.count > 10)
        var end = -Double.infinity, holder = -1
        var overlaps = 0
        for (start, stop, thread) in holds {
            if start < end && thread != holder { overlaps += 1 }
            if stop > end { (end, holder) = (stop, thread) }
        }
        #expect(overlaps == 0)
        let csv = try String(contentsOfFile: directory + "/t.csv", encoding: .utf8)
        #expect(csv.hasPrefix(GILHoldWaitSummary.csvHeader))
        #expect(csv.contains("\nprocess,"))
        #expect(result.stdout.contains("hand-offs/s"))
        #expect(result.stdout.contains("samples lost by the kernel"))
    }

    @Test("Options: a script or --pid with --duration, never both; --cost-rounds bounded")
    func options() {
        func problem(_ o: RealGILTrace.Options) -> String? {
            do { try o.validate(); return nil } catch { return error.code == .usage ? error.message : "not usage" }
        }
        let script = RealGILTrace.Options(python: "python3", command: ["x.py"], pid: nil, duration: nil, output: "t.json", csv: nil, costRounds: 0)
        #expect(problem(script) == nil)
        var o = script
        o.command = []
        #expect(problem(o)?.contains("needs a script") == true)
        o.pid = 42
        #expect(problem(o)?.contains("--duration") == true)
        o.duration = 2
        #expect(problem(o) == nil)
        o.command = ["x.py"]
        #expect(problem(o)?.contains("not both") == true)
        o = script
        o.duration = 1
        #expect(problem(o)?.contains("goes with --pid") == true)
        o = script
        o.costRounds = 51
        #expect(problem(o) != nil)
    }

    @Test("--pid attaches to a running interpreter: its threads started later are followed", .requiresPyenvPythonAndUprobes("3.13.0"))
    func attach() throws {
        let (directory, script) = try Self.script()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let python = Process()
        python.executableURL = URL(fileURLWithPath: Capabilities.pyenvPython("3.13.0")!)
        python.arguments = [script, "2000000", "1"]  // sleeps 1 s before its threads start
        try python.run()
        defer { if python.isRunning { python.terminate() } }
        usleep(200_000)
        let result = try runGilbench([
            "trace", "--python", Capabilities.pyenvPython("3.13.0")!, "--pid", String(python.processIdentifier), "--duration", "20",
            "--output", directory + "/t.json",
        ])
        python.waitUntilExit()
        #expect(result.status == 0, "\(result.stderr)")
        let holds = try Self.holds(directory + "/t.json")
        #expect(Set(holds.map(\.2)).count >= 2, "the two counting threads, started after attaching")
    }

    @Test("A missing script: one line, exit 66, no probe left", .requiresPyenvPythonAndUprobes("3.13.0"))
    func missingScript() throws {
        let directory = try makeTemporaryDirectory("real-trace")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runGilbench(["trace", "--python", Capabilities.pyenvPython("3.13.0")!, "--output", directory + "/t.json", "--", directory + "/nothing.py"])
        #expect(result.status == 66)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("no such script"))
    }

    @Test("No permission for uprobes (gilbench without capabilities, under setpriv): one line naming why, exit 69",
          .requiresPyenvPythonAndUprobes("3.13.0"), .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv"))
    func noPermission() throws {
        let (directory, script) = try Self.script()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runGilbench(
            ["trace", "--python", Capabilities.pyenvPython("3.13.0")!, "--output", directory + "/t.json", "--", script, "1000"],
            launcher: ["/usr/bin/setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"])
        #expect(result.status == 69)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("perf_event_open refused"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/t.json"))
    }

    @Test("A script that fails: its status and stderr tail, the events so far kept, exit 70", .requiresPyenvPythonAndUprobes("3.13.0"))
    func failingScript() throws {
        let (directory, script) = try Self.script(Self.countdown + "\nsys.stderr.write('the end is near\\n')\nraise SystemExit(3)\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runGilbench(["trace", "--python", Capabilities.pyenvPython("3.13.0")!, "--output", directory + "/t.json", "--", script, "100000"])
        #expect(result.status == 70)
        #expect(result.stderr.contains("exited with status 3"))
        #expect(result.stderr.contains("the end is near"))
        #expect(try Self.holds(directory + "/t.json").count > 0)
    }

    /// Starts gilbench tracing a script that sleeps, and waits until its probes are defined.
    static func startLong(_ directory: String, _ script: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try gilbenchExecutable())
        process.arguments = ["trace", "--python", Capabilities.pyenvPython("3.13.0")!, "--output", directory + "/t.json", "--", script, "100000", "30"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let defined = waitFor(seconds: 20) { probes(of: pid).count == 3 }
        if !defined { process.terminate() }
        try #require(defined, "gilbench defined its three probes")
        return process
    }

    @Test("Ctrl-C: the trace is written with what was recorded, exit 130, probes removed", .requiresPyenvPythonAndUprobes("3.13.0"))
    func interrupted() throws {
        let (directory, script) = try Self.script()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try Self.startLong(directory, script)
        usleep(300_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(FileManager.default.fileExists(atPath: directory + "/t.json"))
        _ = try Self.holds(directory + "/t.json")
        #expect(Self.probes(of: process.processIdentifier).isEmpty)
    }

    @Test("gilbench killed (SIGKILL): its probes are still removed from uprobe_events", .requiresPyenvPythonAndUprobes("3.13.0"))
    func killed() throws {
        let (directory, script) = try Self.script()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try Self.startLong(directory, script)
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        process.waitUntilExit()
        #expect(Self.waitFor(seconds: 10) { Self.probes(of: pid).isEmpty }, "\(Self.probes(of: pid))")
    }
}
