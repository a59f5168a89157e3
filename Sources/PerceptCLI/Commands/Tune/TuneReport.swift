import Foundation
import Percept

/// What a search leaves beside `results.csv` after every trial: `best.yaml` (the best trial's
/// options, usable as `--cfg` for `percept classify train`), `best.safetensors` (its best
/// epoch's weights, from its first execution) and `tuning.png` (the objective against the trial
/// and against each parameter, the best trial in orange).
enum TuneReport {
    /// The best completed trial of `records`, nil when none completed.
    static func best(_ records: [TrialRecord], direction: ObjectiveDirection) -> TrialRecord? {
        var best: TrialRecord?
        for record in records {
            guard let objective = record.objective else { continue }
            if let current = best?.objective, !direction.isBetter(objective, than: current) { continue }
            best = record
        }
        return best
    }

    /// Rewrites results.csv, best.yaml, best.safetensors and tuning.png in `folder`.
    static func write(_ records: [TrialRecord], runner: TuneTrialRunner, folder: String) throws {
        let settings = runner.settings, space = runner.space
        try runner.store.writeTable(records, space: space, objective: settings.objective)
        try writeImage(plot(records, space: space, objective: settings.objective, direction: settings.direction),
                       to: (folder as NSString).appendingPathComponent("tuning.png"))
        guard let best = best(records, direction: settings.direction) else { return }
        var values = try settings.arguments(for: best.plan, execution: 1, space: space).values
        values["seed"] = settings.base["seed"]
        values["project"] = settings.base["project"]
        values["name"] = nil
        try RunFolder.write(try TrainingArguments(values: values).yaml, to: (folder as NSString).appendingPathComponent("best.yaml"))
        let weights = runner.runFolder(trial: best.plan.id, execution: 1).weightsFolder + "/best.safetensors"
        let destination = (folder as NSString).appendingPathComponent("best.safetensors")
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: weights))
            try data.write(to: URL(fileURLWithPath: destination), options: .atomic)
        } catch {
            throw RunFolderError.unwritable(file: destination, reason: "cannot copy \(weights): \(error.localizedDescription)")
        }
    }

    /// The panels: the objective by trial, then by each parameter (log-scale ranges and choices
    /// of numbers spanning decades in log10, choices of words by their position in the list).
    static func plot(_ records: [TrialRecord], space: SearchSpace, objective: String, direction: ObjectiveDirection) -> Image {
        let completed = records.filter { $0.objective != nil }
        let bestID = best(records, direction: direction)?.plan.id
        var panels: [ScatterPanelsPlot.Panel] = [("TRIAL", completed.map { (x: Double($0.plan.id), y: $0.objective ?? .nan, highlighted: $0.plan.id == bestID) })]
        for parameter in space.parameters {
            var title = parameter.name
            var position: (TuneValue) -> Double? = { $0.number }
            if Self.spansDecades(parameter.domain) {
                title = "log10 \(parameter.name)"
                position = { $0.number.map(log10) }
            } else if case .choice(let choices) = parameter.domain, choices.contains(where: { $0.number == nil }) {
                title = "\(parameter.name) " + choices.enumerated().map { "\($0.offset)=\($0.element)" }.joined(separator: " ")
                position = { value in choices.firstIndex(of: value).map(Double.init) }
            }
            let points = completed.compactMap { record -> (x: Double, y: Double, highlighted: Bool)? in
                guard let value = record.plan.values[parameter.name], let x = position(value) else { return nil }
                return (x: x, y: record.objective ?? .nan, highlighted: record.plan.id == bestID)
            }
            panels.append((title, points))
        }
        return ScatterPanelsPlot.draw(yTitle: objective, panels: panels)
    }

    /// Whether the values are best shown in log10: a log-scale range, or positive choices at
    /// least a hundredfold apart (`lr: {choice: [1e-2, 1e-3, 1e-4]}`).
    private static func spansDecades(_ domain: SearchParameter.Domain) -> Bool {
        switch domain {
        case .real(_, _, let scale, _):
            return scale == .log
        case .choice(let values):
            let numbers = values.compactMap(\.number)
            guard numbers.count == values.count, let low = numbers.min(), let high = numbers.max(), low > 0 else { return false }
            return high / low >= 100
        case .integer:
            return false
        }
    }

    private static func writeImage(_ image: Image, to file: String) throws {
        do {
            try image.write(to: URL(fileURLWithPath: file))
        } catch {
            throw RunFolderError.unwritable(file: file, reason: "\(error)")
        }
    }
}
