import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

/// The PyTorch reference values under Fixtures/parity/nn, written by
/// Tools/make-nn-parity-fixtures.
struct ParityFixtures {
    let tensors: [String: Tensor]

    /// Loads one fixture file by name (`layers`, `losses`, …).
    init(_ name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("Fixtures/parity/nn/\(name).safetensors").path
        tensors = try Tensor.loadSafetensors(from: path, loading: .readFully).tensors
    }

    /// The tensor `key`, or a recorded failure naming it.
    func callAsFunction(_ key: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Tensor {
        try #require(tensors[key], "fixture key \(key) is missing", sourceLocation: sourceLocation)
    }

    /// Every key starting with `prefix`, the prefix removed.
    func entries(under prefix: String) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (key, value) in tensors where key.hasPrefix(prefix) { result[String(key.dropFirst(prefix.count))] = value }
        return result
    }
}

/// Expects `actual` to equal `expected` in shape and, element by element, to within
/// `tolerance · max(1, |expected|)`.
func expectClose(_ actual: Tensor?, _ expected: Tensor, tolerance: Float = 1e-4, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("\(what): no value", sourceLocation: sourceLocation)
        return
    }
    #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
    let worst = zip(actual.toArray(), expected.toArray())
        .map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
    #expect(worst <= tolerance, "\(what): largest difference \(worst) \(actual.toArray().prefix(4)) vs \(expected.toArray().prefix(4))", sourceLocation: sourceLocation)
}
