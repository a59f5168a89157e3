import Foundation
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// The one training loop every task shares. The task says how a batch becomes a loss and what
/// validation measures; the trainer owns the rest: epochs in train and eval modes, validation
/// after each epoch, the learning-rate plan with its warm-up, gradient clipping, the moving
/// average of the weights, early stopping, the stop on a non-finite loss or gradient, a stop
/// on request, and the checkpoints `weights/last.safetensors` (everything needed to resume)
/// and `weights/best.safetensors` (the best epoch's weights).
///
/// ```swift
/// let trainer = try Trainer(model: model, description: ModelDescription(name: "mlp", configuration: configuration), task: ClassificationTask(classes: 10),
///                           training: trainLoader, validation: valLoader, settings: settings, weightsFolder: "runs/classify/train/weights")
/// let outcome = try trainer.run()
/// ```
public final class Trainer {
    /// The model being trained.
    public let model: any ZooModel
    /// The model's registry name, configuration and extra metadata, written into every weights file.
    public let modelDescription: ModelDescription
    /// The task.
    public let task: any TrainingTask
    /// The settings.
    public let settings: TrainerSettings
    /// The optimizer (built from the settings).
    public let optimizer: Optimizer
    /// The learning rate of every step.
    public let plan: LearningRatePlan
    /// Where the run stands.
    public let progress = TrainingProgress()
    /// Behaviour added to the loop, called in order.
    public var callbacks: [any TrainingCallback] = []
    /// Set from anywhere to stop after the current step (Ctrl-C).
    public var stopFlag = StopFlag()
    /// Every epoch finished by this trainer (not those before a resume).
    public private(set) var history: [EpochRecord] = []
    /// The accumulator of the latest validation pass (its confusion matrix, for classifiers).
    public private(set) var lastValidation: (any ValidationAccumulator)?

    /// Each optimizer group's share of the planned learning rate (backbone, head), or empty.
    private let groupFactors: [Double]
    private let training: DataLoader
    private let validation: DataLoader?
    private let weightsFolder: String?
    /// The ranks this run shares its batches with (``DataParallel/current`` when made), or nil alone.
    private let parallel: DataParallel?
    private var bestState: [String: Tensor]?
    /// The current epoch's seconds waiting for batches and in its training loop (not saved: a
    /// resumed epoch reports the part after the resume); tests give it a scripted clock.
    var epochTiming = EpochTiming()

    /// A trainer at step 0. `weightsFolder`, when given, receives `last.safetensors` after every
    /// epoch and `best.safetensors` whenever the fitness improves.
    public init(model: any ZooModel, description: ModelDescription, task: any TrainingTask, training: DataLoader,
                validation: DataLoader?, settings: TrainerSettings, weightsFolder: String? = nil) throws {
        guard training.batchesPerEpoch > 0 else { throw TrainingError.emptyDataset(what: "training") }
        self.model = model
        self.modelDescription = description
        self.task = task
        self.training = training
        self.validation = validation
        self.settings = settings
        parallel = DataParallel.current
        // Only rank 0 writes; the other ranks train the same weights without a folder.
        self.weightsFolder = parallel?.isLeader == false ? nil : weightsFolder
        if let weightsFolder = self.weightsFolder {
            do {
                try FileManager.default.createDirectory(atPath: weightsFolder, withIntermediateDirectories: true)
            } catch {
                throw RunFolderError.unwritable(file: weightsFolder, reason: error.localizedDescription)
            }
        }
        try settings.freezing?.check(model)
        optimizer = try settings.optimizer.make(try Self.parameterGroups(model, description: description, settings: settings),
                                                learningRate: settings.learningRate, weightDecay: settings.weightDecay)
        plan = LearningRatePlan(settings, stepsPerEpoch: training.batchesPerEpoch)
        groupFactors = settings.backboneLearningRateFactor == 1 ? [] : [settings.backboneLearningRateFactor, 1]
        try parallel?.prepare(model, batch: training.batchSize)
    }

    /// The callbacks that run on this rank: all of them alone or on rank 0, none on the other ranks.
    private var activeCallbacks: [any TrainingCallback] { parallel?.isLeader == false ? [] : callbacks }

    /// One group of every parameter, or with a backbone factor other than 1 the backbone
    /// (everything but the head) at that share of the learning rate and the head at the full rate.
    static func parameterGroups(_ model: any ZooModel, description: ModelDescription, settings: TrainerSettings) throws -> any ParameterGroups {
        guard settings.backboneLearningRateFactor != 1 else { return model }
        let heads = try PretrainedWeights.headNames(entry: ModelRegistry.entry(description.name), configuration: description.configuration)
        let named = model.namedParameters()
        return [ParameterGroup(named.filter { !heads.contains($0.name) }.map(\.parameter),
                               learningRate: settings.learningRate * settings.backboneLearningRateFactor),
                ParameterGroup(named.filter { heads.contains($0.name) }.map(\.parameter))]
    }

    /// The path of `last.safetensors`, or nil without a weights folder.
    public var lastPath: String? { weightsFolder.map { $0 + "/last.safetensors" } }
    /// The path of `best.safetensors`, or nil without a weights folder.
    public var bestPath: String? { weightsFolder.map { $0 + "/best.safetensors" } }

    /// Continues from a checkpoint written by a trainer with the same model and settings:
    /// weights, optimizer, position, early-stopping memory, moving average and random state.
    public func resume(from path: String) throws {
        let checkpoint = try Checkpoint.read(from: path)
        guard checkpoint.architecture == modelDescription.name else {
            throw TrainingError.checkpointMismatch(file: path, message: "the checkpoint holds architecture \"\(checkpoint.architecture ?? "none")\", this run trains \"\(modelDescription.name)\"")
        }
        do {
            try checkpoint.restore(model: model, optimizer: optimizer, schedule: progress)
        } catch {
            throw TrainingError.checkpointMismatch(file: path, message: "it does not fit this run: \(error)")
        }
        if let bestPath, progress.bestEpoch > 0, FileManager.default.fileExists(atPath: bestPath) {
            bestState = try ModelFile.read(from: bestPath).stateDict
        }
    }

    /// Trains until the last epoch, an early stop or a requested stop; throws on a non-finite
    /// loss or gradient (the model keeps its last good weights, and so does `last`).
    @discardableResult
    public func run() throws -> TrainingOutcome {
        let outcome = try trainEpochs()
        for callback in activeCallbacks { try callback.trainingEnded(outcome, trainer: self) }
        return outcome
    }

    private func trainEpochs() throws -> TrainingOutcome {
        while progress.epoch < settings.epochs {
            let started = Date()
            let finished = try trainEpoch()
            progress.epochSeconds += Date().timeIntervalSince(started)
            // Validation and the next epoch allocate other sizes (a last partial batch, no
            // gradients): the buffers kept for training's steps would only sit beside them.
            TensorMemory.releaseCachedBuffers()
            guard finished else {
                try writeLast()
                return .interrupted(step: progress.step)
            }
            let record = try finishEpoch()
            TensorMemory.releaseCachedBuffers()
            history.append(record)
            if let patience = settings.patience, progress.epochsWithoutImprovement >= patience, progress.epoch < settings.epochs {
                if settings.restoreBest, let bestState { try model.load(bestState, strict: true) }
                return .stoppedEarly(bestEpoch: progress.bestEpoch)
            }
            if stopFlag.isRequested { return .interrupted(step: progress.step) }
        }
        return .completed
    }

    /// Trains the rest of the current epoch; false when a stop was requested before its end.
    private func trainEpoch() throws -> Bool {
        model.train(true)
        if let freezing = settings.freezing {
            try freezing.apply(to: model, completedEpochs: progress.epoch)
            model.keepFrozenBatchNormInEval()
        }
        let epochStart = Date(), secondsBefore = progress.epochSeconds
        (training.dataset as? any EpochScheduledDataset)?.startEpoch(progress.epoch, of: settings.epochs)
        var batches = parallel.map { training.batches(epoch: progress.epoch, rank: $0.world.rank, of: $0.world.size) }
            ?? training.batches(epoch: progress.epoch)
        var index = 0
        let loopStart = epochTiming.loopStarted()
        defer { epochTiming.loopEnded(startedAt: loopStart) }
        while true {
            guard let batch = try epochTiming.waiting({ try batches.next() }) else { break }
            defer { index += 1 }
            // A resumed epoch skips the batches trained before the interruption; the loader
            // gives the same batches for the same epoch, so the run continues where it stopped.
            guard index >= progress.batchInEpoch else { continue }
            try trainStep(batch)
            for callback in activeCallbacks {
                callback.batchEnded(BatchProgress(epoch: progress.epoch + 1, epochs: settings.epochs, batch: progress.batchInEpoch,
                                                  batches: training.batchesPerEpoch, loss: progress.lossSum / Double(max(progress.lossCount, 1)),
                                                  examples: progress.lossCount, seconds: secondsBefore + Date().timeIntervalSince(epochStart)))
            }
            if stopFlag.isRequested && progress.batchInEpoch < training.batchesPerEpoch { return false }
        }
        return true
    }

    private func trainStep(_ batch: Batch) throws {
        plan.apply(to: optimizer, atStep: progress.step, factors: groupFactors)
        optimizer.zeroGrad()
        let (terms, _) = try task.lossTerms(model, batch)
        let loss = try LossTerm.total(terms)
        let value = try loss.item()
        guard value.isFinite else { throw TrainingError.nonFiniteLoss(step: progress.step + 1, epoch: progress.epoch + 1, value: value) }
        var lossSum = Double(value) * Double(batch.indices.count), examples = batch.indices.count
        if let parallel {
            (lossSum, examples) = try parallel.backward(terms, model: model, examples: examples)
        } else {
            try loss.backward()
        }
        if let parameter = try FiniteCheck.firstNonFiniteGradient(model) {
            throw TrainingError.nonFiniteGradient(step: progress.step + 1, epoch: progress.epoch + 1, parameter: parameter)
        }
        if let clipNorm = settings.clipNorm { try GradientClipping.clipByNorm(model.parameters(trainableOnly: true), maxNorm: clipNorm) }
        try optimizer.step()
        if let decay = settings.averageDecay(update: progress.step + 1) { try WeightAverage.update(&progress.averageWeights, model: model, decay: decay) }
        progress.step += 1
        progress.batchInEpoch += 1
        progress.lossSum += lossSum
        progress.lossCount += examples
    }

    /// Validates, keeps the best weights, writes the checkpoints and moves to the next epoch.
    private func finishEpoch() throws -> EpochRecord {
        let started = Date()
        let evaluated = try withWeightsToEvaluate { try validate() }
        let metrics = evaluated?.metrics ?? [:]
        lastValidation = evaluated?.accumulator
        let trainLoss = progress.lossSum / Double(max(progress.lossCount, 1))
        // Without validation data the training loss judges the epochs.
        let fitness = metrics[task.fitnessMetric] ?? -(evaluated?.loss ?? trainLoss)
        let isBest = fitness > progress.bestFitness + settings.minimumDelta || progress.bestEpoch == 0
        progress.epoch += 1
        if isBest {
            progress.bestFitness = fitness
            progress.bestEpoch = progress.epoch
            progress.epochsWithoutImprovement = 0
            bestState = weightsToSave()
            if let bestPath, let bestState { try modelDescription.weightsFile(bestState).write(to: bestPath) }
        } else {
            progress.epochsWithoutImprovement += 1
        }
        let record = EpochRecord(epoch: progress.epoch, trainLoss: trainLoss, validationLoss: evaluated?.loss, validationMetrics: metrics,
                                 learningRate: optimizer.groups.first?.learningRate ?? 0,
                                 seconds: progress.epochSeconds + Date().timeIntervalSince(started), isBest: isBest,
                                 dataWaitSeconds: epochTiming.waitSeconds, trainingSeconds: epochTiming.loopSeconds)
        epochTiming.reset()
        for callback in activeCallbacks { try callback.epochEnded(record, trainer: self) }
        progress.batchInEpoch = 0
        progress.lossSum = 0
        progress.lossCount = 0
        progress.epochSeconds = 0
        try writeLast()
        return record
    }

    /// The validation loss and metrics in eval mode, or nil without validation data.
    public func validate() throws -> ValidationResult? {
        guard let validation else { return nil }
        if let parallel { return try ShardedValidation.evaluate(model, task: task, data: validation, parallel: parallel) }
        return try ValidationResult.evaluate(model, task: task, data: validation)
    }

    /// Runs `body` with the weights that are validated and saved: the moving average when the
    /// run keeps one (the raw weights are put back afterwards), else the model's own.
    public func withWeightsToEvaluate<T>(_ body: () throws -> T) throws -> T {
        guard settings.emaDecay != nil, !progress.averageWeights.isEmpty else { return try body() }
        let raw = model.stateDict()
        try model.load(progress.averageWeights, strict: true)
        defer { try? model.load(raw, strict: true) }
        return try body()
    }

    private func weightsToSave() -> [String: Tensor] {
        settings.emaDecay != nil && !progress.averageWeights.isEmpty ? progress.averageWeights : model.stateDict()
    }

    /// Writes `last`: the raw weights, optimizer, position and random state, atomically.
    private func writeLast() throws {
        guard let lastPath else { return }
        var checkpoint = try Checkpoint.capture(model: model, optimizer: optimizer, schedule: progress, step: progress.step,
                                                architecture: modelDescription.name, configuration: try modelDescription.configurationJSON())
        checkpoint.metadata = modelDescription.metadata
        try checkpoint.write(to: lastPath)
    }
}
