import GilBenchSimulator

extension WorkerService {
    /// Serves when `arguments` are exactly what ``WorkerPool`` passes (`gilbench worker`, optionally
    /// `--fault KIND[:TASK]`) and returns the exit status; nil for any other command line, which
    /// goes through the argument parser (as `worker --help` does).
    public static func serveDirectly(_ arguments: [String]) -> Int32? {
        let rest = Array(arguments.dropFirst())
        guard rest.first == "worker" else { return nil }
        switch rest.count {
        case 1:
            return serve()
        case 3 where rest[1] == "--fault":
            guard let fault = WorkerFault(argument: rest[2]) else { return nil }
            return serve(fault: fault)
        default:
            return nil
        }
    }
}
