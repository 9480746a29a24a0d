import ArgumentParser
import GilBench

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Redraw the SVG plots from a CSV file gilbench wrote.",
        discussion: """
            Draws every plot the rows support (wall time per configuration, system calls, failed \
            wake-ups, speed-up against n, check-interval sweep, response times). A timeline file \
            (RUN-timeline.csv beside RUN.csv, or --timeline) adds the GIL timeline.
            """)

    @Argument(help: "A CSV file written by gilbench run, sweep or reproduce.")
    var file: String

    @Option(help: "Folder to write the plots to.")
    var out: String = "plots"

    @Option(help: "A GIL timeline file (default: FILE's name with -timeline.csv, if it exists).")
    var timeline: String?

    func run() throws {
        try reporting {
            for path in try PlotSet.redraw(csv: file, timeline: timeline, to: out) { print(path) }
        }
    }
}
