import Foundation
import Testing
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// Ultralytics' v8DetectionLoss on the committed tiny checkpoint (3 classes, reg_max 4) and a
/// fixed batch of three images (three boxes, two overlapping boxes, none), recorded by
/// Tools/make-yolo-loss-fixtures: the three loss terms to 1e-4, the assignment, and the gradients
/// of a few parameters to 1e-3.
@Suite("YOLOv8 loss parity with Ultralytics")
struct YOLOv8LossParityTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/yolo")

    /// The fixture's images: image k is sin(i · step_k) · 0.5 + 0.5 over the flat index, in Float64.
    static func images() throws -> Tensor {
        let count = 3 * 96 * 128
        let values = [0.011, 0.017, 0.023].flatMap { step in (0..<count).map { Float(sin(Double($0) * step) * 0.5 + 0.5) } }
        return try Tensor(values, shape: [3, 3, 96, 128])
    }

    static func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
        let scale = Swift.max(1, expected.map(Swift.abs).max() ?? 0)
        return zip(actual, expected).map { Swift.abs($0 - $1) }.max().map { $0 / scale } ?? .infinity
    }

    @Test("loss terms, assignment and gradients match Ultralytics")
    func parity() throws {
        let (fixture, _) = try Tensor.loadSafetensors(from: Self.folder.appendingPathComponent("tiny_loss.safetensors").path)
        func tensor(_ name: String) throws -> Tensor { try #require(fixture[name], "missing \(name)") }
        let model = try #require(try TrainedModel.load(Self.folder.appendingPathComponent("tiny.pt").path).model as? YOLOv8)
        model.eval()
        let raw = try model(Self.images())
        let expectedRaw = try tensor("raw").toArray()
        #expect(Self.relativeError(raw.contiguous().toArray(), expectedRaw) <= 1e-4)

        let loss = YOLOv8Loss(classes: 3, bins: 4)
        let result = try loss(raw, targets: tensor("targets"), inputHeight: 96, inputWidth: 128)
        let expectedItems = try tensor("loss_items").toArray()
        let items = [("box", result.box), ("cls", result.classification), ("dfl", result.distribution)]
        for ((name, value), expected) in zip(items, expectedItems) {
            #expect(Swift.abs(value - expected) <= 1e-4 * Swift.max(1, Swift.abs(expected)), "\(name): \(value) vs Ultralytics' \(expected)")
        }
        let total = try result.total.item(), expectedTotal = try tensor("loss").toArray()[0]
        #expect(Swift.abs(total - expectedTotal) <= 1e-4 * expectedTotal)

        let assignment = result.assignment
        let foreground = try tensor("fg_mask").toArray().map { $0 > 0.5 }
        #expect(assignment.foreground == foreground)
        #expect(foreground.filter { $0 }.count > 20)
        let truthIndex = try tensor("target_gt_index").toArray(), boxes = try tensor("target_boxes").toArray()
        let scores = try tensor("target_scores").toArray()
        for anchor in foreground.indices where foreground[anchor] {
            #expect(assignment.truthIndex[anchor] == Int(truthIndex[anchor]), "anchor \(anchor)")
            for side in 0..<4 { #expect(Swift.abs(assignment.targetBoxes[4 * anchor + side] - boxes[4 * anchor + side]) <= 1e-4) }
        }
        #expect(zip(assignment.targetScores, scores).allSatisfy { Swift.abs($0 - $1) <= 1e-4 })

        try result.total.backward()
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter) })
        for name in fixture.keys where name.hasPrefix("grad.") {
            let parameter = try #require(parameters[String(name.dropFirst(5))], "no parameter \(name.dropFirst(5))")
            let gradient = try #require(parameter.grad, "\(name) has no gradient").contiguous().toArray()
            let expected = try tensor(name).toArray()
            #expect(Self.relativeError(gradient, expected) <= 1e-3, "\(name): \(Self.relativeError(gradient, expected))")
        }
    }
}
