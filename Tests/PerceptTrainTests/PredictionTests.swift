import Foundation
import Testing
import PerceptData
import PerceptImage
import PerceptModels
import PerceptNN
import PerceptTensor
@testable import PerceptTrain

extension PerceptTrainTests {
    @Suite("A trained classifier preprocesses images for prediction as training fed them")
    struct PredictionTests {
        @Test("predict on an image equals the model on the image's tensor converted, resized and normalised")
        func predictionNormalises() throws {
            let folder = try TemporaryFolder()
            let samples = (0..<(10 * 10 * 3)).map { UInt8(truncatingIfNeeded: $0 * 37 % 251) }
            let image = try Image(width: 10, height: 10, channels: 3, samples: .uint8(samples))
            let file = URL(fileURLWithPath: folder.path).appendingPathComponent("input.png")
            try image.write(to: file)

            let configuration = ModelConfiguration(numClasses: 3, inputChannels: 1, imageSize: 8)
            let model = try ModelRegistry.build("mlp", configuration: configuration)
            let normalization = try ChannelNormalization(mean: [0.3], std: [0.2])
            let description = ModelDescription(name: "mlp", configuration: configuration, classNames: ["a", "b", "c"], normalization: normalization)
            let trained = try TrainedModel(model: model, description: description, file: file.path)
            #expect(trained.normalization == normalization)

            let raw = try Image(contentsOf: file).withChannels(1).resized(width: 8, height: 8, interpolation: .area).tensor()
            let expected = try withoutGrad { try model(try normalization.apply(raw).unsqueezed(0)) }.softmax(axis: 1).toArray()
            #expect(try trained.probabilities(ofImageAt: file.path) == expected)
            // Without the normalisation the model sees other inputs and scores otherwise.
            let unnormalised = try withoutGrad { try model(raw.unsqueezed(0)) }.softmax(axis: 1).toArray()
            #expect(unnormalised != expected)
        }

        @Test("the normalisation survives the weights file's metadata, and a damaged entry names the file")
        func normalisationInMetadata() throws {
            let configuration = ModelConfiguration(numClasses: 2, inputChannels: 3, imageSize: 4)
            let normalization = try ChannelNormalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
            let description = ModelDescription(name: "mlp", configuration: configuration, classNames: ["x", "y"], normalization: normalization)
            let reread = ModelDescription(name: "mlp", configuration: configuration, metadata: description.metadata.merging(["percept.step": "3"]) { $1 })
            #expect(try reread.normalization(file: "w.safetensors") == normalization)
            #expect(reread.classNames == ["x", "y"])
            let damaged = ModelDescription(name: "mlp", configuration: configuration, metadata: [ChannelNormalization.metadataKey: "{\"mean\": 1}"])
            #expect(throws: DataError.self) { try damaged.normalization(file: "w.safetensors") }
        }

        @Test("statistics of 8-bit images from their histogram equal the per-example computation")
        func byteStatistics() throws {
            let pixels = (0..<(6 * 2 * 3 * 3)).map { UInt8(truncatingIfNeeded: $0 * 91 % 256) }
            let images = try ByteImageDataset(pixels: pixels, labels: [0, 1, 0, 1, 0, 1], classNames: ["a", "b"], imageShape: [2, 3, 3], file: "t")
            let fast = try ChannelNormalization.computed(over: images)
            let slow = try ChannelNormalization.computed(over: try Subset(images, Array(0..<6)))
            for (a, b) in zip(fast.mean + fast.std, slow.mean + slow.std) { #expect(abs(a - b) < 1e-6) }
            // The 8-bit storage stays one byte per sample (47 MB for Fashion-MNIST's 60,000 images, not 188).
            #expect(images.pixels.count == 6 * 2 * 3 * 3 && MemoryLayout.size(ofValue: images.pixels[0]) == 1)
        }
    }
}
