import PerceptTensor

/// Something whose training state a checkpoint saves: optimizers and schedules.
public protocol TrainingStateHolder: AnyObject {
    /// The state to save.
    func stateDict() throws -> SavedState
    /// Restores saved state.
    func load(_ saved: SavedState) throws
}

extension Optimizer: TrainingStateHolder {}
extension LearningRateScheduler: TrainingStateHolder {}
extension ReduceOnPlateau: TrainingStateHolder {}

/// Everything needed to resume training exactly: model weights and buffers, optimizer state,
/// schedule state, the default random generator's state and the step, in one safetensors
/// file. Tensors are keyed `model.*`, `optimizer.*`, `schedule.*`; exact numbers go to the
/// metadata as `percept.optimizer.*`, `percept.schedule.*`, with `percept.rng`, `percept.step`,
/// `percept.arch` and `percept.config`.
///
/// ```swift
/// try Checkpoint.capture(model: model, optimizer: optimizer, schedule: scheduler, step: 2).write(to: "c.safetensors")
/// try Checkpoint.read(from: "c.safetensors").restore(model: model, optimizer: optimizer, schedule: scheduler)
/// ```
public struct Checkpoint {
    /// The model's state dict.
    public var model: [String: Tensor]
    /// The optimizer's state.
    public var optimizer: SavedState
    /// The schedule's state (empty when there is none).
    public var schedule: SavedState
    /// The default random generator's state words.
    public var randomState: [UInt64]
    /// The training step reached.
    public var step: Int
    /// The model's architecture name, when known.
    public var architecture: String?
    /// The model's configuration as JSON, when known.
    public var configuration: String?
    /// Further metadata written with the checkpoint (class names, normalisation), read back as
    /// every entry not under `percept.optimizer.` or `percept.schedule.`.
    public var metadata: [String: String] = [:]

    /// The current state of a training run.
    public static func capture(model: Module, optimizer: TrainingStateHolder, schedule: TrainingStateHolder? = nil, step: Int,
                               architecture: String? = nil, configuration: String? = nil) throws -> Checkpoint {
        Checkpoint(model: model.stateDict(), optimizer: try optimizer.stateDict(), schedule: try schedule?.stateDict() ?? SavedState(),
                   randomState: DefaultRandom.shared.stateWords, step: step, architecture: architecture, configuration: configuration)
    }

    /// Puts the saved state back into the model, optimizer, schedule and random generator.
    public func restore(model: Module, optimizer: TrainingStateHolder, schedule: TrainingStateHolder? = nil) throws {
        try model.load(self.model, strict: true)
        try optimizer.load(self.optimizer)
        try schedule?.load(self.schedule)
        DefaultRandom.shared = try RandomGenerator(state: randomState)
    }

    /// Writes the checkpoint atomically.
    public func write(to path: String) throws {
        var tensors: [String: Tensor] = [:]
        var metadata = self.metadata
        metadata["percept.step"] = String(step)
        metadata["percept.rng"] = randomState.map(String.init).joined(separator: ",")
        metadata[ModelFile.architectureKey] = architecture
        metadata[ModelFile.configurationKey] = configuration
        for (key, value) in model { tensors["model." + key] = value }
        for (part, saved) in [("optimizer", optimizer), ("schedule", schedule)] {
            for (key, value) in saved.tensors { tensors[part + "." + key] = value }
            // Swift's description of a Double reads back to the same bits.
            for (key, value) in saved.numbers { metadata["percept.\(part).\(key)"] = String(value) }
        }
        try Tensor.saveSafetensors(tensors, metadata: metadata, to: path)
    }

    /// Reads a checkpoint written by `write(to:)`.
    public static func read(from path: String) throws -> Checkpoint {
        let (tensors, metadata) = try Tensor.loadSafetensors(from: path, loading: .readFully)
        func required(_ key: String) throws -> String {
            guard let value = metadata[key] else { throw ModelFileError.missingMetadata(file: path, key: key) }
            return value
        }
        let stepText = try required("percept.step"), rngText = try required("percept.rng")
        guard let step = Int(stepText) else {
            throw ModelFileError.invalidMetadata(file: path, key: "percept.step", expected: "an integer", found: stepText)
        }
        let words = rngText.split(separator: ",").compactMap { UInt64($0) }
        guard words.count == 4 else {
            throw ModelFileError.invalidMetadata(file: path, key: "percept.rng", expected: "four comma-separated integers", found: rngText)
        }
        var checkpoint = Checkpoint(model: [:], optimizer: SavedState(), schedule: SavedState(), randomState: words, step: step,
                                    architecture: metadata[ModelFile.architectureKey], configuration: metadata[ModelFile.configurationKey])
        for (key, value) in tensors {
            if key.hasPrefix("model.") { checkpoint.model[String(key.dropFirst(6))] = value }
            if key.hasPrefix("optimizer.") { checkpoint.optimizer.tensors[String(key.dropFirst(10))] = value }
            if key.hasPrefix("schedule.") { checkpoint.schedule.tensors[String(key.dropFirst(9))] = value }
        }
        for (key, text) in metadata {
            if !key.hasPrefix("percept.optimizer."), !key.hasPrefix("percept.schedule.") { checkpoint.metadata[key] = text }
            for (prefix, isOptimizer) in [("percept.optimizer.", true), ("percept.schedule.", false)] where key.hasPrefix(prefix) {
                guard let value = Double(text) else {
                    throw ModelFileError.invalidMetadata(file: path, key: key, expected: "a number", found: text)
                }
                if isOptimizer {
                    checkpoint.optimizer.numbers[String(key.dropFirst(prefix.count))] = value
                } else {
                    checkpoint.schedule.numbers[String(key.dropFirst(prefix.count))] = value
                }
            }
        }
        return checkpoint
    }
}
