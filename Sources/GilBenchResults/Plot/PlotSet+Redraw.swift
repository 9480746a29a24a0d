import Foundation
import GilBenchSimulator
import GilBenchSystem
import SystemPackage

extension PlotSet {
    /// Draws every plot the rows of a CSV file that gilbench wrote support, with the GIL timeline of
    /// `timelinePath` (default: the file's name with `-timeline.csv`, when it exists), into `directory`.
    /// - Returns: the paths written.
    /// - Throws: `GilBenchError` `.badInput` when the file has no rows or a malformed timeline,
    ///   `.unreadableInput` when a file cannot be read, `.unwritableOutput` when a plot cannot be written.
    public static func redraw(csv path: String, timeline timelinePath: String?, to directory: String) throws(GilBenchError) -> [String] {
        let rows = try CSVReader.read(path: path)
        guard !rows.isEmpty else { throw GilBenchError(.badInput, "\(path): no rows to plot") }
        let sibling = (path as NSString).deletingPathExtension + "-timeline.csv"
        var events: [GILEventRecorder.Event]?
        if let timelinePath = timelinePath ?? (FileManager.default.fileExists(atPath: sibling) ? sibling : nil) {
            let text: String
            do {
                text = try FileIO.readText(timelinePath)
            } catch {
                throw GilBenchError(.unreadableInput, "cannot read \(timelinePath)", errno: error)
            }
            events = try GILTimelineFile.parse(text, path: timelinePath)
        }
        return try write(plots(rows: rows, timeline: events), to: directory)
    }
}
