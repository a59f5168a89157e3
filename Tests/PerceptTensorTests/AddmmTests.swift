import Testing
@testable import PerceptTensor

/// `Tensor.addmm`: `input + a · b` with the input broadcast onto the product and the product
/// accumulated onto it by BLAS.
@Suite("addmm")
struct AddmmTests {
    /// `input + a · b` in Float64, element by element.
    static func reference(_ input: Tensor, _ a: Tensor, _ b: Tensor) throws -> [Double] {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        let left = a.contiguous().toArray(), right = b.contiguous().toArray()
        let bias = try input.expanded(to: [m, n]).contiguous().toArray()
        return (0..<m * n).map { index in
            let row = index / n, column = index % n
            return Double(bias[index]) + (0..<k).reduce(0.0) { $0 + Double(left[row * k + $1]) * Double(right[$1 * n + column]) }
        }
    }

    @Test("adds a broadcast input of every shape onto the product", arguments: [[5, 1], [7], [1, 7], [5, 7], []])
    func values(inputShape: [Int]) throws {
        let input = GradientCheck.random(inputShape, seed: 1)
        let a = GradientCheck.random([5, 3], seed: 2), b = GradientCheck.random([3, 7], seed: 3)
        let result = try Tensor.addmm(input, a, b)
        #expect(result.shape == [5, 7])
        let expected = try Self.reference(input, a, b)
        for (value, wanted) in zip(result.toArray(), expected) { #expect(Swift.abs(Double(value) - wanted) <= 1e-5 * Swift.max(1, Swift.abs(wanted))) }
    }

    @Test("reads transposed views without copying them wrong")
    func transposedOperands() throws {
        let a = try GradientCheck.random([3, 5], seed: 4).transposed(0, 1), b = try GradientCheck.random([7, 3], seed: 5).transposed(0, 1)
        let input = GradientCheck.random([5, 1], seed: 6)
        let expected = try Self.reference(input, a, b)
        for (value, wanted) in zip(try Tensor.addmm(input, a, b).toArray(), expected) {
            #expect(Swift.abs(Double(value) - wanted) <= 1e-5 * Swift.max(1, Swift.abs(wanted)))
        }
    }

    @Test("gradients of the input, both matrices match finite differences")
    func gradients() throws {
        try GradientCheck.check("addmm", inputs: [GradientCheck.random([4, 1], seed: 7), GradientCheck.random([4, 3], seed: 8),
                                                  GradientCheck.random([3, 6], seed: 9)]) { t in
            try Tensor.addmm(t[0], t[1], t[2])
        }
    }

    @Test("mismatched shapes are refused, naming them")
    func mismatches() {
        let a = Tensor.zeros([5, 3]), b = Tensor.zeros([3, 7])
        #expect(throws: TensorError.shapeMismatch(operation: "addmm", shapes: [[6, 1], [5, 3], [3, 7]])) {
            try Tensor.addmm(Tensor.zeros([6, 1]), a, b)
        }
        #expect(throws: TensorError.shapeMismatch(operation: "addmm", shapes: [[5, 1], [5, 3], [4, 7]])) {
            try Tensor.addmm(Tensor.zeros([5, 1]), a, Tensor.zeros([4, 7]))
        }
        #expect(throws: TensorError.self) { try Tensor.addmm(Tensor.zeros([5, 1]), Tensor.zeros([5]), b) }
    }
}
