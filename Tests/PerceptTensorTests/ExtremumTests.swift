import Testing
@testable import PerceptTensor

/// `max(axis:)` and `min(axis:)`: the vectorised search over contiguous rows and the strided one
/// give PyTorch's answers — the first extreme value on ties, the first NaN when there is one —
/// and the gradient reaches exactly the chosen elements.
@Suite("Extrema along an axis")
struct ExtremumTests {
    /// The first extreme (or first NaN) of each row, the plain way.
    static func reference(_ row: [Float], largest: Bool) -> Int {
        if let nan = row.firstIndex(where: \.isNaN) { return nan }
        let extreme = largest ? row.max()! : row.min()!
        return row.firstIndex(of: extreme)!
    }

    @Test("indices and values match the plain search on rows with ties and NaNs", arguments: [1, 7, 16, 37, 1024])
    func rows(length: Int) throws {
        var generator = RandomGenerator(seed: UInt64(length))
        // Few distinct values, so ties are common; every fourth row gets a NaN somewhere.
        var values = Tensor.randomUniform([12, length], low: 0, high: 4, generator: &generator).toArray().map { $0.rounded(.down) }
        for row in stride(from: 0, to: 12, by: 4) { values[row * length + (row * 7) % length] = .nan }
        let x = try Tensor(values, shape: [12, length])
        for largest in [true, false] {
            let (extremes, indices) = largest ? try x.max(axis: 1) : try x.min(axis: 1)
            let found = indices.toIntArray(), foundValues = extremes.toArray()
            for row in 0..<12 {
                let expected = Self.reference(Array(values[row * length..<(row + 1) * length]), largest: largest)
                #expect(found[row] == expected, "row \(row) of length \(length), largest: \(largest)")
                let value = values[row * length + expected]
                #expect(foundValues[row] == value || (foundValues[row].isNaN && value.isNaN))
            }
        }
    }

    @Test("the strided search (a middle axis) agrees with the contiguous one on the transposed tensor")
    func stridedAxis() throws {
        var generator = RandomGenerator(seed: 9)
        let x = Tensor.randomUniform([3, 40, 5], low: -1, high: 1, generator: &generator)
        let strided = try x.max(axis: 1), contiguous = try x.transposed(1, 2).contiguous().max(axis: 2)
        #expect(strided.indices.toIntArray() == contiguous.indices.toIntArray())
        #expect(strided.values.toArray() == contiguous.values.toArray())
    }

    @Test("the gradient of max reaches only the chosen elements", arguments: [0, 1, 2])
    func gradient(axis: Int) throws {
        var generator = RandomGenerator(seed: 5)
        let x = Tensor.randomUniform([4, 33, 6], low: -1, high: 1, generator: &generator).requiringGrad()
        let (values, indices) = try x.max(axis: axis)
        let upstream = Tensor.randomUniform(values.shape, low: 1, high: 2, generator: &generator)
        try values.backward(upstream)
        let grad = try #require(x.grad)
        let expected = try Tensor.zeros(x.shape).scatterForTest(axis: axis, indices: indices, values: upstream)
        #expect(grad.toArray() == expected)
    }
}

extension Tensor {
    /// Zeros with `values` placed at `indices` along `axis` (indices and values shaped like the
    /// input without that axis), computed element by element.
    fileprivate func scatterForTest(axis: Int, indices: Tensor, values: Tensor) throws -> [Float] {
        var result = toArray()
        let picks = indices.toIntArray(), given = values.toArray()
        let outer = shape[..<axis].reduce(1, *), length = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        for o in 0..<outer {
            for i in 0..<inner { result[(o * length + picks[o * inner + i]) * inner + i] = given[o * inner + i] }
        }
        return result
    }
}
