import Foundation
import Percept

/// Runs the trials of a search through the classify training entry (``ClassifyTraining``):
/// each execution trains in its own run folder `trials/NNNN/eK/` (args.yaml, results.csv,
/// weights); a trial Hyperband promotes first copies its parent's checkpoint there, and a
/// trial interrupted by a kill continues from its own `last`, so no epoch is trained twice.
final class TuneTrialRunner: @unchecked Sendable {
    let settings: TuneSettings
    let space: SearchSpace
    let store: TuningStore
    private let lock = NSLock()
    private var dataCache: [String: ClassificationData] = [:]

    init(settings: TuneSettings, space: SearchSpace, store: TuningStore) {
        self.settings = settings
        self.space = space
        self.store = store
    }

    /// The run folder of execution `execution` of trial `id`.
    func runFolder(trial id: Int, execution: Int) -> RunFolder {
        RunFolder(path: (store.trialFolder(id) as NSString).appendingPathComponent("e\(execution)"))
    }

    /// Trains every execution of `plan`; a loss that becomes NaN, or values the model cannot
    /// be built with, make a failed trial. Errors writing the folder stop the search.
    func run(_ plan: TrialPlan) throws -> TrialResult {
        let started = Date()
        var objectives: [Double] = []
        for execution in 1...settings.executionsPerTrial {
            do {
                objectives.append(try runExecution(plan, execution: execution))
            } catch let error as RunFolderError {
                throw error
            } catch {
                return TrialResult(status: .failed, objective: nil, seconds: Date().timeIntervalSince(started), message: ClassifyCLI.message(error))
            }
        }
        let mean = objectives.reduce(0, +) / Double(objectives.count)
        return TrialResult(status: .completed, objective: mean, seconds: Date().timeIntervalSince(started))
    }

    /// Trains one execution and returns its objective: the best value over the epochs this trial trained.
    private func runExecution(_ plan: TrialPlan, execution: Int) throws -> Double {
        let arguments = try settings.arguments(for: plan, execution: execution, space: space)
        let run = runFolder(trial: plan.id, execution: execution)
        var resume = FileManager.default.fileExists(atPath: run.lastWeights)
        if !resume, let parent = plan.parent {
            try copyCheckpoint(from: runFolder(trial: parent, execution: execution), to: run)
            resume = true
        }
        let session = try ClassifyTraining(arguments, data: try data(for: arguments), resume: resume, notice: { _ in }) {
            try Self.createFolder(run.path)
            try RunFolder.write(arguments.yaml, to: (run.path as NSString).appendingPathComponent("args.yaml"))
            return run
        }
        session.trainer.callbacks = [RunLog(folder: run, metricNames: session.trainer.task.metricNames)]
        try session.trainer.run()
        return try objective(of: run, after: plan.initialEpoch)
    }

    /// The best objective in `run`'s results.csv over the epochs after `initialEpoch`.
    private func objective(of run: RunFolder, after initialEpoch: Int) throws -> Double {
        let lines = ((try? String(contentsOfFile: run.resultsFile, encoding: .utf8)) ?? "").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard let header = lines.first, let column = header.firstIndex(where: { $0 == settings.objective }) else {
            throw ArgumentsFileError(file: run.resultsFile, message: "no column \(settings.objective)")
        }
        let values = lines.dropFirst().compactMap { row -> Double? in
            guard let epoch = Int(row.first ?? ""), epoch > initialEpoch, column < row.count else { return nil }
            return Double(row[column])
        }
        guard var best = values.first else { throw ArgumentsFileError(file: run.resultsFile, message: "no epoch after \(initialEpoch) was recorded") }
        for value in values where settings.direction.isBetter(value, than: best) { best = value }
        return best
    }

    /// Puts the parent's epoch rows and checkpoints into the promoted trial's folder, `last`
    /// last and by rename: a kill during the copy leaves no `last`, so the copy starts again.
    private func copyCheckpoint(from parent: RunFolder, to run: RunFolder) throws {
        try Self.createFolder(run.weightsFolder)
        do {
            for (source, destination) in [(parent.resultsFile, run.resultsFile), (parent.weightsFolder + "/best.safetensors", run.weightsFolder + "/best.safetensors"),
                                          (parent.lastWeights, run.lastWeights)] {
                let partial = destination + ".partial"
                try? FileManager.default.removeItem(atPath: partial)
                try FileManager.default.copyItem(atPath: source, toPath: partial)
                guard rename(partial, destination) == 0 else { throw CocoaError(.fileWriteUnknown) }
            }
        } catch {
            throw RunFolderError.unwritable(file: run.path, reason: "cannot copy the checkpoint of \(parent.path): \(error.localizedDescription)")
        }
    }

    private static func createFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RunFolderError.unwritable(file: path, reason: error.localizedDescription)
        }
    }

    /// The data of `arguments`, read once for each distinct way of reading it and cut to the subsets.
    private func data(for arguments: TrainingArguments) throws -> ClassificationData {
        let key = "\(arguments.imageSize ?? 0)|\(arguments.validationSplit)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = dataCache[key] { return cached }
        let loaded = try ClassifyTraining.loadData(arguments)
        let data = try ClassificationData(train: Self.prefix(loaded.train, settings.trainSubset), validation: Self.prefix(loaded.validation, settings.valSubset),
                                          inputShape: loaded.inputShape, warnings: loaded.warnings)
        dataCache[key] = data
        return data
    }

    private static func prefix(_ dataset: any ClassificationDataset, _ count: Int?) throws -> any ClassificationDataset {
        guard let count, count < dataset.count else { return dataset }
        return try Subset(AnyClassificationDataset(dataset), Array(0..<count))
    }
}
