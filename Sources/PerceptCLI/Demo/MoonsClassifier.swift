import Percept

/// A small fully connected network trained with plain gradient descent on engine ops; the
/// demo until the NN library's layers and optimizers take over.
struct MoonsClassifier {
    var weights: [Tensor]
    var biases: [Tensor]

    init(seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        let sizes = [2, 32, 32, 2]
        weights = zip(sizes, sizes.dropFirst()).map { fanIn, fanOut in
            let bound = 1 / Float(fanIn).squareRoot()
            return Tensor.randomUniform([fanIn, fanOut], low: -bound, high: bound, generator: &generator).requiringGrad()
        }
        biases = sizes.dropFirst().map { Tensor.zeros([$0]).requiringGrad() }
    }

    func logits(_ x: Tensor) throws -> Tensor {
        var h = x
        for layer in weights.indices {
            h = try h.matmul(weights[layer]) + biases[layer]
            if layer < weights.count - 1 { h = h.tanh() }
        }
        return h
    }

    /// One full-batch step of cross-entropy descent; returns the loss before the step.
    mutating func trainStep(_ x: Tensor, labels oneHot: Tensor, learningRate: Float) throws -> Float {
        let loss = try -(oneHot * logits(x).logSoftmax(axis: 1)).sum(axis: 1).mean()
        try loss.backward()
        try withoutGrad {
            for layer in weights.indices {
                if let g = weights[layer].grad { weights[layer] = try (weights[layer] - g * learningRate).requiringGrad() }
                if let g = biases[layer].grad { biases[layer] = try (biases[layer] - g * learningRate).requiringGrad() }
            }
        }
        return try loss.item()
    }

    /// The fraction of points whose predicted class is right.
    func accuracy(_ x: Tensor, labels: [Int]) throws -> Double {
        let predicted = try withoutGrad { try logits(x).argmax(axis: 1) }.toIntArray()
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}
