import Testing
@testable import PerceptTensor

/// Normalisation, cross-entropy and dropout values against PyTorch 2.x (printed by hand for
/// the same `PoolingTests.pattern` inputs) and against their definitions.
@Suite("Normalisation, cross-entropy and dropout")
struct NormalizationTests {
    @Test("batch norm in training normalises with batch statistics and moves the running ones like PyTorch")
    func batchNormTraining() throws {
        let x = try PoolingTests.pattern([3, 2, 2, 2])
        let (y, mean, variance) = try Tensor.batchNorm(
            x, runningMean: Tensor([0.5, -0.5]), runningVar: Tensor([2, 0.5]), weight: Tensor([1.5, -1]),
            bias: Tensor([0.1, 0.2]), training: true, momentum: 0.2, eps: 1e-3)
        PoolingTests.expectClose(y, [-0.40154, 1.073, 1.85404, 1.57425, -0.31141, 0.68948, 1.44958, 1.61141, -1.84644,
                                     -0.36306, 1.10222, 1.86026, -1.06978, -0.28821, 0.71239, 1.46143, -2.64277, -1.81639,
                                     -0.32458, 1.13103, -1.26829, -1.05686, -0.26489, 0.73515])
        PoolingTests.expectClose(try #require(mean), [0.53147, -0.40925])
        PoolingTests.expectClose(try #require(variance), [2.44311, 1.32161])
    }

    @Test("batch norm in evaluation uses the running statistics and returns them unchanged")
    func batchNormEvaluation() throws {
        let x = try Tensor([1, 2, 3, 4], shape: [2, 2])
        let (y, mean, _) = try Tensor.batchNorm(x, runningMean: Tensor([1, 2]), runningVar: Tensor([4, 1]),
                                                training: false, eps: 0)
        #expect(y.toArray() == [0, 0, 1, 2])
        #expect(mean?.toArray() == [1, 2])
        #expect(throws: TensorError.self) { try Tensor.batchNorm(x, runningMean: nil, runningVar: nil, training: false) }
        #expect(throws: TensorError.self) { try Tensor.batchNorm(Tensor.zeros([1, 2]), runningMean: nil, runningVar: nil, training: true) }
        #expect(throws: TensorError.self) { try Tensor.batchNorm(x, runningMean: Tensor([1, 2, 3]), runningVar: nil, training: true) }
    }

    @Test("layer norm and group norm match PyTorch")
    func layerAndGroupNorm() throws {
        let x = try PoolingTests.pattern([2, 3, 4])
        let layer = try x.layerNorm(normalizedShape: [3, 4], weight: PoolingTests.pattern([3, 4]))
        PoolingTests.expectClose(try layer.slice(axis: 0, start: 0, end: 1).slice(axis: 1, start: 0, end: 1),
                                 [0.0, 1.42376, 3.64544, 2.73273])
        let group = try x.groupNorm(groups: 1, weight: Tensor([1, 2, 3]), bias: Tensor([0, 1, 0]))
        PoolingTests.expectClose(try group.slice(axis: 0, start: 1, end: 2).slice(axis: 1, start: 2, end: 3),
                                 [4.13044, 3.48338, 1.0596, -2.00098])
        #expect(throws: TensorError.self) { try x.layerNorm(normalizedShape: [4, 3]) }
        #expect(throws: TensorError.self) { try x.groupNorm(groups: 2) }
    }

    @Test("instance norm gives every channel of every sample zero mean and unit variance")
    func instanceNorm() throws {
        let y = try PoolingTests.pattern([2, 3, 4, 5]).instanceNorm(eps: 0)
        let mean = try y.mean(axes: [2, 3]).toArray(), variance = try y.variance(axes: [2, 3], correction: 0).toArray()
        #expect(mean.allSatisfy { Swift.abs($0) < 1e-5 })
        #expect(variance.allSatisfy { Swift.abs($0 - 1) < 1e-4 })
    }

    @Test("cross-entropy with class weights, an ignored target and label smoothing matches PyTorch")
    func crossEntropyWeighted() throws {
        let logits = try PoolingTests.pattern([4, 3]), targets = try Tensor(indices: [2, -100, 0, 1])
        let weight = Tensor([1, 2, 0.5])
        let mean = try Tensor.crossEntropy(logits, targets: targets, weight: weight, labelSmoothing: 0.2)
        #expect(Swift.abs(try mean.item() - 1.2884069681167603) < 1e-5)
        let sum = try Tensor.crossEntropy(logits, targets: targets, weight: weight, labelSmoothing: 0.2, reduction: .sum)
        #expect(Swift.abs(try sum.item() - 4.509424686431885) < 1e-5)
        let each = try Tensor.crossEntropy(logits, targets: targets, weight: weight, labelSmoothing: 0.2, reduction: .none)
        PoolingTests.expectClose(each, [0.55176, 0.0, 1.39256, 2.56511])
    }

    @Test("cross-entropy over spatial positions matches PyTorch")
    func crossEntropySpatial() throws {
        let logits = try PoolingTests.pattern([2, 3, 2, 2])
        let targets = try Tensor(indices: [0, 1, 2, 1, 1, 1, 0, 2], shape: [2, 2, 2])
        #expect(Swift.abs(try Tensor.crossEntropy(logits, targets: targets).item() - 3.6187353134155273) < 1e-5)
    }

    @Test("cross-entropy rejects out-of-range targets and mismatched shapes, naming them")
    func crossEntropyErrors() throws {
        let logits = Tensor.zeros([2, 3])
        #expect(throws: TensorError.indexOutOfRange(operation: "crossEntropy", index: 3, size: 3)) {
            try Tensor.crossEntropy(logits, targets: Tensor(indices: [0, 3]))
        }
        #expect(throws: TensorError.shapeMismatch(operation: "crossEntropy", shapes: [[2, 3], [3]])) {
            try Tensor.crossEntropy(logits, targets: Tensor(indices: [0, 1, 2]))
        }
    }

    @Test("dropout keeps about 1 − p of the values, scaled by 1/(1 − p), and is the identity in evaluation")
    func dropout() throws {
        var generator = RandomGenerator(seed: 11)
        let x = Tensor.ones([10_000])
        let values = try x.dropout(0.3, training: true, generator: &generator).toArray()
        let kept = values.filter { $0 != 0 }
        #expect(kept.allSatisfy { Swift.abs($0 - 1 / 0.7) < 1e-6 })
        #expect(Swift.abs(Float(kept.count) / 10_000 - 0.7) < 0.02)
        #expect(try x.dropout(0.3, training: false, generator: &generator).toArray() == x.toArray())
        #expect(throws: TensorError.self) { try x.dropout(1.5, training: true, generator: &generator) }
    }

    @Test("dropout2d zeroes whole channels and the same seed gives the same mask")
    func dropout2d() throws {
        var first = RandomGenerator(seed: 5), second = RandomGenerator(seed: 5)
        let x = Tensor.ones([4, 8, 3, 3])
        let a = try x.dropout2d(0.5, training: true, generator: &first)
        let b = try x.dropout2d(0.5, training: true, generator: &second)
        #expect(a.toArray() == b.toArray())
        let planes = try a.reshaped([32, 9]).toArray()
        for plane in 0..<32 {
            let values = Set(planes[plane * 9..<(plane + 1) * 9])
            #expect(values == [0] || values == [2])
        }
    }
}
