/// Which children a composition chose for one sample.
public struct ChoiceParameters: TransformParameters, Equatable {
    /// Child indices in the order they ran.
    public var children: [Int]
}

/// Runs `children` one after another on `sample`.
private func runInOrder(_ children: [any Transform], _ indices: [Int], _ sample: Sample,
                        random: inout AugmentRandom, context: inout AugmentContext) throws -> Sample {
    var result = sample
    var position = indices.startIndex
    while position < indices.endIndex {
        let child = children[indices[position]]
        // A horizontal flip and the warp right after it write the image once (same result).
        if position + 1 < indices.endIndex, let (flip, warp) = FlipWarpFolding.pair(child, children[indices[position + 1]]) {
            result = try FlipWarpFolding.run(flip, warp, on: result, random: &random, context: &context)
            position += 2
        } else {
            result = try child.run(result, random: &random, context: &context)
            position += 1
        }
    }
    return result
}

/// Throws unless a composition has children and a probability in `0...1`.
private func checkComposition(_ name: String, children: [any Transform], probability: Double) throws {
    try checkProbability(probability, transform: name)
    guard !children.isEmpty else { throw AugmentError.invalidArgument(transform: name, message: "needs at least one transform") }
}

/// All children in order (Albumentations `Compose`), the whole run with `probability`.
public struct Compose: Transform {
    public let name = "Compose"
    /// The transforms, in order.
    public var children: [any Transform]
    /// The chance the whole sequence runs.
    public var probability: Double

    /// A sequence; an empty one changes nothing.
    public init(_ children: [any Transform], probability: Double = 1) throws {
        try checkProbability(probability, transform: name)
        self.children = children
        self.probability = probability
    }

    public func run(_ sample: Sample, random: inout AugmentRandom, context: inout AugmentContext) throws -> Sample {
        guard try context.parameters(for: name, probability: probability, random: &random, draw: { _ in NoParameters() }) != nil else {
            return sample
        }
        return try runInOrder(children, Array(children.indices), sample, random: &random, context: &context)
    }
}

/// One child, chosen with weights equal to the children's probabilities, then applied for
/// sure (Albumentations `OneOf`).
public struct OneOf: Transform {
    public let name = "OneOf"
    /// The candidates.
    public var children: [any Transform]
    /// Each candidate's weight.
    public var weights: [Double]
    /// The chance one of them runs.
    public var probability: Double

    /// A choice among `children`, weighted by `weights` (equal when nil).
    public init(_ children: [any Transform], weights: [Double]? = nil, probability: Double = 0.5) throws {
        try checkComposition(name, children: children, probability: probability)
        let weights = weights ?? [Double](repeating: 1, count: children.count)
        guard weights.count == children.count, weights.allSatisfy({ $0 >= 0 }), weights.reduce(0, +) > 0 else {
            throw AugmentError.invalidArgument(transform: name, message: "needs one non-negative weight per transform, not all zero")
        }
        self.children = children
        self.weights = weights
        self.probability = probability
    }

    public func run(_ sample: Sample, random: inout AugmentRandom, context: inout AugmentContext) throws -> Sample {
        guard let choice = try context.parameters(for: name, probability: probability, random: &random, draw: { random in
            var target = random.uniform() * weights.reduce(0, +)
            let index = weights.firstIndex { weight in
                target -= weight
                return target < 0
            } ?? weights.count - 1
            return ChoiceParameters(children: [index])
        }) else { return sample }
        context.forceNextTransform = true
        return try runInOrder(children, choice.children, sample, random: &random, context: &context)
    }
}

/// `count` distinct children chosen at random, applied in their listed order, each with its
/// own probability (Albumentations `SomeOf` without replacement).
public struct SomeOf: Transform {
    public let name = "SomeOf"
    /// The candidates.
    public var children: [any Transform]
    /// How many to choose.
    public var count: ClosedRange<Int>
    /// The chance the step runs.
    public var probability: Double

    /// A choice of `count` children.
    public init(_ children: [any Transform], count: ClosedRange<Int>, probability: Double = 1) throws {
        try checkComposition(name, children: children, probability: probability)
        guard count.lowerBound >= 0, count.upperBound <= children.count else {
            throw AugmentError.invalidArgument(transform: name, message: "n must lie in 0...\(children.count), found \(count)")
        }
        self.children = children
        self.count = count
        self.probability = probability
    }

    public func run(_ sample: Sample, random: inout AugmentRandom, context: inout AugmentContext) throws -> Sample {
        guard let choice = try context.parameters(for: name, probability: probability, random: &random, draw: { random in
            let chosen = Array(children.indices.shuffled(using: &random).prefix(random.integer(in: count)))
            return ChoiceParameters(children: chosen.sorted())
        }) else { return sample }
        return try runInOrder(children, choice.children, sample, random: &random, context: &context)
    }
}

/// Every child in a random order (Albumentations `RandomOrder`), each with its own probability.
public struct RandomOrder: Transform {
    public let name = "RandomOrder"
    /// The transforms.
    public var children: [any Transform]
    /// The chance the step runs.
    public var probability: Double

    /// All `children` in a random order.
    public init(_ children: [any Transform], probability: Double = 1) throws {
        try checkComposition(name, children: children, probability: probability)
        self.children = children
        self.probability = probability
    }

    public func run(_ sample: Sample, random: inout AugmentRandom, context: inout AugmentContext) throws -> Sample {
        guard let order = try context.parameters(for: name, probability: probability, random: &random, draw: { random in
            ChoiceParameters(children: children.indices.shuffled(using: &random))
        }) else { return sample }
        return try runInOrder(children, order.children, sample, random: &random, context: &context)
    }
}
