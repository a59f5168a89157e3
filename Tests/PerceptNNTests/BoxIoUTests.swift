import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

/// The IoU family on paired corner boxes against values worked out by hand, and the gradients of
/// every variant against finite differences (CIoU's α held fixed, as it carries no gradient).
@Suite("IoU, GIoU, DIoU and CIoU of paired boxes")
struct BoxIoUTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var a: [Float]
        var b: [Float]
        /// IoU, GIoU, DIoU, CIoU.
        var expected: [Double]
        var testDescription: String { name }
    }

    /// (4/π²)·(atan(w2/h2) − atan(w1/h1))², CIoU's aspect term.
    static func aspect(_ w1: Double, _ h1: Double, _ w2: Double, _ h2: Double) -> Double {
        4 / (Double.pi * Double.pi) * pow(atan(w2 / h2) - atan(w1 / h1), 2)
    }

    static let cases: [Case] = [
        // Same box: every variant is 1.
        Case(name: "identical", a: [0, 0, 2, 2], b: [0, 0, 2, 2], expected: [1, 1, 1, 1]),
        // Unit squares 1 apart: enclosing 3×1 (area 3, union 2), centres 2 apart, diagonal² 10.
        Case(name: "disjoint", a: [0, 0, 1, 1], b: [2, 0, 3, 1], expected: [0, -1.0 / 3, -0.4, -0.4]),
        // A 2×2 square inside a 4×4 one with the same centre and shape: 4 / 16.
        Case(name: "nested", a: [0, 0, 4, 4], b: [1, 1, 3, 3], expected: [0.25, 0.25, 0.25, 0.25]),
        // Sharing an edge: no overlap, enclosing = union, centres 1 apart, diagonal² 5.
        Case(name: "touching", a: [0, 0, 1, 1], b: [1, 0, 2, 1], expected: [0, 0, -0.2, -0.2]),
        // 2×1 and 1×2 from the origin: overlap 1, union 3, enclosing 4, centres (1, .5) and (.5, 1), diagonal² 8.
        Case(name: "crossed", a: [0, 0, 2, 1], b: [0, 0, 1, 2], expected: {
            let iou = 1.0 / 3, v = BoxIoUTests.aspect(2, 1, 1, 2), alpha = v / (1 - iou + v)
            return [iou, iou - 1.0 / 4, iou - 0.5 / 8, iou - 0.5 / 8 - v * alpha]
        }()),
    ]

    @Test("values match hand-computed cases", arguments: cases)
    func values(_ c: Case) throws {
        for (variant, expected) in zip(BoxIoUVariant.allCases, c.expected) {
            let value = try Tensor.pairedBoxIoU(Tensor(c.a, shape: [1, 4]), Tensor(c.b, shape: [1, 4]), variant: variant)
            #expect(value.shape == [1])
            let measured = Double(try value.item())
            #expect(Swift.abs(measured - expected) <= 1e-5, "\(variant): \(measured) vs \(expected)")
        }
    }

    @Test("leading shapes broadcast and the corner axis goes away")
    func broadcasting() throws {
        let a = try Tensor([0, 0, 2, 2, 0, 0, 1, 1], shape: [2, 1, 4]), b = try Tensor([0, 0, 2, 2, 1, 1, 3, 3, 5, 5, 6, 6], shape: [1, 3, 4])
        let iou = try Tensor.pairedBoxIoU(a, b)
        #expect(iou.shape == [2, 3])
        let expected: [Float] = [1, 1.0 / 7, 0, 0.25, 0, 0]
        for (value, truth) in zip(iou.toArray(), expected) { #expect(Swift.abs(value - truth) <= 1e-6) }
        #expect(throws: TensorError.self) { _ = try Tensor.pairedBoxIoU(Tensor.zeros([2, 3]), b) }
    }

    @Test("gradients match finite differences", arguments: BoxIoUVariant.allCases)
    func gradients(_ variant: BoxIoUVariant) throws {
        // Overlapping, disjoint and nested pairs with different aspect ratios.
        let first: [Float] = [0.1, 0.2, 2.3, 1.4, 0, 0, 1, 2.5, 1, 1, 4, 3.2]
        let second: [Float] = [0.8, 0.1, 2.9, 2.2, 3, 0.5, 4.1, 1.5, 1.6, 1.3, 2.7, 2.1]
        let a = try Tensor(first, shape: [3, 4]).requiringGrad(), b = try Tensor(second, shape: [3, 4]).requiringGrad()
        let weights = try Tensor([0.7, -1.3, 0.4], shape: [3])
        try (Tensor.pairedBoxIoU(a, b, variant: variant) * weights).sum().backward()
        let analytic = [try #require(a.grad).toArray(), try #require(b.grad).toArray()]
        // CIoU's α is a constant of the backward pass: hold it at its value for the unperturbed boxes.
        let plainIoU = try Tensor.pairedBoxIoU(Tensor(first, shape: [3, 4]), Tensor(second, shape: [3, 4])).toArray()
        let alphas = (0..<3).map { row -> Double in
            let (p, q) = (Array(first[(4 * row)..<(4 * row + 4)]).map(Double.init), Array(second[(4 * row)..<(4 * row + 4)]).map(Double.init))
            let iou = Double(plainIoU[row])
            let v = Self.aspect(p[2] - p[0], p[3] - p[1], q[2] - q[0], q[3] - q[1])
            return v / (1 - iou + v)
        }
        func probe(_ x: [Float], _ y: [Float]) throws -> Double {
            let measured = variant == .complete ? BoxIoUVariant.distance : variant
            let values = try Tensor.pairedBoxIoU(Tensor(x, shape: [3, 4]), Tensor(y, shape: [3, 4]), variant: measured).toArray()
            return (0..<3).reduce(0.0) { sum, row in
                var value = Double(values[row])
                if variant == .complete {
                    let p = x[(4 * row)..<(4 * row + 4)].map(Double.init), q = y[(4 * row)..<(4 * row + 4)].map(Double.init)
                    value -= alphas[row] * Self.aspect(p[2] - p[0], p[3] - p[1], q[2] - q[0], q[3] - q[1])
                }
                return sum + value * Double(weights.toArray()[row])
            }
        }
        let step: Float = 1e-2
        for side in 0..<2 {
            for element in 0..<12 {
                var plus = [first, second], minus = [first, second]
                plus[side][element] += step
                minus[side][element] -= step
                let numeric = (try probe(plus[0], plus[1]) - probe(minus[0], minus[1])) / Double(2 * step)
                let expected = Double(analytic[side][element])
                #expect(Swift.abs(numeric - expected) <= 2e-2 * Swift.max(1, Swift.abs(expected)),
                        "\(variant) input \(side) element \(element): numeric \(numeric), analytic \(expected)")
            }
        }
    }
}
