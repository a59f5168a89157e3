import Testing
@testable import PerceptTensor

/// Inputs of a given shape in three layouts, so every rule is checked on views too.
enum Layouts: String, CaseIterable, CustomStringConvertible {
    case contiguous, transposed, stridedSlice

    var description: String { rawValue }

    /// A random float32 tensor of `shape` laid out as this case says.
    func make(_ shape: [Int], seed: UInt64 = 1) throws -> Tensor {
        switch self {
        case .contiguous:
            return GradientCheck.random(shape, seed: seed)
        case .transposed:
            let reversed = Array((0..<shape.count).reversed())
            return try GradientCheck.random(reversed.map { shape[$0] }, seed: seed).permuted(reversed)
        case .stridedSlice:
            var wide = shape
            wide[wide.count - 1] *= 2
            return try GradientCheck.random(wide, seed: seed).slice(axis: -1, step: 2)
        }
    }
}

@Suite("Shape and indexing ops: known answers")
struct IndexingForwardTests {
    let matrix = try! Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])

    @Test("concatenate joins along any axis, skips [0] tensors and keeps integer dtypes")
    func concatenate() throws {
        let other = try Tensor([7, 8], shape: [2, 1])
        let columns = try Tensor.concatenate([matrix, other], axis: -1)
        #expect(columns.shape == [2, 4])
        #expect(columns.toArray() == [1, 2, 3, 7, 4, 5, 6, 8])
        let rows = try Tensor.concatenate([matrix, try matrix.slice(axis: 0, start: 1)], axis: 0)
        #expect(rows.toArray() == [1, 2, 3, 4, 5, 6, 4, 5, 6])
        #expect(try Tensor.concatenate([Tensor.zeros([0]), matrix]).shape == [2, 3])
        let labels = try Tensor.concatenate([Tensor(indices: [1, 2]), Tensor(indices: [3])])
        #expect(labels.dtype == .int64 && labels.toIntArray() == [1, 2, 3])
        let transposed = try Tensor.concatenate([matrix.transposed(), matrix.transposed()], axis: 1)
        #expect(transposed.toArray() == [1, 4, 1, 4, 2, 5, 2, 5, 3, 6, 3, 6])
    }

    @Test("stack adds a new axis at the front, the back or a negative position")
    func stack() throws {
        let a = Tensor([1, 2]), b = Tensor([3, 4])
        #expect(try Tensor.stack([a, b]).toArray() == [1, 2, 3, 4])
        let last = try Tensor.stack([a, b], axis: -1)
        #expect(last.shape == [2, 2] && last.toArray() == [1, 3, 2, 4])
        #expect(try Tensor.stack([Tensor(scalar: 5), Tensor(scalar: 6)]).shape == [2])
        #expect(try Tensor.stack([matrix, matrix], axis: 1).shape == [2, 2, 3])
    }

    @Test("split and chunk size their pieces as PyTorch does")
    func splitAndChunk() throws {
        let x = try Tensor.arange(0, 5)
        #expect(try x.split(sizes: [1, 0, 4]).map(\.shape) == [[1], [0], [4]])
        #expect(try x.split(size: 2).map { $0.toArray() } == [[0, 1], [2, 3], [4]])
        #expect(try x.split(size: 7).map(\.shape) == [[5]])
        #expect(try x.chunk(3).map(\.shape) == [[2], [2], [1]])
        #expect(try Tensor.zeros([6]).chunk(4).map(\.shape) == [[2], [2], [2]])
        #expect(try Tensor.zeros([0]).chunk(3).map(\.shape) == [[0], [0], [0]])
        #expect(try Tensor.zeros([0]).split(size: 0).map(\.shape) == [[0]])
        #expect(try matrix.chunk(2, axis: -1).map { $0.toArray() } == [[1, 2, 4, 5], [3, 6]])
    }

    @Test("constant padding fills, crops with negative amounts, and reads PyTorch's flat order")
    func constantPadding() throws {
        let x = try Tensor([1, 2, 3, 4], shape: [2, 2])
        let flat = try x.padded(lastAxisFirst: [1, 0, 0, 1], mode: .constant(9))
        #expect(flat.shape == [3, 3] && flat.toArray() == [9, 1, 2, 9, 3, 4, 9, 9, 9])
        #expect(try x.padded([(0, 1), (1, 0)], mode: .constant(9)).toArray() == flat.toArray())
        #expect(try matrix.padded([(-1, 1)]).toArray() == [2, 3, 0, 5, 6, 0])
        #expect(try Tensor(indices: [1, 2]).padded([(1, 0)], mode: .constant(7)).toIntArray() == [7, 1, 2])
    }

    @Test("reflect and replicate padding mirror or repeat the edges")
    func edgePadding() throws {
        let x = Tensor([1, 2, 3, 4])
        #expect(try x.padded([(2, 1)], mode: .reflect).toArray() == [3, 2, 1, 2, 3, 4, 3])
        #expect(try x.padded([(2, 1)], mode: .replicate).toArray() == [1, 1, 1, 2, 3, 4, 4])
        let square = try Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [1, 3, 3])
        let reflected = try square.padded(lastAxisFirst: [1, 1, 1, 1], mode: .reflect)
        #expect(reflected.shape == [1, 5, 5])
        #expect(reflected.toArray() == [5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 8, 7, 8, 9, 8, 5, 4, 5, 6, 5])
        let replicated = try square.padded([(0, 1), (1, 0)], mode: .replicate)
        #expect(replicated.toArray() == [1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 7, 7, 8, 9])
    }

    @Test("indexSelect picks whole slices, with repeats, on any axis and dtype")
    func indexSelect() throws {
        let rows = try matrix.indexSelect(axis: 0, indices: Tensor(indices: [1, 0, 1]))
        #expect(rows.shape == [3, 3] && rows.toArray() == [4, 5, 6, 1, 2, 3, 4, 5, 6])
        let columns = try matrix.transposed().transposed().indexSelect(axis: -1, indices: Tensor(indices: [2, 0]))
        #expect(columns.toArray() == [3, 1, 6, 4])
        let labels = try Tensor(indices: [10, 20, 30]).indexSelect(axis: 0, indices: Tensor(indices: [2, 2]))
        #expect(labels.toIntArray() == [30, 30])
        #expect(try matrix.indexSelect(axis: 0, indices: Tensor(indices: [])).shape == [0, 3])
    }

    @Test("gather takes the indexed coordinate on one axis and the output's own elsewhere")
    func gather() throws {
        let t = try Tensor([1, 2, 3, 4], shape: [2, 2])
        let picked = try t.gather(axis: 1, indices: Tensor(indices: [0, 0, 1, 0], shape: [2, 2]))
        #expect(picked.toArray() == [1, 1, 4, 3])
        let smaller = try matrix.gather(axis: 0, indices: Tensor(indices: [1, 0], shape: [1, 2]))
        #expect(smaller.shape == [1, 2] && smaller.toArray() == [4, 2])
        let columnPicks = try matrix.transposed().gather(axis: 0, indices: Tensor(indices: [2, 1], shape: [1, 2]))
        #expect(columnPicks.toArray() == [3, 5])
    }

    @Test("scatterAdd accumulates repeated positions and uses only the indexed part of the source")
    func scatterAdd() throws {
        let index = try Tensor(indices: [0, 1, 2, 0, 0, 2, 0, 0, 1, 2], shape: [2, 5])
        let counts = try Tensor.zeros([3, 5]).scatterAdd(axis: 0, indices: index, source: .ones([2, 5]))
        #expect(counts.toArray() == [1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
        let sums = try Tensor([10, 20, 30]).scatterAdd(axis: 0, indices: Tensor(indices: [0, 0, 2]), source: Tensor([1, 2, 3, 4]))
        #expect(sums.toArray() == [13, 20, 33])
    }

    @Test("repeated tiles every axis and adds leading axes for extra counts")
    func repeated() throws {
        #expect(try Tensor([1, 2]).repeated([3]).toArray() == [1, 2, 1, 2, 1, 2])
        let tiled = try Tensor([1, 2, 3, 4], shape: [2, 2]).repeated([2, 2])
        #expect(tiled.toArray() == [1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4])
        let lifted = try Tensor([1, 2, 3]).repeated([2, 1, 2])
        #expect(lifted.shape == [2, 1, 6] && lifted.toArray() == [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3])
        #expect(try matrix.transposed().repeated([1, 2]).toArray() == [1, 4, 1, 4, 2, 5, 2, 5, 3, 6, 3, 6])
        #expect(try matrix.repeated([0, 1]).shape == [0, 3])
    }
}

@Suite("Shape and indexing ops: gradient checks")
struct IndexingGradientTests {
    @Test("concatenate and stack, on several axes", arguments: Layouts.allCases)
    func joining(layout: Layouts) throws {
        let a = try layout.make([2, 3, 4], seed: 1), b = try layout.make([2, 3, 4], seed: 2)
        let narrow = try layout.make([2, 1, 4], seed: 3)
        try GradientCheck.check("concatenate 1", inputs: [a, narrow, b]) { try Tensor.concatenate($0, axis: 1) }
        try GradientCheck.check("concatenate -1", inputs: [a, b]) { try Tensor.concatenate($0, axis: -1) }
        try GradientCheck.check("stack 0", inputs: [a, b]) { try Tensor.stack($0) }
        try GradientCheck.check("stack -1", inputs: [a, b]) { try Tensor.stack($0, axis: -1) }
        try GradientCheck.check("concatenate with a constant", inputs: [a]) {
            try Tensor.concatenate([$0[0], b.detach()], axis: 2)
        }
    }

    @Test("split and chunk pieces recombined with weights", arguments: Layouts.allCases)
    func splitting(layout: Layouts) throws {
        let x = try layout.make([3, 5, 2], seed: 4)
        try GradientCheck.check("split sizes", inputs: [x]) { inputs in
            let pieces = try inputs[0].split(sizes: [2, 3], axis: 1)
            return try Tensor.concatenate([pieces[1] * 2, pieces[0]], axis: 1)
        }
        try GradientCheck.check("split size, one piece unused", inputs: [x]) { try $0[0].split(size: 2, axis: -2)[1] }
        try GradientCheck.check("chunk", inputs: [x]) { try $0[0].chunk(2, axis: 0)[1] }
    }

    @Test("padding in every mode", arguments: Layouts.allCases)
    func padding(layout: Layouts) throws {
        let x = try layout.make([2, 3, 4], seed: 5)
        try GradientCheck.check("constant", inputs: [x]) { try $0[0].padded([(1, 2), (0, 1)], mode: .constant(0.5)) }
        try GradientCheck.check("constant crop", inputs: [x]) { try $0[0].padded(lastAxisFirst: [-1, 2, 1, -1]) }
        try GradientCheck.check("reflect", inputs: [x]) { try $0[0].padded([(2, 1), (3, 2)], mode: .reflect) }
        try GradientCheck.check("replicate", inputs: [x]) { try $0[0].padded([(1, 1), (2, 3), (0, 2)], mode: .replicate) }
    }

    @Test("indexSelect, gather and scatterAdd", arguments: Layouts.allCases)
    func indexing(layout: Layouts) throws {
        let x = try layout.make([3, 4, 2], seed: 6)
        try GradientCheck.check("indexSelect 1", inputs: [x]) { try $0[0].indexSelect(axis: 1, indices: Tensor(indices: [3, 0, 3, 1])) }
        try GradientCheck.check("indexSelect -1", inputs: [x]) { try $0[0].indexSelect(axis: -1, indices: Tensor(indices: [1, 1, 0])) }
        let index = try Tensor(indices: [2, 0, 1, 2, 0, 0, 1, 1, 2, 1, 0, 2], shape: [2, 3, 2])
        try GradientCheck.check("gather 0", inputs: [x]) { try $0[0].gather(axis: 0, indices: index) }
        let alongColumns = try Tensor(indices: [3, 3, 0, 1, 2, 0], shape: [3, 1, 2])
        try GradientCheck.check("gather 1", inputs: [x]) { try $0[0].gather(axis: 1, indices: alongColumns) }
        let source = try layout.make([2, 3, 2], seed: 7)
        try GradientCheck.check("scatterAdd 0", inputs: [x, source]) {
            try $0[0].scatterAdd(axis: 0, indices: index, source: $0[1])
        }
        let wideSource = try layout.make([3, 2, 2], seed: 8)
        try GradientCheck.check("scatterAdd 1 with a larger source", inputs: [x, wideSource]) {
            try $0[0].scatterAdd(axis: -2, indices: alongColumns, source: $0[1])
        }
    }

    @Test("indexSelect's gradient counts every pick, also when the work is split across threads")
    func indexSelectLarge() throws {
        for (shape, axis, picks) in [([1000, 64], 0, 2000), ([3, 100, 50], 1, 500)] {
            let x = Tensor.zeros(shape).requiringGrad()
            let positions = (0..<picks).map { ($0 * 37) % shape[axis] }
            let output = try x.indexSelect(axis: axis, indices: Tensor(indices: positions))
            try output.backward(.ones(output.shape))
            var counts = [Float](repeating: 0, count: shape[axis])
            for position in positions { counts[position] += 1 }
            let expected = try Tensor(counts, shape: axis == 0 ? [shape[0], 1] : [1, shape[1], 1]).expanded(to: shape)
            #expect(x.grad?.toArray() == expected.toArray(), "shape \(shape), axis \(axis)")
        }
    }

    @Test("repeated, with and without extra leading counts", arguments: Layouts.allCases)
    func repeating(layout: Layouts) throws {
        let x = try layout.make([2, 3], seed: 9)
        try GradientCheck.check("repeat", inputs: [x]) { try $0[0].repeated([2, 3]) }
        try GradientCheck.check("repeat leading", inputs: [x]) { try $0[0].repeated([2, 1, 2]) }
    }
}

@Suite("Shape and indexing ops: bad input")
struct IndexingErrorTests {
    let x = GradientCheck.random([2, 3])

    @Test("indices outside the axis name the index and the size")
    func indexOutOfRange() throws {
        #expect(throws: TensorError.indexOutOfRange(operation: "indexSelect", index: 3, size: 3)) {
            try x.indexSelect(axis: 1, indices: Tensor(indices: [0, 3]))
        }
        #expect(throws: TensorError.indexOutOfRange(operation: "indexSelect", index: -1, size: 2)) {
            try x.indexSelect(axis: 0, indices: Tensor(indices: [-1]))
        }
        #expect(throws: TensorError.indexOutOfRange(operation: "gather", index: 2, size: 2)) {
            try x.gather(axis: 0, indices: Tensor(indices: [0, 2], shape: [1, 2]))
        }
        #expect(throws: TensorError.indexOutOfRange(operation: "scatterAdd", index: 7, size: 3)) {
            try x.scatterAdd(axis: 1, indices: Tensor(indices: [7], shape: [1, 1]), source: .ones([1, 1]))
        }
        let message = TensorError.indexOutOfRange(operation: "gather", index: 7, size: 3).description
        #expect(message.contains("7") && message.contains("3"))
    }

    @Test("index tensors must be int64 of the right rank and fit the input")
    func indexShapes() throws {
        #expect(throws: TensorError.wrongDType(operation: "indexSelect", expected: .int64, found: .float32)) {
            try x.indexSelect(axis: 0, indices: Tensor([0]))
        }
        #expect(throws: TensorError.wrongRank(operation: "indexSelect", expected: "a 0- or 1-dimensional index tensor", shape: [1, 1])) {
            try x.indexSelect(axis: 0, indices: Tensor(indices: [0], shape: [1, 1]))
        }
        #expect(throws: TensorError.wrongRank(operation: "gather", expected: "rank 2 like the input", shape: [2])) {
            try x.gather(axis: 0, indices: Tensor(indices: [0, 1]))
        }
        #expect(throws: TensorError.shapeMismatch(operation: "gather", shapes: [[2, 3], [1, 4]])) {
            try x.gather(axis: 0, indices: Tensor(indices: [0, 0, 0, 0], shape: [1, 4]))
        }
        #expect(throws: TensorError.shapeMismatch(operation: "scatterAdd", shapes: [[2, 3], [2, 2], [1, 2]])) {
            try x.scatterAdd(axis: 0, indices: Tensor(indices: [0, 0, 0, 0], shape: [2, 2]), source: .ones([1, 2]))
        }
        #expect(throws: TensorError.axisOutOfRange(operation: "gather", axis: -3, rank: 2)) {
            try x.gather(axis: -3, indices: Tensor(indices: [0], shape: [1, 1]))
        }
    }

    @Test("joining needs tensors that agree in dtype and shape")
    func joining() throws {
        #expect(throws: TensorError.shapeMismatch(operation: "concatenate", shapes: [[2, 3], [3, 3]])) {
            try Tensor.concatenate([x, .zeros([3, 3])], axis: 1)
        }
        #expect(throws: TensorError.wrongDType(operation: "concatenate", expected: .float32, found: .int64)) {
            try Tensor.concatenate([x, .zeros([2, 3], dtype: .int64)])
        }
        #expect(throws: TensorError.axisOutOfRange(operation: "concatenate", axis: 2, rank: 2)) { try Tensor.concatenate([x, x], axis: 2) }
        #expect(throws: TensorError.self) { try Tensor.concatenate([]) }
        #expect(throws: TensorError.self) { try Tensor.concatenate([Tensor(scalar: 1)]) }
        #expect(throws: TensorError.shapeMismatch(operation: "stack", shapes: [[2, 3], [3, 2]])) {
            try Tensor.stack([x, .zeros([3, 2])])
        }
        #expect(throws: TensorError.axisOutOfRange(operation: "stack", axis: 3, rank: 3)) { try Tensor.stack([x], axis: 3) }
    }

    @Test("split, chunk, pad and repeat reject arguments they cannot use")
    func arguments() throws {
        #expect(throws: TensorError.self) { try x.split(sizes: [1, 1], axis: 1) }
        #expect(throws: TensorError.self) { try x.split(sizes: [4, -1], axis: 1) }
        #expect(throws: TensorError.self) { try x.split(size: 0) }
        #expect(throws: TensorError.self) { try x.chunk(0) }
        #expect(throws: TensorError.self) { try Tensor(scalar: 1).chunk(2) }
        #expect(throws: TensorError.self) { try x.padded([(3, 0)], mode: .reflect) }
        #expect(throws: TensorError.self) { try x.padded([(0, 1), (1, -1)], mode: .replicate) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 0]).padded([(1, 0)], mode: .replicate) }
        #expect(throws: TensorError.self) { try x.padded([(0, 0), (0, 0), (1, 1)]) }
        #expect(throws: TensorError.self) { try x.padded(lastAxisFirst: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try x.padded([(-2, -2)]) }
        #expect(throws: TensorError.self) { try x.repeated([2]) }
        #expect(throws: TensorError.self) { try x.repeated([1, -1]) }
        do {
            _ = try x.padded([(1, 3)], mode: .reflect)
            Issue.record("no error")
        } catch let error as TensorError {
            #expect(error.description.contains("(1, 3)") && error.description.contains("size 3"))
        }
    }
}
