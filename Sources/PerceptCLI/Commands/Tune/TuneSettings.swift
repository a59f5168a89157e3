import Foundation
import Percept

/// Everything that defines a search, saved as `search.json` in its folder so `--resume` runs
/// the same search: the base training options, the space file's text and the algorithm.
struct TuneSettings: Codable, Equatable {
    /// The algorithms `--algorithm` names.
    enum Algorithm: String, Codable, CaseIterable {
        case grid, random, hyperband
    }

    /// The training options every trial starts from (keys as in `args.yaml`).
    var base: [String: String]
    /// The space file's path and text.
    var spaceFile: String
    var spaceText: String
    var algorithm: Algorithm
    var maxTrials: Int?
    var executionsPerTrial: Int
    var objective: String
    var maxEpochs: Int
    var factor: Int
    var iterations: Int
    /// The first training and validation examples used, when the data is cut down.
    var trainSubset: Int?
    var valSubset: Int?

    /// The training options a space may search: every option of `args.yaml` but those that
    /// say where the data and the run are, the seed and the epochs (the algorithm sets them).
    static let searchableTrainingKeys = TrainingArguments.keys.map(\.key).filter {
        !["data", "project", "name", "seed", "epochs", "model_options", "workers", "skip_bad"].contains($0)
    }

    /// The base arguments, checked.
    func baseArguments() throws -> TrainingArguments { try TrainingArguments(values: base) }

    /// The option names the space may use: the searchable training options and the family
    /// options of the base model (none for a weights file).
    func searchableNames() throws -> [String] {
        let model = base["model"] ?? ""
        let options = FileManager.default.fileExists(atPath: model) ? [] : ((try? ModelRegistry.entry(model))?.optionNames ?? [])
        return Self.searchableTrainingKeys + options
    }

    /// The space, parsed from the saved text.
    func space() throws -> SearchSpace {
        let names = try searchableNames()
        return try SearchSpace.parse(spaceText, file: spaceFile, isKnownName: names.contains, knownNames: names)
    }

    /// The objective's direction.
    var direction: ObjectiveDirection { ObjectiveDirection(objective: objective) }

    /// The search algorithm these settings describe.
    func makeAlgorithm(_ space: SearchSpace, seed: UInt64, epochs: Int) -> any SearchAlgorithm {
        switch algorithm {
        case .grid: GridSearch(space: space, epochs: epochs)
        case .random: RandomSearch(space: space, epochs: epochs, seed: seed)
        case .hyperband: Hyperband(space: space, maxEpochs: maxEpochs, factor: factor, iterations: iterations, direction: direction, seed: seed)
        }
    }

    /// The arguments of one execution of a trial: the base options with the trial's values
    /// (family options joined into `model_options`), its epochs and the execution's seed.
    func arguments(for plan: TrialPlan, execution: Int, space: SearchSpace) throws -> TrainingArguments {
        var values = base
        var modelOptions = TrainingArguments.modelOptions(base["model_options"] ?? "") ?? [:]
        for (name, value) in plan.values {
            if Self.searchableTrainingKeys.contains(name) {
                values[name] = value.description
            } else {
                modelOptions[name] = value.number ?? .nan
            }
        }
        values["model_options"] = modelOptions.isEmpty ? nil : modelOptions.keys.sorted().map { "\($0)=\(TuneValue.real(modelOptions[$0] ?? 0).description)" }.joined(separator: ",")
        values["epochs"] = String(plan.epochs)
        values["seed"] = String((UInt64(base["seed"] ?? "0") ?? 0) &+ UInt64(execution - 1))
        return try TrainingArguments(values: values)
    }

    /// Reads `search.json` of a search folder.
    static func read(folder: String) throws -> TuneSettings {
        let file = (folder as NSString).appendingPathComponent("search.json")
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ArgumentsFileError(file: file, message: "not found; is this a folder written by percept tune?")
        }
        do {
            return try JSONDecoder().decode(TuneSettings.self, from: data)
        } catch {
            throw ArgumentsFileError(file: file, message: "not the settings of a search: \(error)")
        }
    }

    /// Writes `search.json` into `folder`.
    func write(folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let text = String(decoding: try encoder.encode(self), as: UTF8.self)
        try RunFolder.write(text + "\n", to: (folder as NSString).appendingPathComponent("search.json"))
    }
}
