import Foundation

/// What the search decided a trial runs: its values, how far it trains and, for a trial
/// Hyperband promotes, the trial whose checkpoint it continues.
public struct TrialPlan: Codable, Equatable, Sendable {
    /// The trial's number, from 1.
    public let id: Int
    /// One value per active parameter.
    public let values: [String: TuneValue]
    /// The epoch the model reaches at the end of the trial.
    public let epochs: Int
    /// The epoch it starts from (0, or the epochs of the trial it continues).
    public let initialEpoch: Int
    /// The trial whose checkpoint this one continues (Hyperband's promotions).
    public let parent: Int?
    /// Hyperband: the bracket's serial number (0, 1, …), its number `s` and the round in it.
    public let bracket: HyperbandPosition?
    /// The random draw that made the values (random search and Hyperband's first rounds).
    public let draw: Int?

    /// A plan.
    public init(id: Int, values: [String: TuneValue], epochs: Int, initialEpoch: Int = 0, parent: Int? = nil,
                bracket: HyperbandPosition? = nil, draw: Int? = nil) {
        self.id = id
        self.values = values
        self.epochs = epochs
        self.initialEpoch = initialEpoch
        self.parent = parent
        self.bracket = bracket
        self.draw = draw
    }

    /// The epochs the trial trains itself.
    public var trainedEpochs: Int { epochs - initialEpoch }
}

/// Where a Hyperband trial sits: which bracket (by serial number and by Li et al.'s `s`) and
/// which round of successive halving.
public struct HyperbandPosition: Codable, Equatable, Sendable {
    /// The bracket's serial number in the search: 0 for the first bracket started, 1 for the next, ….
    public let serial: Int
    /// The bracket's number `s` (its number of halvings); the first bracket has the most.
    public let number: Int
    /// The round in the bracket, from 0.
    public let round: Int

    /// A position.
    public init(serial: Int, number: Int, round: Int) {
        self.serial = serial
        self.number = number
        self.round = round
    }
}

/// How a trial ended.
public enum TrialStatus: String, Codable, Sendable {
    /// Every execution trained to the end; the objective is their average.
    case completed
    /// An execution failed (a loss that became NaN, a model the values cannot build); the
    /// search goes on without it.
    case failed
}

/// The outcome of a finished trial.
public struct TrialResult: Codable, Equatable, Sendable {
    /// How it ended.
    public let status: TrialStatus
    /// The objective (the mean over executions of each execution's best epoch), nil when failed.
    public let objective: Double?
    /// Wall-clock seconds of all its executions.
    public let seconds: Double
    /// Why it failed.
    public let message: String?

    /// A result.
    public init(status: TrialStatus, objective: Double?, seconds: Double, message: String? = nil) {
        self.status = status
        self.objective = objective
        self.seconds = seconds
        self.message = message
    }
}

/// A trial as the search knows it: its plan and, once it has finished, its result.
public struct TrialRecord: Equatable, Sendable {
    /// The plan.
    public let plan: TrialPlan
    /// The result; nil while it runs.
    public var result: TrialResult?

    /// A record.
    public init(plan: TrialPlan, result: TrialResult? = nil) {
        self.plan = plan
        self.result = result
    }

    /// The objective of a completed trial.
    public var objective: Double? { result?.status == .completed ? result?.objective : nil }
}

/// Which way the objective improves: `val_loss` goes down, accuracies go up.
public enum ObjectiveDirection: String, Sendable {
    /// Smaller is better.
    case minimize
    /// Larger is better.
    case maximize

    /// Keras Tuner's rule: an objective named for a loss or an error is minimised.
    public init(objective: String) {
        self = objective.contains("loss") || objective.contains("error") ? .minimize : .maximize
    }

    /// Whether `a` is better than `b`.
    public func isBetter(_ a: Double, than b: Double) -> Bool { self == .maximize ? a > b : a < b }
}
