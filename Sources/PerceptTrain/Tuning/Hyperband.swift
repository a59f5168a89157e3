import Foundation

/// Hyperband (Li et al., JMLR 2018) as Keras Tuner's HyperbandOracle runs it: brackets from
/// the most aggressive (`s` = brackets − 1: many trials, one epoch each at first) down to
/// `s` = 0 (a plain random search at `maxEpochs`), each bracket's rounds keeping the best
/// 1/`factor` of the previous round and training them further from their checkpoints;
/// `iterations` sweeps over the brackets. The arithmetic is Keras Tuner's, rounding included.
///
/// ```swift
/// let hyperband = Hyperband(space: space, maxEpochs: 9, factor: 3, iterations: 1, seed: 0)
/// hyperband.brackets                   // 3
/// hyperband.size(bracket: 2, round: 0) // 9 trials of
/// hyperband.epochs(bracket: 2, round: 0) // 1 epoch
/// ```
public struct Hyperband: SearchAlgorithm {
    /// The space.
    public let space: SearchSpace
    /// The most epochs one model is trained.
    public let maxEpochs: Int
    /// The reduction factor between rounds.
    public let factor: Int
    /// How many times to sweep over every bracket.
    public let iterations: Int
    /// The objective's direction (promotions take the best).
    public let direction: ObjectiveDirection
    /// The seed of the draws.
    public let seed: UInt64

    /// A Hyperband search; `factor` must be at least 2 and `maxEpochs` at least 1.
    public init(space: SearchSpace, maxEpochs: Int, factor: Int, iterations: Int = 1, direction: ObjectiveDirection = .maximize, seed: UInt64) {
        self.space = space
        self.maxEpochs = maxEpochs
        self.factor = factor
        self.iterations = iterations
        self.direction = direction
        self.seed = seed
    }

    /// The number of brackets: how often `maxEpochs` can be divided by `factor` and stay at least one epoch, plus one.
    public var brackets: Int {
        var epochs = Double(maxEpochs), count = 0
        while epochs >= 1 {
            epochs /= Double(factor)
            count += 1
        }
        return count
    }

    /// The trials of round `round` of bracket `bracket`, sized so every bracket costs about the same.
    public func size(bracket: Int, round: Int) -> Int {
        let lastRoundOfBracketZero = (1 + log(Double(maxEpochs)) / log(Double(factor))).rounded(.up)
        let lastRound = lastRoundOfBracketZero / Double(bracket + 1)
        return Int((lastRound * pow(Double(factor), Double(bracket - round))).rounded(.up))
    }

    /// The epoch the models of round `round` of bracket `bracket` reach.
    public func epochs(bracket: Int, round: Int) -> Int {
        Int((Double(maxEpochs) / pow(Double(factor), Double(bracket - round))).rounded(.up))
    }

    /// Bracket `serial`'s number `s`: the brackets run from `brackets − 1` down to 0, then again.
    public func number(ofBracket serial: Int) -> Int { brackets - 1 - serial % brackets }

    public func next(after trials: [TrialRecord], id: Int) -> SearchDecision {
        let currentSerial = trials.compactMap(\.plan.bracket?.serial).max() ?? 0
        for serial in 0...currentSerial {
            let bracket = number(ofBracket: serial)
            let rounds = (0...bracket).map { round in trials.filter { $0.plan.bracket?.serial == serial && $0.plan.bracket?.round == round } }
            guard rounds[bracket].count < size(bracket: bracket, round: bracket) else { continue }
            if rounds[0].count < size(bracket: bracket, round: 0) {
                return randomTrial(id: id, serial: serial, trials: trials)
            }
            for round in 1..<max(rounds.count, 1) {
                let promoted = Set(rounds[round].compactMap(\.plan.parent))
                let candidates = rounds[round - 1].filter { $0.objective != nil && !promoted.contains($0.plan.id) }
                guard candidates.count > size(bracket: bracket, round: round - 1) - size(bracket: bracket, round: round) else { continue }
                // The first of equally good candidates, as Python's stable sort keeps them.
                var best = candidates[0]
                for candidate in candidates.dropFirst() where direction.isBetter(candidate.objective ?? 0, than: best.objective ?? 0) { best = candidate }
                return .run(TrialPlan(id: id, values: best.plan.values, epochs: epochs(bracket: bracket, round: round),
                                      initialEpoch: epochs(bracket: bracket, round: round - 1), parent: best.plan.id,
                                      bracket: HyperbandPosition(serial: serial, number: bracket, round: round)))
            }
        }
        let running = trials.contains { $0.result == nil }
        if number(ofBracket: currentSerial) == 0 && currentSerial / brackets + 1 >= iterations {
            return running ? .wait : .stop
        }
        return randomTrial(id: id, serial: currentSerial + 1, trials: trials)
    }

    private func randomTrial(id: Int, serial: Int, trials: [TrialRecord]) -> SearchDecision {
        guard let (values, draw) = untriedDraw(space: space, seed: seed, trials: trials) else {
            return trials.contains { $0.result == nil } ? .wait : .stop
        }
        let bracket = number(ofBracket: serial)
        return .run(TrialPlan(id: id, values: values, epochs: epochs(bracket: bracket, round: 0),
                              bracket: HyperbandPosition(serial: serial, number: bracket, round: 0), draw: draw))
    }

    /// The epochs one sweep trains in all when every trial completes: each round's trials times
    /// the epochs they add to the checkpoint they continue.
    public var epochsPerIteration: Int {
        (0..<brackets).reduce(0) { total, bracket in
            total + (0...bracket).reduce(0) { sum, round in
                sum + size(bracket: bracket, round: round) * (epochs(bracket: bracket, round: round) - (round == 0 ? 0 : epochs(bracket: bracket, round: round - 1)))
            }
        }
    }
}
