import Foundation
import Testing
@testable import PerceptTensor

@Suite("Tensor basics")
struct CoreTests {
    @Test("f = 3x² + 2y at (5, 7) has gradients (30, 2)")
    func workedExample() throws {
        let x = Tensor(scalar: 5).requiringGrad(), y = Tensor(scalar: 7).requiringGrad()
        let f = try 3 * x * x + 2 * y
        try f.backward()
        #expect(try f.item() == 89)
        #expect(try x.grad?.item() == 30)
        #expect(try y.grad?.item() == 2)
    }

    @Test("gradients accumulate until zeroed")
    func accumulation() throws {
        let x = Tensor([1, 2]).requiringGrad()
        try (x * 3).sum().backward()
        try (x * 3).sum().backward()
        #expect(x.grad?.toArray() == [6, 6])
        x.zeroGrad()
        #expect(x.grad == nil)
    }

    @Test("no graph is recorded without grad, for detached tensors, or for inputs that do not ask")
    func noGraph() throws {
        let x = Tensor([1, 2]).requiringGrad()
        let y = try withoutGrad { try x * x }
        #expect(!y.requiresGrad)
        #expect(!(x.detach() * 2).requiresGrad)
        #expect(!(try Tensor([1, 2]) + Tensor([3, 4])).requiresGrad)
        #expect(throws: TensorError.self) { try y.sum().backward() }
    }

    @Test("mismatched shapes throw an error that names both shapes")
    func shapeMismatch() throws {
        let a = Tensor.zeros([2, 3]), b = Tensor.zeros([4])
        do {
            _ = try a + b
            Issue.record("no error")
        } catch let error as TensorError {
            #expect(error.description.contains("[2, 3]") && error.description.contains("[4]"))
        }
    }

    @Test("views share storage and copy on write")
    func views() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let t = try a.transposed()
        #expect(t.shape == [3, 2])
        #expect(t.toArray() == [1, 4, 2, 5, 3, 6])
        #expect(!t.isContiguous)
        #expect(try a.slice(axis: 1, start: 0, end: 3, step: 2).toArray() == [1, 3, 4, 6])
        #expect(try a.reshaped([3, -1]).shape == [3, 2])
        #expect(throws: TensorError.self) { try a.reshaped([4, 2]) }
        #expect(throws: TensorError.self) { try a.sum(axis: 2) }
    }

    @Test("matmul handles transposed views, vectors and broadcast batches")
    func matmul() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = try Tensor([7, 8, 9, 10, 11, 12], shape: [3, 2])
        #expect(try a.matmul(b).toArray() == [58, 64, 139, 154])
        #expect(try a.transposed().matmul(a).toArray() == [17, 22, 27, 22, 29, 36, 27, 36, 45])
        #expect(try a.matmul(Tensor([1, 1, 1])).toArray() == [6, 15])
        let batch = try Tensor.ones([4, 1, 2, 3]).matmul(b)
        #expect(batch.shape == [4, 1, 2, 2])
        #expect(throws: TensorError.self) { try a.matmul(a) }
    }

    @Test("the same seed gives the same numbers")
    func seededRandom() throws {
        var g1 = RandomGenerator(seed: 42), g2 = RandomGenerator(seed: 42)
        #expect(Tensor.randomNormal([5], generator: &g1).toArray() == Tensor.randomNormal([5], generator: &g2).toArray())
        var g3 = RandomGenerator(seed: 1)
        let saved = g3.stateWords
        let first = g3.next()
        var resumed = try RandomGenerator(state: saved)
        #expect(resumed.next() == first)
        let values = Tensor.randomUniform([10000], generator: &g1).toArray()
        let mean = values.reduce(0, +) / Float(values.count)
        #expect(Swift.abs(mean - 0.5) < 0.02)
    }
}

@Suite("Gradient checks: element-wise, reductions, views, matmul")
struct ElementwiseGradientTests {
    static let shapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([5], [])]

    @Test("binary arithmetic with broadcasting", arguments: shapes)
    func binary(shapes: ([Int], [Int])) throws {
        let a = GradientCheck.random(shapes.0, low: 0.5, high: 2, seed: 1)
        let b = GradientCheck.random(shapes.1, low: 0.5, high: 2, seed: 2)
        try GradientCheck.check("add", inputs: [a, b]) { try $0[0] + $0[1] }
        try GradientCheck.check("sub", inputs: [a, b]) { try $0[0] - $0[1] }
        try GradientCheck.check("mul", inputs: [a, b]) { try $0[0] * $0[1] }
        try GradientCheck.check("div", inputs: [a, b]) { try $0[0] / $0[1] }
        try GradientCheck.check("pow", inputs: [a, b]) { try Tensor.pow($0[0], $0[1]) }
        try GradientCheck.check("maximum", inputs: [a, b]) { try Tensor.maximum($0[0], $0[1]) }
        try GradientCheck.check("minimum", inputs: [a, b]) { try Tensor.minimum($0[0], $0[1]) }
    }

    @Test("unary functions and activations on a non-contiguous view")
    func unary() throws {
        let x = try GradientCheck.random([4, 3], low: -2, high: 2, seed: 3).transposed()
        let positive = try GradientCheck.random([4, 3], low: 0.5, high: 2, seed: 4).transposed()
        let ops: [(String, Tensor, (Tensor) throws -> Tensor)] = [
            ("abs", x, { $0.abs() }), ("sqrt", positive, { $0.sqrt() }), ("exp", x, { $0.exp() }),
            ("log", positive, { $0.log() }), ("sin", x, { $0.sin() }), ("cos", x, { $0.cos() }),
            ("clamp", x, { $0.clamped(min: -0.5, max: 0.7) }), ("relu", x, { $0.relu() }),
            ("leakyRelu", x, { $0.leakyRelu(slope: 0.1) }), ("elu", x, { $0.elu() }), ("selu", x, { $0.selu() }),
            ("gelu", x, { $0.gelu() }), ("geluTanh", x, { $0.gelu(approximateTanh: true) }), ("silu", x, { $0.silu() }),
            ("mish", x, { $0.mish() }), ("sigmoid", x, { $0.sigmoid() }), ("tanh", x, { $0.tanh() }),
            ("hardtanh", x, { $0.hardtanh(min: -0.6, max: 0.8) }), ("softplus", x, { $0.softplus(beta: 2) }),
            ("pow scalar", positive, { $0.pow(2.5) }), ("neg", x, { -$0 }), ("rdiv", positive, { 2 / $0 }),
        ]
        for (name, input, op) in ops {
            try GradientCheck.check(name, inputs: [input]) { try op($0[0]) }
        }
    }

    @Test("reductions over several axes with and without keepDims")
    func reductions() throws {
        let x = GradientCheck.random([2, 3, 4], seed: 5)
        for (axes, keep) in [([0], false), ([1, 2], true), ([0, 2], false), ([-1], true)] as [([Int], Bool)] {
            try GradientCheck.check("sum \(axes)", inputs: [x]) { try $0[0].sum(axes: axes, keepDims: keep) }
            try GradientCheck.check("mean \(axes)", inputs: [x]) { try $0[0].mean(axes: axes, keepDims: keep) }
            try GradientCheck.check("variance \(axes)", inputs: [x]) { try $0[0].variance(axes: axes, keepDims: keep) }
            try GradientCheck.check("std \(axes)", inputs: [x]) { try $0[0].standardDeviation(axes: axes, correction: 0, keepDims: keep) }
            try GradientCheck.check("logsumexp \(axes)", inputs: [x]) { try $0[0].logSumExp(axes: axes, keepDims: keep) }
        }
        for axis in [0, 1, -1] {
            try GradientCheck.check("max \(axis)", inputs: [x]) { try $0[0].max(axis: axis).values }
            try GradientCheck.check("min \(axis)", inputs: [x]) { try $0[0].min(axis: axis, keepDims: true).values }
            try GradientCheck.check("softmax \(axis)", inputs: [x]) { try $0[0].softmax(axis: axis) }
            try GradientCheck.check("logSoftmax \(axis)", inputs: [x]) { try $0[0].logSoftmax(axis: axis) }
        }
    }

    @Test("views: reshape, permute, transpose, expand, squeeze, unsqueeze, flatten, strided slice")
    func views() throws {
        let x = GradientCheck.random([2, 3, 4], seed: 6)
        try GradientCheck.check("reshape", inputs: [x]) { try $0[0].reshaped([6, 4]) }
        try GradientCheck.check("permute", inputs: [x]) { try $0[0].permuted([2, 0, 1]) }
        try GradientCheck.check("transpose", inputs: [x]) { try $0[0].transposed(0, 2) }
        try GradientCheck.check("expand", inputs: [GradientCheck.random([3, 1])]) { try $0[0].expanded(to: [2, 3, 4]) }
        try GradientCheck.check("unsqueeze", inputs: [x]) { try $0[0].unsqueezed(1) }
        try GradientCheck.check("squeeze", inputs: [GradientCheck.random([3, 1, 2])]) { try $0[0].squeezed() }
        try GradientCheck.check("flatten", inputs: [x]) { try $0[0].flattened(from: 1) }
        try GradientCheck.check("slice", inputs: [x]) { try $0[0].slice(axis: 2, start: 1, end: -1, step: 2) }
        try GradientCheck.check("contiguous", inputs: [x]) { try $0[0].transposed().contiguous() }
    }

    @Test("matmul: matrices, vectors, transposed operands and broadcast batches")
    func matmul() throws {
        let a = GradientCheck.random([3, 4], seed: 8), b = GradientCheck.random([4, 5], seed: 9)
        try GradientCheck.check("matmul", inputs: [a, b]) { try $0[0].matmul($0[1]) }
        try GradientCheck.check("matmul transposed", inputs: [a, GradientCheck.random([5, 4])]) { try $0[0].matmul($0[1].transposed()) }
        try GradientCheck.check("matvec", inputs: [a, GradientCheck.random([4])]) { try $0[0].matmul($0[1]) }
        try GradientCheck.check("vecmat", inputs: [GradientCheck.random([3]), a]) { try $0[0].matmul($0[1]) }
        try GradientCheck.check("batched", inputs: [GradientCheck.random([2, 1, 3, 4]), GradientCheck.random([3, 4, 2])]) { try $0[0].matmul($0[1]) }
    }

    @Test("where and comparisons")
    func whereAndComparisons() throws {
        let a = GradientCheck.random([3, 4], seed: 10), b = GradientCheck.random([4], seed: 11)
        let mask = try Tensor.greater(a, Tensor(scalar: 0))
        #expect(mask.dtype == .bool)
        try GradientCheck.check("where", inputs: [a, b]) { try Tensor.where(mask, $0[0], $0[1]) }
        try GradientCheck.check("maskedFill", inputs: [a]) { try $0[0].maskedFill(mask, with: 3) }
        #expect(try Tensor.equal(Tensor([1, 2, 3]), Tensor([1, 0, 3])).toBoolArray() == [true, false, true])
    }
}

@Suite("Tensors in safetensors files")
struct TensorSafetensorsTests {
    @Test("tensors of every written dtype round-trip with their metadata, views included")
    func roundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("percept-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let matrix = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let tensors: [String: Tensor] = [
            "weight": try matrix.transposed(), "labels": try Tensor(indices: [3, 1, 4]),
            "mask": try Tensor(mask: [true, false]), "double": matrix.converted(to: .float64),
            "int32": matrix.converted(to: .int32), "bytes": matrix.converted(to: .uint8),
        ]
        try Tensor.saveSafetensors(tensors, metadata: ["percept.arch": "test"], to: path)
        for loading in [SafetensorsFile.Loading.memoryMapped, .readFully] {
            let (loaded, metadata) = try Tensor.loadSafetensors(from: path, loading: loading)
            #expect(metadata["percept.arch"] == "test")
            #expect(Set(loaded.keys) == Set(tensors.keys))
            for (name, tensor) in tensors {
                #expect(loaded[name]?.dtype == tensor.dtype, "\(name)")
                #expect(loaded[name]?.shape == tensor.shape, "\(name)")
                #expect(loaded[name]?.toArray() == tensor.toArray(), "\(name)")
            }
        }
    }
}
