import Foundation
import PerceptRandom

/// What a search algorithm says when asked for the next trial.
public enum SearchDecision: Equatable, Sendable {
    /// Run this trial.
    case run(TrialPlan)
    /// Nothing to start until a running trial finishes (Hyperband waiting for a round).
    case wait
    /// The search is over.
    case stop
}

/// A search algorithm: a pure function from the trials so far (their plans and results) to the
/// next decision, so a search interrupted and reloaded from its folder continues exactly.
public protocol SearchAlgorithm: Sendable {
    /// The next decision after `trials` (in the order they were started); `id` is the new trial's number.
    func next(after trials: [TrialRecord], id: Int) -> SearchDecision
}

/// How many random draws may repeat tried values before the search stops (Keras Tuner's
/// `max_collisions`).
let maximumCollisions = 20

/// Draws untried values: draw `n` uses a generator seeded with `seed + n`, so a resumed search
/// makes the same draws. Returns the values and the draw's number, or nil after
/// ``maximumCollisions`` draws that repeat tried values.
func untriedDraw(space: SearchSpace, seed: UInt64, trials: [TrialRecord]) -> (values: [String: TuneValue], draw: Int)? {
    let tried = Set(trials.map(\.plan.values))
    var draw = (trials.compactMap(\.plan.draw).max() ?? -1) + 1
    for _ in 0..<maximumCollisions {
        var generator = Xoshiro256StarStar(seed: seed &+ UInt64(draw))
        let values = space.draw(using: &generator)
        if !tried.contains(values) { return (values, draw) }
        draw += 1
    }
    return nil
}

/// Keras Tuner's RandomSearch: each trial draws untried values and trains `epochs` epochs.
public struct RandomSearch: SearchAlgorithm {
    /// The space.
    public let space: SearchSpace
    /// The epochs of every trial.
    public let epochs: Int
    /// The seed of the draws.
    public let seed: UInt64

    /// A random search.
    public init(space: SearchSpace, epochs: Int, seed: UInt64) {
        self.space = space
        self.epochs = epochs
        self.seed = seed
    }

    public func next(after trials: [TrialRecord], id: Int) -> SearchDecision {
        guard let (values, draw) = untriedDraw(space: space, seed: seed, trials: trials) else { return .stop }
        return .run(TrialPlan(id: id, values: values, epochs: epochs, draw: draw))
    }
}

/// Keras Tuner's GridSearch: every combination in order (see ``SearchSpace/gridCombinations(limit:)``),
/// each trained `epochs` epochs.
public struct GridSearch: SearchAlgorithm {
    /// The combinations, in order.
    public let combinations: [[String: TuneValue]]
    /// The epochs of every trial.
    public let epochs: Int

    /// A grid search over at most `limit` combinations of `space`.
    public init(space: SearchSpace, epochs: Int, limit: Int = 100_000) {
        combinations = space.gridCombinations(limit: limit)
        self.epochs = epochs
    }

    public func next(after trials: [TrialRecord], id: Int) -> SearchDecision {
        let tried = Set(trials.map(\.plan.values))
        guard let values = combinations.first(where: { !tried.contains($0) }) else { return .stop }
        return .run(TrialPlan(id: id, values: values, epochs: epochs))
    }
}
