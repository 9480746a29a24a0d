import Foundation
import GilBench
import GilBenchTestSupport
import Testing

@Suite("GIL probes: raw uprobe records to GIL events, and the probes on a real interpreter")
struct GILProbeSamplerTests {
    static func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    /// An entry record of a CPython 2 probe: common fields (type, flags, pid), __probe_ip, lock, gil.
    static func entry(_ id: UInt16, lock: UInt64, gil: UInt64) -> [UInt8] {
        le(UInt64(id), 2) + [0, 0] + le(1, 4) + le(0x7f00, 8) + le(lock, 8) + le(gil, 8)
    }

    @Test("CPython 2: only calls on interpreter_lock count; a return follows its thread's last request")
    func lockFilter() {
        let decoding = GILProbeDecoding(roles: [10: .request, 11: .granted, 12: .release], lockFields: (16, 24))
        let samples = [
            PerfSample(pid: 5, tid: 6, nanoseconds: 100, raw: Self.entry(10, lock: 0xA, gil: 0xA)),   // GIL requested
            PerfSample(pid: 5, tid: 7, nanoseconds: 110, raw: Self.entry(10, lock: 0xB, gil: 0xA)),   // another lock
            PerfSample(pid: 5, tid: 7, nanoseconds: 120, raw: Self.le(11, 2) + [UInt8](repeating: 0, count: 22)),  // its return
            PerfSample(pid: 5, tid: 6, nanoseconds: 130, raw: Self.le(11, 2) + [UInt8](repeating: 0, count: 22)),  // GIL granted
            PerfSample(pid: 5, tid: 7, nanoseconds: 140, raw: Self.entry(12, lock: 0xB, gil: 0xA)),   // other lock released
            PerfSample(pid: 5, tid: 6, nanoseconds: 150, raw: Self.entry(12, lock: 0xA, gil: 0xA)),   // GIL released
            PerfSample(pid: 5, tid: 6, nanoseconds: 160, raw: Self.entry(99, lock: 0xA, gil: 0xA)),   // not ours
        ]
        let hits = samples.compactMap(decoding.hit)
        #expect(hits.count == 5)
        let (events, unmatched) = GILProbeDecoding.timeline(hits)
        #expect(unmatched == 0)
        #expect(events == [
            .init(nanoseconds: 100, thread: 6, kind: .waiting), .init(nanoseconds: 130, thread: 6, kind: .acquired),
            .init(nanoseconds: 150, thread: 6, kind: .released),
        ])
    }

    @Test("Hits from different CPUs' buffers are put in time order before they are paired; a lone return is counted")
    func ordering() {
        let hits = [
            GILProbeHit(nanoseconds: 300, pid: 1, tid: 2, role: .release),
            GILProbeHit(nanoseconds: 100, pid: 1, tid: 2, role: .request),
            GILProbeHit(nanoseconds: 200, pid: 1, tid: 2, role: .granted),
            GILProbeHit(nanoseconds: 50, pid: 1, tid: 3, role: .granted),
        ]
        let (events, unmatched) = GILProbeDecoding.timeline(hits)
        #expect(unmatched == 1)
        #expect(events.map(\.kind) == [.waiting, .acquired, .released])
    }

    @Test("An interpreter without the GIL's symbols (a stripped build) is refused with .unavailable", .requiresUprobes)
    func stripped() {
        let fake = PythonInterpreter(path: "/bin/true", implementation: "cpython", version: "3.13.0", library: "/bin/true")
        #expect(throws: GilBenchError.self) { _ = try GILProbeSampler(interpreter: fake, target: .children) }
        do {
            _ = try GILProbeSampler(interpreter: fake, target: .children)
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("take_gil"))
            #expect(error.exitStatus.rawValue == 69)
        }
    }

    @Test("CPython 3.13's own libpython stripped by strip(1): refused with .unavailable naming take_gil, exit 69",
          .requiresUprobes, .enabled(if: Capabilities.pyenvPython("3.13.0") != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/strip"),
                                     "needs ~/.pyenv/versions/3.13.0 and strip (binutils)"))
    func reallyStripped() throws {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let original = home + "/.pyenv/versions/3.13.0/lib/libpython3.13.so.1.0"
        let directory = try makeTemporaryDirectory("stripped")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stripped = directory + "/libpython3.13.so.1.0"
        let strip = Process()
        strip.executableURL = URL(fileURLWithPath: "/usr/bin/strip")
        strip.arguments = ["--strip-all", "-o", stripped, original]
        try strip.run()
        strip.waitUntilExit()
        try #require(strip.terminationStatus == 0)
        let interpreter = PythonInterpreter(
            path: home + "/.pyenv/versions/3.13.0/bin/python", implementation: "cpython", version: "3.13.0", library: stripped)
        let error = try #require(throws: GilBenchError.self) { _ = try GILProbeSampler(interpreter: interpreter, target: .children) }
        #expect(error.code == .unavailable && error.exitStatus.rawValue == 69)
        #expect(error.message == "\(stripped) has no take_gil in its symbol tables (a stripped build?)")
    }
}
