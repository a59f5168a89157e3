import Testing
import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

/// One synthetic-shapes scene as a dataset (image `[3, S, S]`, mask `[S, S]`).
struct OneScene: Dataset {
    let example: Example
    init(size: Int, seed: UInt64) throws {
        let scene = SyntheticShapes.scene(index: 3, size: size, seed: seed)
        guard case .uint8(let ids) = scene.mask.samples else { throw DataError.invalidArgument("mask is not 8-bit") }
        example = Example(input: scene.image.tensor(), target: try Tensor(indices: ids.map(Int.init), shape: [size, size]))
    }
    var count: Int { 1 }
    func example(at index: Int) throws -> Example { example }
}

extension PerceptTrainTests {
    @Suite("Segmentation: pixel scores on hand-made masks, losses, and a U-Net that overfits")
    struct SegmentationTests {
        /// Logits `[1, K, 2, 3]` whose argmax is `predicted` (row-major).
        static func logits(_ predicted: [Int], classes: Int) throws -> Tensor {
            var values = [Float](repeating: 0, count: classes * predicted.count)
            for (pixel, label) in predicted.enumerated() { values[label * predicted.count + pixel] = 5 }
            return try Tensor(values, shape: [1, classes, 2, 3])
        }

        @Test("IoU, Dice, mIoU and pixel accuracy of a hand-made 2×3 mask, with an ignored pixel")
        func handMadeScores() throws {
            // truth 0 1 1 / 2 2 255 (ignored); prediction 0 1 0 / 2 1 1.
            let truth = try Tensor(indices: [0, 1, 1, 2, 2, 255], shape: [1, 2, 3])
            var pixels = ConfusionMatrix(classes: 3)
            try SegmentationScores.count(Self.logits([0, 1, 0, 2, 1, 1], classes: 3), targets: truth, ignoreIndex: 255, into: &pixels)
            let scores = SegmentationScores(pixels)
            // class 0: TP 1, FP 1, FN 0 → IoU 1/2, Dice 2/3; class 1: TP 1, FP 1, FN 1 → 1/3, 1/2; class 2: TP 1, FN 1 → 1/2, 2/3.
            let expectedIoU = [0.5, 1.0 / 3, 0.5], expectedDice = [2.0 / 3, 0.5, 2.0 / 3]
            for index in 0..<3 {
                #expect(abs((scores.intersectionOverUnion[index] ?? -1) - expectedIoU[index]) < 1e-12)
                #expect(abs((scores.dice[index] ?? -1) - expectedDice[index]) < 1e-12)
            }
            #expect(abs(scores.meanIoU - (0.5 + 1.0 / 3 + 0.5) / 3) < 1e-12)
            #expect(abs(scores.pixelAccuracy - 3.0 / 5) < 1e-12)
        }

        @Test("a class absent from truth and prediction has no score and does not lower the mean")
        func absentClass() throws {
            let truth = try Tensor(indices: [0, 0, 1, 1, 1, 0], shape: [1, 2, 3])
            var pixels = ConfusionMatrix(classes: 4)
            try SegmentationScores.count(Self.logits([0, 0, 1, 1, 1, 0], classes: 4), targets: truth, ignoreIndex: 255, into: &pixels)
            let scores = SegmentationScores(pixels)
            #expect(scores.intersectionOverUnion[2] == nil && scores.intersectionOverUnion[3] == nil)
            #expect(scores.meanIoU == 1 && scores.meanDice == 1 && scores.pixelAccuracy == 1)
        }

        @Test("a binary head predicts foreground where its logit is above 0")
        func binaryPredictions() throws {
            let logits = try Tensor([-1, 2, 0.5, -3, 0, 4], shape: [1, 1, 2, 3])
            #expect(try SegmentationScores.predictions(logits) == [0, 1, 1, 0, 0, 1])
        }

        @Test("logits at ignored pixels change no loss; counting those pixels does", arguments: SegmentationLoss.allCases.filter { $0 != .binaryCrossEntropy })
        func ignoredPixels(loss: SegmentationLoss) throws {
            let logits = Tensor.randomNormal([2, 3, 4, 4])
            let labels = (0..<32).map { $0 % 3 }
            var ignored = labels
            for index in [1, 5, 17] { ignored[index] = 255 }
            // Large changes to every class's logit at the ignored pixels only (sample, pixel).
            var change = [Float](repeating: 0, count: 2 * 3 * 16)
            for (sample, pixel) in [(0, 1), (0, 5), (1, 1)] {
                for channel in 0..<3 { change[(sample * 3 + channel) * 16 + pixel] = Float(channel * 7 - 5) }
            }
            let changed = try logits + Tensor(change, shape: [2, 3, 4, 4])
            let target = try Tensor(indices: ignored, shape: [2, 4, 4])
            let before = try loss(logits, target, ignoreIndex: 255).item(), after = try loss(changed, target, ignoreIndex: 255).item()
            #expect(abs(before - after) <= 1e-6 * max(1, abs(before)))
            let counted = try Tensor(indices: labels, shape: [2, 4, 4])
            #expect(try loss(logits, counted, ignoreIndex: 255).item() != loss(changed, counted, ignoreIndex: 255).item())
        }

        @Test("Dice and Tversky losses are near 0 for confident right logits and far above for wrong ones", arguments: [SegmentationLoss.dice, .tversky])
        func regionLosses(loss: SegmentationLoss) throws {
            let predicted = [0, 1, 1, 2, 2, 0]
            let target = try Tensor(indices: predicted, shape: [1, 2, 3])
            let right = try loss(Self.logits(predicted, classes: 3) * 4, target, ignoreIndex: 255).item()
            let wrong = try loss(Self.logits(predicted.map { ($0 + 1) % 3 }, classes: 3) * 4, target, ignoreIndex: 255).item()
            #expect(right < 0.05)
            // Two pixels a class: the smoothing term 1 keeps a total miss at 1 − 1/3 for both.
            #expect(wrong > 0.55)
        }

        @Test("a binary head trains with bce, dice_bce and focal; bce refuses a multi-class head")
        func binaryLosses() throws {
            let logits = Tensor.randomNormal([1, 1, 2, 3])
            let target = try Tensor(indices: [0, 1, 1, 0, 255, 1], shape: [1, 2, 3])
            for loss in [SegmentationLoss.binaryCrossEntropy, .diceCrossEntropy, .focal, .crossEntropy] {
                #expect(try loss(logits, target, ignoreIndex: 255).item().isFinite)
            }
            #expect(throws: TensorError.self) { try SegmentationLoss.binaryCrossEntropy(Tensor.randomNormal([1, 2, 2, 3]), target, ignoreIndex: 255) }
        }

        @Test("a class id beyond the head's classes (not the ignore value) is an error")
        func outOfRangeTarget() throws {
            let target = try Tensor(indices: [0, 1, 7, 0, 0, 0], shape: [1, 2, 3])
            #expect(throws: TensorError.self) { try SegmentationLoss.dice(Tensor.randomNormal([1, 3, 2, 3]), target, ignoreIndex: 255) }
        }

        @Test("a tiny U-Net overfits one synthetic image to IoU ≥ 0.99")
        func overfit() throws {
            Tensor.manualSeed(3)
            let data = try OneScene(size: 32, seed: 5)
            let model = try UNet(inputChannels: 3, numClasses: 5, depth: 2, baseWidth: 8)
            var settings = TrainerSettings()
            settings.epochs = 200
            settings.learningRate = 0.01
            let trainer = try Trainer(model: model, description: ModelDescription(name: "unet", configuration: .init(numClasses: 5, inputChannels: 3, imageSize: 32)),
                                      task: SegmentationTask(classes: 5, loss: .diceCrossEntropy), training: try DataLoader(data, batchSize: 1, seed: 1),
                                      validation: nil, settings: settings)
            try trainer.run()
            // Evaluated in training mode: with one image, batch statistics are the image's own.
            let logits = try withoutGrad { try model(data.example.input.unsqueezed(0)) }
            var pixels = ConfusionMatrix(classes: 5)
            try SegmentationScores.count(logits, targets: data.example.target.unsqueezed(0), ignoreIndex: 255, into: &pixels)
            let scores = SegmentationScores(pixels)
            #expect(scores.meanIoU >= 0.99, "mIoU \(scores.meanIoU), per class \(scores.intersectionOverUnion)")
        }
    }
}
