import ArgumentParser
import GilBench
import Testing
@testable import gilbench

@Suite("Settings named as their options")
struct SettingOptionTests {
    @Test("Every setting's option is one a command takes", arguments: RunSetting.allCases)
    func optionExists(setting: RunSetting) {
        let help = [Run.helpMessage(), Sweep.helpMessage(), PythonCommand.helpMessage(), Reproduce.helpMessage()].joined()
        #expect(help.contains(setting.option + " "), "\(setting) is named \(setting.option), which no command takes")
    }

    @Test("Options are the settings' names in kebab case but for the slides' words")
    func spelling() {
        #expect(RunSetting.checkInterval.option == "--check-interval")
        #expect(RunSetting.sha512Core.option == "--sha512-core")
        #expect(RunSetting.tasks.option == "--threads")
        #expect(RunSetting.repetitions.option == "--repeat")
        #expect(RunSetting.cpuCount.option == "--cpus")
        #expect(RunSetting.sweepValues.option == "--values")
    }
}
