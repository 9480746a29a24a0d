import GilBenchSimulator

extension PythonExperiment {
    /// The tutorial's real twins (slides 72-76, 113-125, 136-145, 157-163) for `interpreter`: the
    /// countdown as two generators under slide 160's round-robin scheduler (`coroutines`), and the
    /// pipeline in each model and pattern at each of `sizes` (`pipeline-MODEL-PATTERN`), with the
    /// configuration columns of the simulator's matching runs.
    public static func tutorial(
        for interpreter: PythonInterpreter, n: Int, messages: Int, sizes: [Int], repetitions: Int
    ) -> [PythonExperiment] {
        func make(_ program: String, _ edit: (inout RunConfiguration) -> Void) -> PythonExperiment {
            var c = RunConfiguration()
            c.engine = .interpreter(name: interpreter.engine, gil: interpreter.gilDesign)
            c.checkPoints = interpreter.checkPoints
            c.repetitions = repetitions
            c.warmup = 0
            edit(&c)
            return PythonExperiment(program: program, configuration: c, interval: nil)
        }
        var list = [make("coroutines") { $0.mode = .coroutines; $0.n = n; $0.tasks = 2 }]
        for size in sizes {
            for mode in [ExecutionMode.threads, .processes, .coroutines] {
                for pattern in MessagePattern.allCases {
                    list.append(make("pipeline-\(mode.rawValue)-\(pattern.rawValue)") {
                        $0.workload = .pipeline; $0.mode = mode; $0.pattern = pattern
                        $0.messages = messages; $0.messageSize = size
                        $0.applyWorkloadShape()
                        // The script's n is the number of messages.
                        $0.n = messages
                    })
                }
            }
        }
        return list
    }
}
