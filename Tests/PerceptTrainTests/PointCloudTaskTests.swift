import PerceptData
import PerceptModels
import PerceptTensor
import Testing
@testable import PerceptTrain

extension PerceptTrainTests {
    @Suite("Point-cloud task: IoU metrics and the regularised loss")
    struct PointCloudTaskTests {
        @Test("per-class IoU, mIoU and mean class accuracy over the classes present, by hand")
        func segmentationScores() {
            // counts [[2, 1, 0], [0, 3, 0], [1, 1, 1]], and a fourth class neither present nor predicted.
            var matrix = ConfusionMatrix(classes: 4)
            for (truth, prediction) in [(0, 0), (0, 0), (0, 1), (1, 1), (1, 1), (1, 1), (2, 0), (2, 2), (2, 1)] {
                matrix.add(truth: truth, prediction: prediction)
            }
            // IoU: 2/(3+3−2) = 0.5, 3/(3+5−3) = 0.6, 1/(3+1−1) = 1/3; class 3 has none.
            #expect(abs((matrix.intersectionOverUnion(0) ?? 0) - 0.5) < 1e-12)
            #expect(abs((matrix.intersectionOverUnion(1) ?? 0) - 0.6) < 1e-12)
            #expect(matrix.intersectionOverUnion(3) == nil)
            #expect(abs(matrix.meanIntersectionOverUnion - (0.5 + 0.6 + 1.0 / 3) / 3) < 1e-12)
            #expect(abs(matrix.meanClassAccuracy - (2.0 / 3 + 1 + 1.0 / 3) / 3) < 1e-12)
        }

        @Test("the step adds 0.001·‖I − AAᵀ‖²_F to the cross-entropy, and validation skips ignored points")
        func stepAndValidation() throws {
            Tensor.manualSeed(5)
            let model = try ModelRegistry.build("pointnet_seg", configuration: .init(numClasses: 3, inputChannels: 3, imageSize: 32, options: ["width": 0.125]))
            let clouds = Tensor.randomNormal([2, 3, 32])
            let targets = try Tensor(indices: (0..<64).map { $0 % 4 == 3 ? -100 : $0 % 3 }, shape: [2, 32])
            let batch = Batch(input: clouds, target: targets, indices: [0, 1])
            model.eval()
            let task = PointCloudTask(kind: .segment, classes: 3, ignoreIndex: -100)
            let (loss, logits) = try withoutGrad { try task.step(model, batch) }
            let (plain, matrices) = try withoutGrad { try #require(model as? any PointNetModel).forwardWithFeatureTransform(clouds) }
            let expected = try Tensor.crossEntropy(plain, targets: targets, ignoreIndex: -100).item() + 0.001 * TNet.orthogonalityPenalty(matrices).item()
            #expect(abs(try loss.item() - expected) < 1e-5)
            let validation = PointCloudValidation(classes: 3, ignoreIndex: -100)
            try validation.add(output: logits, batch: batch)
            #expect(validation.matrix.total == 64 - 16)
            #expect(Set(validation.metrics().keys) == ["accuracy", "class_accuracy", "miou"])
        }
    }
}
