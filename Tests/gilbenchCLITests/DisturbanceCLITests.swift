import Foundation
import GilBench
import GilBenchTestSupport
import Testing

/// Starts `count` CPU-bound shells (`while :; do :; done`), pinned to CPU `cpu` with taskset when it
/// is installed; returns them to be stopped with ``stop(_:)``.
private func spin(_ count: Int, cpu: Int) throws -> [Process] {
    let taskset = FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset")
    return try (0..<count).map { _ in
        let p = Process()
        p.executableURL = URL(fileURLWithPath: taskset ? "/usr/bin/taskset" : "/bin/sh")
        p.arguments = (taskset ? ["-c", String(cpu), "/bin/sh"] : []) + ["-c", "while :; do :; done"]
        try p.run()
        return p
    }
}

private func stop(_ spinners: [Process]) {
    for p in spinners {
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }
}

@Suite("Disturbed repetitions, end to end", .serialized)
struct DisturbanceCLITests {
    @Test("run beside processes spinning on its CPU: the row is disturbed or was measured again")
    func spinningNeighbour() throws {
        let spinners = try spin(2, cpu: 0)
        defer { stop(spinners) }
        let (result, rows) = try runWritingCSV([
            "run", "--mode", "sequential", "--cpu-list", "0", "--n", "1000000", "--repeat", "1", "--warmup", "0",
            "--max-attempts", "2", "--quiet",
        ])
        #expect(rows.count == 1)
        for row in rows {
            #expect(row.stealSeconds.map { $0 >= 0 } == true, "\(row)")
            #expect(row.foreignCPUSeconds.map { $0 >= 0 } == true, "\(row)")
            #expect([0, 1].contains(row.disturbed), "\(row)")
            #expect([1, 2].contains(row.attempts), "\(row)")
        }
        #expect(rows.contains { $0.disturbed == 1 || $0.attempts == 2 }, "\(rows)")
        if rows.contains(where: { $0.disturbed == 1 }) {
            #expect(result.stdout.contains("* kept a disturbed repetition: steal, foreign CPU or CPU speed spread above the threshold after 2 attempts"))
            let marked = result.stdout.split(separator: "\n").contains { $0.hasPrefix("countdown sequential") && $0.contains(" *  ") }
            #expect(marked, "\(result.stdout)")
        }
    }

    @Test("--max-attempts 0 is refused with one line and exit status 64")
    func zeroAttempts() throws {
        let result = try expectRefusal(["run", "--max-attempts", "0"], "--max-attempts must be at least 1 (got 0)")
        // One line says what is wrong; ArgumentParser's usage hint follows it.
        #expect(result.stderr.split(separator: "\n").first == "Error: --max-attempts must be at least 1 (got 0)", "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").filter { $0.contains("max-attempts") }.count == 1, "\(result.stderr)")
    }

    @Test("compare warns when a side has fewer than 9 repetitions")
    func fewRepetitions() throws {
        let path = temporaryFilePath("few", extension: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try runGilbench(["run", "--mode", "sequential", "--n", "20000", "--repeat", "2", "--warmup", "0", "--quiet", "--output", path])
        #expect(run.status == 0, "\(run.stderr)")
        let compared = try runGilbench(["compare", path, path])
        #expect(compared.stderr.contains("has 2 repetitions of a configuration, fewer than the 9 the U test needs"), "\(compared.stderr)")
    }
}
