@testable import PerceptTensor

/// Runs one op through the Tensor API: the fixture's inputs (float ones requiring gradients)
/// and keyword arguments in, the outputs in PyTorch's order out.
typealias ParityRunner = @Sendable (ParityInputs, ParityParameters) throws -> [Tensor]

/// A case's inputs, read by index with a typed error when the fixture has fewer.
struct ParityInputs {
    let file: String
    let tensors: [Tensor]

    subscript(index: Int) -> Tensor {
        get throws {
            guard let tensor = optional(index) else { throw ParityFixtureError.missingTensor(file: file, tensor: "input\(index)") }
            return tensor
        }
    }

    /// The input at `index`, or nil when the case has no such input (an optional bias).
    func optional(_ index: Int) -> Tensor? { tensors.indices.contains(index) ? tensors[index] : nil }
}

/// The Tensor API call behind each fixture op.
enum ParityRunners {
    static let all: [String: ParityRunner] = elementwise
        .merging(reductions) { first, _ in first }
        .merging(shapes) { first, _ in first }
        .merging(vision) { first, _ in first }

    /// Fixture ops the Tensor API does not offer yet; `everyOpIsChecked` keeps this list exact.
    static let missing: Set<String> = []

    /// An op of one tensor and no keyword arguments.
    static func unary(_ call: @escaping @Sendable (Tensor) throws -> Tensor) -> ParityRunner {
        { inputs, _ in [try call(inputs[0])] }
    }

    /// An op of two tensors and no keyword arguments.
    static func binary(_ call: @escaping @Sendable (Tensor, Tensor) throws -> Tensor) -> ParityRunner {
        { inputs, _ in [try call(inputs[0], inputs[1])] }
    }
}
