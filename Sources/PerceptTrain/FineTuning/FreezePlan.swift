import PerceptNN

/// What is frozen in each epoch of a run: `--freeze SPEC` from the start, and `--unfreeze
/// 'EPOCH:SPEC;…'` releasing parts after the given epochs. The frozen set depends only on the
/// epochs completed, so a resumed run freezes exactly as the uninterrupted one did.
///
/// ```swift
/// let plan = FreezePlan(freeze: try FreezeSpec(parsing: "all-but-last:2"), unfreeze: try FreezePlan.steps(parsing: "5:*"))
/// try plan.apply(to: model, completedEpochs: 5)   // everything trains from epoch 6
/// ```
public struct FreezePlan: Codable, Equatable, Sendable {
    /// One `EPOCH:SPEC` of `--unfreeze`.
    public struct Step: Codable, Equatable, Sendable {
        /// The parameters are released once this many epochs are done.
        public var afterEpoch: Int
        /// Which parameters.
        public var spec: FreezeSpec
    }

    /// What is frozen at the start; nil freezes nothing.
    public var freeze: FreezeSpec?
    /// The unfreezing steps, in the order given.
    public var unfreeze: [Step]

    /// A plan.
    public init(freeze: FreezeSpec?, unfreeze: [Step] = []) {
        self.freeze = freeze
        self.unfreeze = unfreeze
    }

    /// Reads `EPOCH:SPEC;EPOCH:SPEC` (SPEC as `--freeze` takes it); throws ``FreezeSpecError``.
    public static func steps(parsing text: String) throws -> [Step] {
        try text.split(separator: ";").map { part in
            guard let colon = part.firstIndex(of: ":"), let epoch = Int(part[..<colon]), epoch >= 0 else {
                throw FreezeSpecError(spec: String(part), message: "an unfreeze step is EPOCH:SPEC with a whole number EPOCH ≥ 0")
            }
            return Step(afterEpoch: epoch, spec: try FreezeSpec(parsing: String(part[part.index(after: colon)...])))
        }
    }

    /// Sets which parameters of `model` are frozen after `completedEpochs` epochs.
    public func apply(to model: Module, completedEpochs: Int) throws {
        model.unfreeze(where: { _ in true })
        if let freeze { try model.freeze(freeze) }
        for step in unfreeze where step.afterEpoch <= completedEpochs { try model.unfreeze(step.spec) }
    }

    /// Throws when a spec does not fit `model` (a pattern matching nothing, a count too large),
    /// before any training.
    public func check(_ model: Module) throws {
        for spec in [freeze].compactMap({ $0 }) + unfreeze.map(\.spec) { _ = try spec.parameterNames(in: model) }
    }
}
