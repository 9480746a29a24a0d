import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

// Slides 72-76 (threads and queues), 113-125 (processes, pipes and pickle) and 136-145
// (multiprocessing's Pipe and Queue). The slides give no figure for them: the claims are "beyond".

extension Catalogue {
    /// The message sizes the experiment compares: 64 bytes and 64 KiB.
    static let messageSizes = [64, 64 << 10]

    static var messages: Experiment {
        Experiment(
            id: "messages", slides: [72, 73, 74, 75, 76, 113, 117, 124, 136, 140, 145], title: "Messages between threads and between processes",
            paragraph: """
                A producer sends requests to an actor that answers each one, at 64 B and 64 KiB: between two \
                threads through `Queue.py`-style queues (a reference is passed, whatever the size), and \
                between two processes over a pipe, each message pickled and unpickled (natively, as cPickle) \
                both ways. The time per message is the round trip.
                """,
            configurations: { scale in
                messageSizes.flatMap { size in
                    [ExecutionMode.threads, .processes].map { mode in
                        scale.configuration("messages") {
                            $0.workload = .pipeline; $0.mode = mode; $0.pattern = .requestReply
                            $0.messageSize = size
                            $0.messages = scale.isFull ? 20_000 : 2_000
                            $0.applyWorkloadShape()
                        }
                    }
                }
            },
            claims: [
                // At 64 B both round trips are two wake-ups across CPUs, and which is cheaper is not
                // a property of the GIL: `gilbench python --only pipeline` measured request-reply at
                // 64 B faster between processes than between threads on CPython 2.7 itself
                // (results/python-tutorial). So the small size is reported, not judged.
                Claim(reference: nil, claim: "a \(sizeName(messageSizes[0])) message: processes against threads",
                      criterion: Criterion("time per message at \(sizeName(messageSizes[0])), processes/threads", .reportOnly),
                      observe: { s in messageObservation(s, size: messageSizes[0]) }),
                Claim(reference: nil, claim: "a \(sizeName(messageSizes[1])) message between processes costs more than between threads",
                      criterion: Criterion("time per message at \(sizeName(messageSizes[1])), processes/threads", .atLeast(1)),
                      observe: { s in messageObservation(s, size: messageSizes[1]) }),
            ] + [
                Claim(reference: nil, claim: "how the cost between processes grows with the message's size",
                      criterion: Criterion("time per message between processes, 64 KiB/64 B", .reportOnly),
                      observe: { s in
                          let small = { (k: ConfigurationKey) in k.mode == .processes && k.messageSize == messageSizes[0] }
                          let large = { (k: ConfigurationKey) in k.mode == .processes && k.messageSize == messageSizes[1] }
                          return Observation(
                              figure: "\(messageFigure(s.group(large))) at 64 KiB, \(messageFigure(s.group(small))) at 64 B",
                              paired: s.pairedRatio(.messagesPerSecond, small, over: large))
                      }),
            ])
    }

    static func sizeName(_ size: Int) -> String { size >= 1024 ? "\(size >> 10) KiB" : "\(size) B" }

    /// Processes' time per message over threads' at `size`: threads' rate over processes'.
    static func messageObservation(_ s: Summary, size: Int) -> Observation {
        let threads = { (k: ConfigurationKey) in k.mode == .threads && k.messageSize == size }
        let processes = { (k: ConfigurationKey) in k.mode == .processes && k.messageSize == size }
        return Observation(
            figure: "\(messageFigure(s.group(processes))) between processes, \(messageFigure(s.group(threads))) between threads",
            paired: s.pairedRatio(.messagesPerSecond, threads, over: processes))
    }
}
