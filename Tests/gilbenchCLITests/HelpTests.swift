import ArgumentParser
import Foundation
import Testing
@testable import gilbench

/// A subcommand's help screen, not wrapped (so that a check never depends on where a line breaks).
func help(_ command: ParsableCommand.Type, includeHidden: Bool = false) -> String {
    GilbenchCommand.helpMessage(for: command, includeHidden: includeHidden, columns: 10_000)
}

/// The subcommands by name, and the options each must show in its help: today's spellings.
let documentedOptions: [String: (command: ParsableCommand.Type, options: [String])] = {
    let configuration = [
        "--workload <workload>", "--mode <mode>", "--threads <threads>", "--n <n>", "--check-interval <check-interval>",
        "--gil <gil>", "--lock <lock>", "--cpus <cpus>", "--cpu-list <cpu-list>", "--repeat <repeat>", "--warmup <warmup>",
        "--switch-interval <switch-interval>", "--churn-n <churn-n>", "--calls <calls>", "--cpu-threads <cpu-threads>",
    ]
    let syscalls = ["--syscalls <syscalls>", "--syscall-table"]
    let common = ["--version", "-h, --help"]
    return [
        "run": (Run.self, configuration + syscalls + [
            "--processes <processes>", "--gil-during-hash <gil-during-hash>", "--sha512-core <sha512-core>",
            "--chunk-size <chunk-size>", "--tree <tree>", "--worker-timeout <worker-timeout>", "--output <output>", "--max-attempts <max-attempts>", "--quiet",
            "--connections <connections>", "--request-work <request-work>", "--rate <rate>", "--duration <duration>", "--requests <requests>",
        ] + common),
        "sweep": (Sweep.self, ["--parameter <parameter>", "--values <values>"] + configuration + syscalls + ["--output <output>", "--max-attempts <max-attempts>", "--quiet"] + common),
        "compare": (Compare.self, [
            "<baseline>", "<current>", "--format <format>", "--threshold <metric=percent>", "--alpha <alpha>", "--metrics <metrics>",
            "--ignore <column>",
        ] + common),
        "python": (PythonCommand.self, [
            "--python <python>", "--only <only>", "--long-tick-n <long-tick-n>", "--n <n>", "--race-n <race-n>", "--tree <tree>",
            "--no-hashing", "--no-sweep", "--repeat <repeat>",
            "--simulator", "--output <output>", "--max-attempts <max-attempts>",
        ] + syscalls + common),
        "corpus": (CorpusCommand.self, ["--seed <seed>", "--files <files>", "--path <path>"] + common),
        "reproduce": (Reproduce.self, [
            "--full", "--only <only>", "--list", "--n <n>", "--repeat <repeat>", "--warmup <warmup>", "--results <results>",
            "--plots <plots>", "--python <python>", "--max-attempts <max-attempts>", "--quiet",
        ] + common),
        "plot": (Plot.self, ["<file>", "--out <out>", "--timeline <timeline>"] + common),
        "syscall-check": (SyscallCheck.self, ["--calls <calls>", "--threads <threads>"] + syscalls + common),
        "worker": (Worker.self, common),
        "load-client": (LoadClient.self, [
            "--port <port>", "--connections <connections>", "--message-size <message-size>", "--rate <rate>", "--warmup <warmup>",
            "--duration <duration>", "--requests <requests>",
        ] + common),
        "trace": (Trace.self, configuration + ["--output <output>"] + common),
    ]
}()

/// What `--experimental-dump-help` says of every subcommand but ArgumentParser's own `help`: its name,
/// whether it is listed, and the arguments its help shows (`--long` names, `<value>` for positionals).
func dumpedSubcommands() throws -> [(name: String, listed: Bool, shown: [String])] {
    let json = try #require(try JSONSerialization.jsonObject(with: Data(GilbenchCommand._dumpHelp().utf8)) as? [String: Any])
    let root = try #require(json["command"] as? [String: Any])
    let subcommands = try #require(root["subcommands"] as? [[String: Any]])
    return subcommands.filter { $0["commandName"] as? String != "help" }.map { command in
        let arguments = command["arguments"] as? [[String: Any]] ?? []
        let shown = arguments.filter { $0["shouldDisplay"] as? Bool ?? false }.map { argument in
            let long = (argument["names"] as? [[String: Any]] ?? []).first { $0["kind"] as? String == "long" }
            return long.map { "--\($0["name"] as? String ?? "")" } ?? "<\(argument["valueName"] as? String ?? "")>"
        }
        return (command["commandName"] as? String ?? "", command["shouldDisplay"] as? Bool ?? true, shown)
    }
}

@Suite("Help: every subcommand and every option is documented")
struct HelpTests {
    @Test("The root's help lists every subcommand but the internal ones, and the exit statuses")
    func rootListsSubcommands() throws {
        let text = GilbenchCommand.helpMessage(columns: 10_000)
        let subcommands = try dumpedSubcommands()
        #expect(Set(subcommands.map(\.name)) == Set(documentedOptions.keys))
        for command in subcommands {
            let line = text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(command.name + " ") }
            #expect(line == command.listed, "\(command.name)")
        }
        #expect(subcommands.filter { !$0.listed }.map(\.name).sorted() == ["load-client", "syscall-check", "worker"])
        for status in ["0 success", "2 compare found a regression", "64 bad command line", "65 malformed input", "66 unreadable input",
                       "70 a run failed", "73 output cannot be written", "130 interrupted"] {
            #expect(text.contains(status), "\(status)")
        }
    }

    @Test("Each subcommand's help shows its options with today's spellings", arguments: documentedOptions.keys.sorted())
    func subcommandOptions(name: String) throws {
        let (command, options) = try #require(documentedOptions[name])
        let text = help(command)
        #expect(text.contains("USAGE: gilbench \(name)"))
        for option in options {
            #expect(text.contains("  \(option)"), "\(name): \(option)")
        }
    }

    @Test("Each subcommand's help shows every argument the command declares as shown")
    func everyDeclaredArgument() throws {
        for command in try dumpedSubcommands() {
            let type = try #require(documentedOptions[command.name]?.command, "\(command.name) is not in documentedOptions")
            let text = help(type)
            #expect(!command.shown.isEmpty)
            for argument in command.shown {
                #expect(text.contains(argument), "\(command.name): \(argument)")
            }
        }
    }

    @Test("List options show their default, as typed options do; none shows the list of values", arguments: [
        ("run", "--mode <mode>", "(default: sequential, threads)"),
        ("run", "--gil <gil>", "(default: ticks)"),
        ("run", "--lock <lock>", "(default: semaphore)"),
        ("run", "--cpus <cpus>", "(default: all)"),
        ("run", "--syscalls <syscalls>", "(default: auto)"),
        ("run", "--gil-during-hash <gil-during-hash>", "(default: release)"),
        ("run", "--sha512-core <sha512-core>", "(default: openssl where libcrypto.so.3 loads, else swift-crypto with a line saying why)"),
        ("run", "--workload <workload>", "default: countdown)"),
        ("python", "--python <python>", "(default: auto)"),
        ("reproduce", "--python <python>", "(default: auto)"),
        ("syscall-check", "--syscalls <syscalls>", "(default: auto)"),
    ])
    func defaults(name: String, option: String, fragment: String) throws {
        // A label too long for its column puts the description on the next line.
        let lines = help(try #require(documentedOptions[name]).command).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let index = try #require(lines.firstIndex { $0 == option || $0.hasPrefix(option + " ") })
        let line = lines[index] == option ? lines[index + 1] : lines[index]
        #expect(line.hasSuffix(fragment), "\(line)")
        #expect(option == "--workload <workload>" || !line.contains("(values:"), "\(line)")
    }

    @Test("Hidden options stay out of the help, and show with the hidden help")
    func hiddenOptions() {
        for (command, option) in [(Run.self as ParsableCommand.Type, "--worker-fault"), (Run.self, "--ptrace-reply-fd"), (Worker.self, "--fault")] {
            #expect(!help(command).contains(option), "\(option)")
            #expect(help(command, includeHidden: true).contains(option), "\(option)")
        }
    }
}
