import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

/// A fresh YOLOv8 starts its head as Ultralytics' `Detect.bias_init` does.
@Suite("YOLOv8 head bias initialisation")
struct DetectHeadInitializationTests {
    @Test("box logits start at 2 and class logits at log(5 / classes / (640 / stride)²)")
    func biases() throws {
        let model = try YOLOv8(classes: 4, scaling: YOLOScaling(depth: 0.33, width: 0.125, maxChannels: 1024), bins: 8)
        let biases = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter.value.toArray()) })
        for (level, stride) in [8, 16, 32].enumerated() {
            let box = try #require(biases["model.22.cv2.\(level).2.bias"]), score = try #require(biases["model.22.cv3.\(level).2.bias"])
            #expect(box.count == 32 && box.allSatisfy { $0 == 2 })
            let prior = Float(log(5.0 / 4.0 / pow(640.0 / Double(stride), 2)))
            #expect(score.count == 4 && score.allSatisfy { Swift.abs($0 - prior) <= 1e-6 }, "level \(level): \(score) vs \(prior)")
        }
    }
}
