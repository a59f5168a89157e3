import Testing
@testable import PerceptTensor

/// Every op against PyTorch: the fixtures under Fixtures/parity/tensor hold inputs, PyTorch's
/// outputs and the gradients of sum(output × upstream) for each input; each case runs the op
/// through the Tensor API and compares (Tools/make-tensor-parity-fixtures writes them).
@Suite("PyTorch parity")
struct ParityTests {
    @Test("outputs and input gradients match PyTorch's, from contiguous and from strided inputs, on both engine paths",
          arguments: ParityFixtures.cases.filter { ParityRunners.all[$0.op] != nil }, ParityRun.all)
    func matchesPyTorch(_ parityCase: ParityCase, run: ParityRun) throws {
        try run.path.run { try check(parityCase, layout: run.layout) }
    }

    /// Runs one fixture case on the current engine path.
    private func check(_ parityCase: ParityCase, layout: ParityLayout) throws {
        let file = try ParityFile(op: parityCase.op)
        let name = parityCase.name
        let runner = try #require(ParityRunners.all[parityCase.op])
        let parameters = ParityParameters(file: file.path, values: file.cases[name] ?? [:])
        let inputs = try file.numbered("\(name).input").map { input in
            input.dtype == .float32 ? try layout.arrange(input).requiringGrad() : input
        }

        let outputs = try runner(ParityInputs(file: file.path, tensors: inputs), parameters)
        #expect(parameters.unread.isEmpty, "the call ignored \(parameters.unread)")
        var expectedOutputs: [Tensor] = []
        while let next = try file.tensor("\(name).output\(Self.suffix(expectedOutputs.count))") { expectedOutputs.append(next) }
        try #require(outputs.count == expectedOutputs.count, "\(outputs.count) outputs, PyTorch has \(expectedOutputs.count)")

        var loss: Tensor?
        for (index, (actual, expected)) in zip(outputs, expectedOutputs).enumerated() {
            let label = "output\(Self.suffix(index))"
            ParityComparison.expectClose(actual, expected, label)
            guard let upstream = try file.tensor("\(name).upstream\(Self.suffix(index))"), actual.shape == expected.shape else { continue }
            let term = try (actual * upstream).sum()
            loss = try loss.map { try $0 + term } ?? term
        }
        guard let loss else { return }
        try loss.backward()
        for (index, input) in inputs.enumerated() {
            guard let expected = try file.tensor("\(name).grad\(index)") else { continue }
            let actual = input.grad ?? Tensor.zeros(input.shape)
            ParityComparison.expectClose(actual, expected, "grad\(index)")
        }
    }

    @Test("every fixture op has a runner, except the ops the Tensor API does not offer yet")
    func everyOpIsChecked() {
        let withoutRunner = Set(ParityFixtures.ops).subtracting(ParityRunners.all.keys)
        #expect(withoutRunner == ParityRunners.missing)
        #expect(Set(ParityRunners.all.keys).isSubset(of: ParityFixtures.ops))
    }

    @Test("every fixture file opens and lists its cases")
    func fixturesOpen() throws {
        #expect(ParityFixtures.ops.count == 74)
        for op in ParityFixtures.ops {
            let file = try ParityFile(op: op)
            #expect(!file.cases.isEmpty, "\(file.path) has no cases")
            for name in file.cases.keys {
                #expect(try file.tensor("\(name).input0") != nil, "\(file.path): \(name) has no input0")
            }
        }
    }

    /// "", "1", "2", …: PyTorch's first output has no number.
    static func suffix(_ index: Int) -> String { index == 0 ? "" : String(index) }
}

/// How the float inputs are laid out in memory: the ops must not depend on it.
/// A layout of the inputs crossed with an engine path.
struct ParityRun: CustomTestStringConvertible, Sendable {
    var layout: ParityLayout
    var path: EnginePath

    static let all = ParityLayout.allCases.flatMap { layout in EnginePath.allCases.map { ParityRun(layout: layout, path: $0) } }
    var testDescription: String { "\(layout) \(path.testDescription)" }
}

enum ParityLayout: CaseIterable, Sendable {
    /// Row-major without gaps, as read from the file.
    case contiguous
    /// The same values in a view whose last two axes are swapped in memory (column-major
    /// matrices), so kernels meet non-unit strides.
    case transposed

    func arrange(_ tensor: Tensor) throws -> Tensor {
        guard self == .transposed, tensor.rank >= 2 else { return tensor }
        return try tensor.transposed(-1, -2).contiguous().transposed(-1, -2).detach()
    }
}

/// Closeness as the fixture README defines it.
enum ParityComparison {
    static let relativeTolerance: Float = 1e-4
    /// Scaled by the largest reference value, so sums that cancel to near zero still pass.
    static let absoluteFloor: Float = 1e-5

    /// Records an issue unless `actual` has `expected`'s shape and dtype and values within
    /// tolerance (exactly equal for int64 and bool).
    static func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        guard actual.shape == expected.shape, actual.dtype == expected.dtype else {
            Issue.record("\(label): got \(actual.dtype) \(actual.shape), PyTorch \(expected.dtype) \(expected.shape)",
                         sourceLocation: sourceLocation)
            return
        }
        switch expected.dtype {
        case .int64:
            #expect(actual.toIntArray() == expected.toIntArray(), "\(label) differs", sourceLocation: sourceLocation)
        case .bool:
            #expect(actual.toBoolArray() == expected.toBoolArray(), "\(label) differs", sourceLocation: sourceLocation)
        default:
            let (worstRatio, worstError) = errorRatio(actual.toArray(), expected.toArray())
            #expect(worstRatio <= 1, "\(label): max abs error \(worstError), \(worstRatio)× the tolerance",
                    sourceLocation: sourceLocation)
        }
    }

    /// The largest error divided by its allowance (≤ 1 passes), and the largest absolute error.
    static func errorRatio(_ actual: [Float], _ expected: [Float]) -> (ratio: Float, error: Float) {
        let scale = Swift.max(1, expected.map(abs).max() ?? 0)
        var worstRatio: Float = 0, worstError: Float = 0
        for (a, e) in zip(actual, expected) {
            let error = a.isNaN || e.isNaN ? (a.isNaN && e.isNaN ? 0 : .infinity) : abs(a - e)
            worstError = Swift.max(worstError, error)
            worstRatio = Swift.max(worstRatio, error / (relativeTolerance * abs(e) + absoluteFloor * scale))
        }
        return (worstRatio, worstError)
    }
}
