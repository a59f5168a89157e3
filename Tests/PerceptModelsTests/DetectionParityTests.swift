import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

/// yolov8n against Ultralytics on the hashed, float16-rounded weights of Tools/make-yolo-fixtures:
/// the head's raw logits and Ultralytics' decoded inference output (xywh, sigmoid scores).
@Suite("yolov8n parity with Ultralytics on hashed float16 weights")
struct DetectionParityTests {
    static let fixture: (tensors: [String: Tensor], metadata: [String: String])? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try? Tensor.loadSafetensors(from: root.appendingPathComponent("Fixtures/yolo/yolov8n_hashed.safetensors").path, loading: .readFully)
    }()

    @Test("raw logits and decoded boxes and scores equal Ultralytics' to 1e-3 (relative above 1), with the same state-dict keys")
    func parity() throws {
        let fixture = try #require(Self.fixture, "Fixtures/yolo/yolov8n_hashed.safetensors is missing: run Tools/make-yolo-fixtures")
        let model = try YOLOv8(classes: 80, scaling: .nano)
        let keys = try #require(fixture.metadata["state_keys"]).split(separator: ",").map(String.init)
        #expect(model.stateDictKeys().sorted() == keys)
        let offset = try #require(fixture.metadata["offset"].flatMap { Int($0) })
        try model.load(HashedWeights.state(of: model, offset: offset, skipping: ["model.22.dfl.conv.weight"], halfPrecision: true), strict: true)
        model.eval()
        let input = try #require(fixture.tensors["input"])
        let raw = try withoutGrad { try model(input) }
        let expectedRaw = try #require(fixture.tensors["raw"])
        #expect(raw.shape == expectedRaw.shape)
        #expect(UNetParityTests.worst(raw, expectedRaw) <= 1e-3, "raw: \(UNetParityTests.worst(raw, expectedRaw))")
        let (boxes, scores) = try model.decode(raw, inputHeight: 96, inputWidth: 128)
        let corners = try boxes.split(size: 1, axis: 1)
        let xywh = try Tensor.concatenate([(corners[0] + corners[2]) / Tensor(scalar: 2), (corners[1] + corners[3]) / Tensor(scalar: 2),
                                           corners[2] - corners[0], corners[3] - corners[1], scores], axis: 1)
        let expected = try #require(fixture.tensors["decoded"])
        #expect(xywh.shape == expected.shape)
        #expect(UNetParityTests.worst(xywh, expected) <= 1e-3, "decoded: \(UNetParityTests.worst(xywh, expected))")
    }
}
