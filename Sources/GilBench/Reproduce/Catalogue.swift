import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
import Foundation

/// The experiments `gilbench reproduce` runs: the machine's own ceiling first, then the talk's in its
/// order, then those beyond it.
///
/// Each experiment is defined in a file of its own under `Experiments/` (configurations, claims and
/// the figures they print); the queries and figures they share are in `Experiments/Shared.swift`.
/// Each claim names the figure of ``SlideReference`` it answers by its key (`80:threads`); every figure
/// is answered by some claim or listed in ``Catalogue/notJudged`` with the reason (the tests check
/// this). Experiments whose capability is not in this build say so and run nothing: they are never faked.
public enum Catalogue {
    /// Every experiment, available or not.
    public static var experiments: [Experiment] {
        [machine, race, messages, countdown, checkInterval, longTick, syscalls, failedAcquisitions, extensionSpeedup, processes, hashing,
         events, coroutines, intervalGIL, convoy, fairGIL, noGIL]
    }

    /// Reference figures that are settings rather than measurements, with why no verdict is drawn on them.
    public static let notJudged: [SlideReference.Key: String] = [:]

    /// The experiments that reproduce any of `slides` (all when empty), with `machine` when one of them
    /// has a claim judged against the machine's ceiling; unknown slide numbers are refused.
    /// - Throws: `GilBenchError` `.usage` naming a slide or experiment no experiment covers.
    public static func select(_ selectors: [String]) throws(GilBenchError) -> [Experiment] {
        guard !selectors.isEmpty else { return experiments }
        var chosen: [String] = []
        for selector in selectors {
            let matches: [Experiment]
            if let slide = Int(selector) {
                matches = experiments.filter { $0.slides.contains(slide) }
            } else {
                matches = experiments.filter { $0.id == selector }
            }
            guard !matches.isEmpty else {
                let slides = Set(experiments.flatMap(\.slides)).sorted().map(String.init).joined(separator: ", ")
                throw GilBenchError(.usage, "--only \(selector): no experiment reproduces it; slides: \(slides); or an experiment: \(experiments.map(\.id).joined(separator: ", "))")
            }
            chosen += matches.map(\.id)
        }
        // A claim judged against the machine's ceiling needs the ceiling measured in the same run.
        if experiments.contains(where: { chosen.contains($0.id) && $0.claims.contains(where: \.criterion.needsCeiling) }) {
            chosen.append(machine.id)
        }
        return experiments.filter { chosen.contains($0.id) }
    }
}
