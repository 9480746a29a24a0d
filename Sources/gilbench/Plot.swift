import ArgumentParser
import Foundation
import GilBench
import SystemPackage

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
            let rows = try CSVReader.read(path: file)
            guard !rows.isEmpty else { throw GilBenchError(.badInput, "\(file): no rows to plot") }
            let sibling = (file as NSString).deletingPathExtension + "-timeline.csv"
            let timelinePath = timeline ?? (FileManager.default.fileExists(atPath: sibling) ? sibling : nil)
            var events: [GILEventRecorder.Event]?
            if let timelinePath {
                let text: String
                do {
                    text = try FileIO.readText(timelinePath)
                } catch {
                    throw GilBenchError(.unreadableInput, "cannot read \(timelinePath)", errno: error as? Errno)
                }
                events = try GILTimelineFile.parse(text, path: timelinePath)
            }
            let paths = try PlotSet.write(PlotSet.plots(rows: rows, timeline: events), to: out)
            for path in paths { print(path) }
        }
    }
}
