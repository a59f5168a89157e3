import Foundation
import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// The detection task end to end: a narrow YOLOv8 trained through `DetectionTask.step` on
/// `OneImageDetection`'s image must find its three boxes again after NMS, and validation must
/// then score it through the COCO evaluation.
@Suite("detection task")
struct DetectionTaskTests {
    @Test("metric names give results.csv's val_map50, val_map, val_precision, val_recall; fitness picks the epoch")
    func names() {
        let task = DetectionTask(classes: 3)
        #expect(task.name == "detect")
        #expect(task.metricNames.map { "val_" + $0 } == ["val_map50", "val_map", "val_precision", "val_recall"])
        #expect(task.fitnessMetric == "fitness")
        #expect(task.thresholds == DetectionThresholds(confidence: 0.001, iou: 0.7, maxDetections: 300))
    }

    @Test("a tiny detector overfits one image: after NMS it finds every box at IoU > 0.5 with the right class")
    func overfitsOneImage() throws {
        Tensor.manualSeed(11)
        let model = try YOLOv8(classes: 3, scaling: YOLOScaling(depth: 0.33, width: 0.125, maxChannels: 1024), bins: 8)
        let task = DetectionTask(classes: 3, bins: 8)
        let batch = try OneImageDetection.batch()
        try OneImageDetection.overfit(model, task: task, batch: batch)

        let (raw, found) = try OneImageDetection.detections(model, batch: batch) { try model.decode($0, inputHeight: 128, inputWidth: 128) }
        for object in OneImageDetection.objects {
            let matched = try found.contains { detection in
                try detection.classIndex == object.classIndex && OneImageDetection.iou(detection, object.box) > 0.5
            }
            #expect(matched, "class \(object.classIndex) at \(object.box) not found among \(found)")
        }

        let validation = task.makeValidation()
        try validation.add(output: raw, batch: batch)
        let metrics = validation.metrics()
        let map50: Double = metrics["map50"] ?? 0, map: Double = metrics["map"] ?? 0, fitness: Double = metrics["fitness"] ?? -1
        #expect(map50 > 0.9, "\(metrics)")
        #expect((metrics["recall"] ?? 0) > 0.9, "\(metrics)")
        #expect(Swift.abs(fitness - (0.1 * map50 + 0.9 * map)) < 1e-12)
    }

    @Test("validation with no detections scores zero, not -1")
    func emptyValidation() throws {
        let validation = DetectionTask(classes: 3, bins: 4).makeValidation()
        // Logits of −20 everywhere: every score is far below 0.001.
        let raw = Tensor.full([1, 4 * 4 + 3, 16 * 16 + 8 * 8 + 4 * 4], -20)
        try validation.add(output: raw, batch: OneImageDetection.batch())
        let metrics = validation.metrics()
        #expect(metrics == ["map50": 0, "map": 0, "precision": 0, "recall": 0, "fitness": 0])
    }
}
