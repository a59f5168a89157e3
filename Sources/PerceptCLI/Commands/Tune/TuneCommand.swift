import ArgumentParser
import Foundation
import Percept

/// `percept tune`: searches training and model options for the best validation objective,
/// running each trial through the classify training code, and records the search in a folder
/// it can resume from.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search hyper-parameters: writes results.csv, best.yaml, best.safetensors and tuning.png into --out.",
        discussion: """
        The space file maps option names (training options such as lr, batch, optimizer, augment, and
        the model's options such as width1 or dropout) to what to try:
          units: {int: [32, 512], step: 32}
          lr: {float: [1e-4, 1e-2], scale: log}
          optimizer: {choice: [adam, sgd]}
          momentum: {float: [0.8, 0.99], when: {optimizer: sgd}}
        Examples:
          percept tune --space space.yaml --task classify --model fashion_cnn --data fashion-mnist --algorithm hyperband --max-epochs 9
          percept tune --space space.yaml --task classify --model mlp --data photos/ --algorithm random --max-trials 20 --epochs 5
          percept tune --resume runs/tune/search
        --seed seeds both the draws and the training; a killed search continues with --resume DIR.
        """
    )

    @Option(help: "The search space, a YAML file (see above).")
    var space: String?
    @Option(help: "The task whose training is searched: classify.")
    var task: String?
    @OptionGroup var options: TrainingOptions
    @Option(help: "grid|random|hyperband (default random).")
    var algorithm: String?
    @Option(name: .customLong("max-trials"), help: "The most trials (default: 10 for random search; grid and hyperband run to their end).")
    var maxTrials: Int?
    @Option(name: .customLong("executions-per-trial"), help: "Trainings per trial with seeds seed, seed+1, …; the objective is their mean (default 1).")
    var executionsPerTrial: Int?
    @Option(help: "The validation column to optimise: val_accuracy, val_top5 or val_loss (default val_accuracy).")
    var objective: String?
    @Option(name: .customLong("max-epochs"), help: "Hyperband: the most epochs one model trains (default 9).")
    var maxEpochs: Int?
    @Option(help: "Hyperband: the reduction factor between rounds (default 3).")
    var factor: Int?
    @Option(name: .customLong("hyperband-iterations"), help: "Hyperband: sweeps over all brackets (default 1).")
    var hyperbandIterations: Int?
    @Option(help: "Trials run at once, each with its share of the threads (default 1).")
    var parallel: Int = 1
    @Option(name: .customLong("train-subset"), help: "Train on the first N training examples only.")
    var trainSubset: Int?
    @Option(name: .customLong("val-subset"), help: "Validate on the first N validation examples only.")
    var valSubset: Int?
    @Option(help: "The search's folder (default runs/tune/search, search2, …); it must be new or empty unless --force.")
    var out: String?
    @Flag(help: "Replace a non-empty --out folder written by Percept.")
    var force = false
    @Flag(help: "Print one JSON object per finished trial and a summary object on standard output.")
    var json = false

    func validate() throws {
        if options.resume != nil {
            let given = options.given.keys.sorted() + [space.map { _ in "space" }, task.map { _ in "task" }, algorithm.map { _ in "algorithm" },
                                                        maxTrials.map { _ in "max-trials" }, objective.map { _ in "objective" }, out.map { _ in "out" },
                                                        options.cfg.map { _ in "cfg" }].compactMap { $0 }
            guard given.isEmpty else {
                throw ValidationError("--resume continues the search as its search.json sets it up; drop \(given.map { "--" + $0 }.joined(separator: ", "))")
            }
            return
        }
        guard space != nil else { throw ValidationError("--space is required (a YAML file of the options to search)") }
        guard task == "classify" else { throw ValidationError("--task: expected classify, found \(task ?? "nothing")") }
        for (name, value) in [("max-trials", maxTrials), ("executions-per-trial", executionsPerTrial), ("max-epochs", maxEpochs),
                              ("hyperband-iterations", hyperbandIterations), ("train-subset", trainSubset), ("val-subset", valSubset)] {
            if let value, value < 1 { throw ValidationError("--\(name) must be at least 1, found \(value)") }
        }
        if let factor, factor < 2 { throw ValidationError("--factor must be at least 2, found \(factor)") }
        if parallel < 1 { throw ValidationError("--parallel must be at least 1, found \(parallel)") }
        if options.project != nil || options.name != nil { throw ValidationError("--project and --name do not apply to tune; the trials go under --out") }
        if let algorithm, TuneSettings.Algorithm(rawValue: algorithm) == nil { throw ValidationError("--algorithm: expected grid, random or hyperband, found \(algorithm)") }
        let metrics = ["val_loss"] + ClassificationTask(classes: 2).metricNames.map { "val_" + $0 }
        if let objective, !metrics.contains(objective) { throw ValidationError("--objective: expected one of \(metrics.joined(separator: ", ")), found \(objective)") }
    }

    func run() throws {
        try ClassifyCLI.reportingErrors(search)
    }

    private func search() throws {
        let resuming = options.resume != nil
        let settings = try resuming ? TuneSettings.read(folder: options.resume ?? "") : newSettings()
        let space = try settings.space()
        let base = try settings.baseArguments()
        let path = try options.resume ?? out ?? RunFolder.create(project: "runs", task: "tune", name: nil, stem: "search").path
        let output = try OutputFolderCLI.check(path, argument: "--out", protecting: OutputFolderCLI.inputs([base.data, settings.spaceFile]),
                                               force: force, keepExisting: resuming)
        let records = try OutputFolderCLI.write(output, command: "percept tune", inPlace: true) { url -> [TrialRecord] in
            try settings.write(folder: url.path)
            let store = try TuningStore(folder: url.path)
            let runner = TuneTrialRunner(settings: settings, space: space, store: store)
            let algorithm = settings.makeAlgorithm(space, seed: base.seed, epochs: base.epochs)
            let search = TuningSearch(algorithm: algorithm, store: store, maxTrials: settings.maxTrials, parallel: parallel)
            ClassifyCLI.printError("\(resuming ? "resuming" : "searching") \(space.names.joined(separator: ", ")) by \(settings.algorithm.rawValue) search for the best \(settings.objective), into \(output.location.path)")
            return try search.run(trial: { plan in
                ClassifyCLI.printError("trial \(plan.id): \(Self.describe(plan.values)) (epochs \(plan.initialEpoch)→\(plan.epochs))")
                return try runner.run(plan)
            }, finished: { records in
                if let record = records.last(where: { $0.result != nil }) { report(record, settings: settings) }
                try TuneReport.write(records, runner: runner, folder: url.path)
            })
        }
        summarise(records, settings: settings, folder: output.location.path)
    }

    /// The settings of a new search from the flags.
    private func newSettings() throws -> TuneSettings {
        var base = try options.cfg.map(TrainingArguments.readFile) ?? [:]
        for (key, value) in options.given { base[key] = value }
        _ = try TrainingArguments(values: base, source: options.cfg)
        let file = space ?? ""
        guard let data = FileManager.default.contents(atPath: file) else { throw SearchSpaceError(file: file, line: nil, message: "cannot read the file") }
        let chosen = algorithm.flatMap(TuneSettings.Algorithm.init(rawValue:)) ?? .random
        let settings = TuneSettings(base: base, spaceFile: file, spaceText: String(decoding: data, as: UTF8.self), algorithm: chosen,
                                    maxTrials: maxTrials ?? (chosen == .random ? 10 : nil), executionsPerTrial: executionsPerTrial ?? 1,
                                    objective: objective ?? "val_accuracy", maxEpochs: maxEpochs ?? 9, factor: factor ?? 3,
                                    iterations: hyperbandIterations ?? 1, trainSubset: trainSubset, valSubset: valSubset)
        _ = try settings.space()
        return settings
    }

    private static func describe(_ values: [String: TuneValue]) -> String {
        values.keys.sorted().map { "\($0)=\(values[$0]?.description ?? "")" }.joined(separator: " ")
    }

    private func report(_ record: TrialRecord, settings: TuneSettings) {
        guard let result = record.result else { return }
        if json {
            var object: [String: Any] = ["trial": record.plan.id, "status": result.status.rawValue, "epochs": record.plan.epochs,
                                         "trained_epochs": record.plan.trainedEpochs, "time_s": result.seconds]
            object["values"] = Dictionary(uniqueKeysWithValues: record.plan.values.map { ($0.key, $0.value.number.map { $0 as Any } ?? $0.value.description) })
            object[settings.objective] = result.objective
            printJSON(object)
        }
        let outcome = result.status == .completed ? String(format: "%@ %.4f", settings.objective, result.objective ?? .nan) : "failed: \(result.message ?? "")"
        ClassifyCLI.printError("trial \(record.plan.id): \(outcome) in \(String(format: "%.1f", result.seconds)) s")
    }

    private func summarise(_ records: [TrialRecord], settings: TuneSettings, folder: String) {
        let best = TuneReport.best(records, direction: settings.direction)
        let trialEpochs = records.reduce(0) { $0 + ($1.result == nil ? 0 : $1.plan.trainedEpochs) }
        if json {
            var object: [String: Any] = ["out": folder, "trials": records.count, "trial_epochs": trialEpochs,
                                         "failed": records.filter { $0.result?.status == .failed }.count]
            if let best {
                object["best_trial"] = best.plan.id
                object[settings.objective] = best.objective
            }
            printJSON(object)
        }
        guard let best else {
            ClassifyCLI.fail("\(folder): error: every trial failed; see results.csv")
        }
        ClassifyCLI.printError("done: \(records.count) trials, \(trialEpochs) trial-epochs; best trial \(best.plan.id): \(Self.describe(best.plan.values)), \(settings.objective) \(String(format: "%.4f", best.objective ?? .nan)); best.yaml and best.safetensors in \(folder)")
    }

    private func printJSON(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
