import Foundation
import GilBench
import GilBenchTestSupport
import Testing

@Suite("gilbench run, end to end")
struct RunCommandTests {
    @Test("Bad input gets one clear line and exit status 64", arguments: badCommandLines)
    func badInput(arguments: [String], fragment: String) throws {
        try expectRefusal(arguments, fragment)
    }
}
