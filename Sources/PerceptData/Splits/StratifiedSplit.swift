import PerceptTensor

/// Seeded splits that keep every class's share: train/validation/test fractions and k-fold, as
/// index lists (ascending, so readers walk files in order) or as `Subset`s.
public enum StratifiedSplit {
    /// The indices of each part: every class's examples are shuffled (seeded) and cut by
    /// `fractions` (non-negative, summing to 1), rounding so each class's parts add up to its size
    /// and the parts' shares stay as close as possible to the fractions.
    ///
    /// ```swift
    /// let parts = try StratifiedSplit.indices(labels: labels, fractions: [0.8, 0.2], seed: 0)
    /// ```
    public static func indices(labels: [Int], fractions: [Double], seed: UInt64) throws -> [[Int]] {
        guard !fractions.isEmpty, fractions.allSatisfy({ $0.isFinite && $0 >= 0 }),
              abs(fractions.reduce(0, +) - 1) < 1e-9 else {
            throw DataError.invalidArgument("split fractions must be non-negative and sum to 1, got \(fractions)")
        }
        var parts = [[Int]](repeating: [], count: fractions.count)
        for (_, members) in shuffledClasses(labels: labels, seed: seed) {
            let sizes = apportion(members.count, fractions: fractions)
            var start = 0
            for (part, size) in sizes.enumerated() {
                parts[part] += members[start..<start + size]
                start += size
            }
        }
        return parts.map { $0.sorted() }
    }

    /// `folds` pairs of (train, validation) indices: every class's shuffled examples are dealt in
    /// turn to the folds, so each validation fold holds about 1/`folds` of every class and every
    /// example is validated exactly once.
    public static func kFoldIndices(labels: [Int], folds: Int, seed: UInt64) throws -> [(train: [Int], validation: [Int])] {
        guard folds >= 2, folds <= labels.count else {
            throw DataError.invalidArgument("k-fold needs 2 to \(labels.count) folds (one example each at least), got \(folds)")
        }
        var assigned = [[Int]](repeating: [], count: folds)
        var dealer = 0
        for (_, members) in shuffledClasses(labels: labels, seed: seed) {
            for index in members {
                assigned[dealer % folds].append(index)
                dealer += 1
            }
        }
        return (0..<folds).map { fold in
            let validation = assigned[fold].sorted()
            let train = assigned.indices.filter { $0 != fold }.flatMap { assigned[$0] }.sorted()
            return (train, validation)
        }
    }

    /// Each class's indices (classes in label order), shuffled by a generator seeded from
    /// (seed, label) so adding a class does not reshuffle the others.
    private static func shuffledClasses(labels: [Int], seed: UInt64) -> [(Int, [Int])] {
        var byClass: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { byClass[label, default: []].append(index) }
        return byClass.keys.sorted().map { label in
            var members = byClass[label] ?? []
            var generator = RandomGenerator(seed: SeedMixing.derive(seed, UInt64(bitPattern: Int64(label)), 0x5917))
            generator.shuffle(&members)
            return (label, members)
        }
    }

    /// `count` cut into parts proportional to `fractions`: floors first, then the remainder
    /// one by one to the parts with the largest fractional shares (ties to the earlier part).
    static func apportion(_ count: Int, fractions: [Double]) -> [Int] {
        let exact = fractions.map { $0 * Double(count) }
        var sizes = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { exact[$0] - Double(sizes[$0]) > exact[$1] - Double(sizes[$1]) }
        var remaining = count - sizes.reduce(0, +)
        for part in order where remaining > 0 {
            sizes[part] += 1
            remaining -= 1
        }
        return sizes
    }
}

/// A dataset cut three ways for training, validation and (possibly empty) testing.
public struct DatasetSplit<Base: ClassificationDataset>: Sendable {
    /// The examples to train on.
    public let train: Subset<Base>
    /// The examples to validate on after each epoch.
    public let validation: Subset<Base>
    /// The examples held back for a final test (empty when no test fraction was asked for).
    public let test: Subset<Base>
}

/// One fold of a k-fold cross-validation.
public struct Fold<Base: ClassificationDataset>: Sendable {
    /// The other folds' examples.
    public let train: Subset<Base>
    /// This fold's examples.
    public let validation: Subset<Base>
}

extension ClassificationDataset {
    /// The dataset split stratified by class: `validation` and `test` are fractions, training
    /// gets the rest.
    ///
    /// ```swift
    /// let split = try cifar.stratifiedSplit(validation: 0.1, test: 0.1, seed: 0)
    /// ```
    public func stratifiedSplit(validation: Double, test: Double = 0, seed: UInt64) throws -> DatasetSplit<Self> {
        let parts = try StratifiedSplit.indices(labels: labels, fractions: [1 - validation - test, validation, test], seed: seed)
        return DatasetSplit(train: try Subset(self, parts[0]), validation: try Subset(self, parts[1]),
                            test: try Subset(self, parts[2]))
    }

    /// `folds` stratified folds for cross-validation.
    public func kFold(_ folds: Int, seed: UInt64) throws -> [Fold<Self>] {
        try StratifiedSplit.kFoldIndices(labels: labels, folds: folds, seed: seed).map {
            Fold(train: try Subset(self, $0.train), validation: try Subset(self, $0.validation))
        }
    }
}
