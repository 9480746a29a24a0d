import GilBench
import SystemPackage
import Testing

@Suite("Errors: one line, the setting named by the front end, the system's reason")
struct ErrorTests {
    @Test("A usage error names its setting in words, or as a front end names it")
    func settingNamed() {
        var configuration = RunConfiguration()
        configuration.checkInterval = 0
        #expect(throws: GilBenchError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.setting == .checkInterval)
            #expect(error.exitStatus == .usage)
            #expect(error.description == "the check interval must be at least 1 tick (got 0)")
            #expect(error.description(naming: { _ in "--check-interval" }) == "--check-interval must be at least 1 tick (got 0)")
        }
    }

    @Test("A system failure carries its Errno and says it")
    func errnoCarried() {
        let error = GilBenchError(.system, "cannot start a thread", errno: Errno.resourceTemporarilyUnavailable.rawValue)
        #expect(error.errno == .resourceTemporarilyUnavailable)
        #expect(error.description.hasPrefix("cannot start a thread: "))
        #expect(error.description.count > "cannot start a thread: ".count)
        #expect(error.exitStatus == .runFailed)
    }
}
