import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slides 157-163: coroutines, generator tasks switched in one thread, against threads. The slides
// give no figure for them: the claims are "beyond".

extension Catalogue {
    static var coroutines: Experiment {
        Experiment(
            id: "coroutines", slides: [157, 158, 159, 160, 161, 162, 163], title: "Coroutines instead of threads",
            paragraph: """
                Two countdowns as generators in one thread, resumed in turn by slide 160's round-robin \
                scheduler (itself interpreted), beside the same countdowns one after the other; and an \
                actor answering requests, fed by `send()` in one thread or through two `Queue.py` queues \
                between two threads. A coroutine switch is a function call; a thread hand-off under the GIL \
                is a wake-up through the kernel and a GIL hand-over.
                """,
            configurations: { scale in
                let countdown = [ExecutionMode.sequential, .coroutines].map { mode in
                    scale.configuration("coroutines") { $0.mode = mode; $0.n = scale.isFull ? 2_000_000 : 200_000 }
                }
                let actor = [ExecutionMode.threads, .coroutines].map { mode in
                    scale.configuration("coroutines") {
                        $0.workload = .pipeline; $0.mode = mode; $0.pattern = .requestReply
                        $0.messages = scale.isFull ? 20_000 : 2_000
                        $0.applyWorkloadShape()
                    }
                }
                return countdown + actor
            },
            claims: [
                Claim(reference: nil, claim: "a coroutine switch costs less than a thread hand-off under the GIL",
                      criterion: Criterion("round trip to an actor, coroutines/threads", .atMost(0.5)),
                      observe: { s in
                          let isThreads: (ConfigurationKey) -> Bool = { $0.workload == .pipeline && $0.mode == .threads }
                          let isCoroutines: (ConfigurationKey) -> Bool = { $0.workload == .pipeline && $0.mode == .coroutines }
                          let figure = "\(messageFigure(s.group(isCoroutines))) with send(), \(messageFigure(s.group(isThreads))) through two queues"
                          return Observation(figure: figure, paired: s.pairedRatio(.messagesPerSecond, isThreads, over: isCoroutines))
                      }),
                Claim(reference: nil, claim: "what a switch through slide 160's scheduler adds to each countdown iteration",
                      criterion: Criterion("coroutines/sequential", .reportOnly),
                      observe: { s in
                          let coroutines = s.group { $0.workload == .countdown && $0.mode == .coroutines }
                          return Observation(
                              figure: "\(countdownFigure(coroutines)) as coroutines, \(countdownFigure(s.group(sequential))) sequential",
                              paired: s.pairedRatio(.wallSeconds, { $0.workload == .countdown && $0.mode == .coroutines }, over: sequential))
                      }),
            ])
    }

    /// "12.5 µs per message (80,000/s)" for a pipeline group.
    static func messageFigure(_ g: Summary.Group?) -> String {
        guard let rate = g?.median(.messagesPerSecond), rate > 0 else { return "—" }
        let micros = 1e6 / rate
        return String(format: micros >= 100 ? "%.0f" : "%.2f", micros) + " µs per message (\(grouped(rate))/s)"
    }
}
