import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slide 86: the check interval.

extension Catalogue {
    static let checkIntervals = [10, 100, 1000, 10000]

    static var checkInterval: Experiment {
        Experiment(
            id: "check-interval", slides: [86], title: "The check interval",
            paragraph: """
                Python 2 releases and re-takes the GIL every 100 ticks (`sys.setcheckinterval`). The same \
                two-thread countdown runs with a check every 10, 100, 1,000 and 10,000 ticks: the more often \
                the GIL is offered, the more time goes into signalling instead of counting.
                """,
            configurations: { scale in
                checkIntervals.map { ci in scale.configuration("check-interval") { $0.mode = .threads; $0.checkInterval = ci } }
            },
            claims: [
                Claim(reference: .init(86, "check-interval"), claim: "a check every 10 ticks costs more than one every 10,000",
                      criterion: Criterion("wall at 10 ticks/wall at 10,000 ticks", .atLeast(1.1)),
                      observe: { s in
                          func every(_ ticks: Int) -> (ConfigurationKey) -> Bool { { $0.checkInterval == ticks } }
                          let at10 = s.group(every(10)), at100 = s.group(every(100)), at10000 = s.group(every(10_000))
                          return Observation(
                              figure: "\(at10?.seconds() ?? "—") at 10 ticks, \(at100?.seconds() ?? "—") at 100, \(at10000?.seconds() ?? "—") at 10,000",
                              paired: s.pairedRatio(.wallSeconds, every(10), over: every(10_000)))
                      }),
            ])
    }
}
