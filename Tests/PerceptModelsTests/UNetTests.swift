import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("U-Net: structure, sizes and configuration")
struct UNetTests {
    @Test("unet_s has the benchmark's 1,942,594 parameters for 2 classes and is a segment model")
    func benchmarkCount() throws {
        let entry = try ModelRegistry.entry("unet_s")
        #expect(entry.task == .segment)
        let model = try entry.build(.init(numClasses: 2, inputChannels: 3, imageSize: 128))
        #expect(model.parameterCounts.total == 1_942_594)
        #expect(model.stateDictKeys().contains("upsamplers.3.weight") && model.stateDictKeys().contains("decoders.0.bn2.running_var"))
    }

    @Test("any input side comes back at its own size: padded to a multiple of 2^depth and cropped", arguments: [
        (37, 45), (32, 32), (1, 17), (64, 9),
    ])
    func oddSizes(height: Int, width: Int) throws {
        let model = try UNet(inputChannels: 1, numClasses: 3, depth: 3, baseWidth: 4)
        model.eval()
        let output = try withoutGrad { try model(Tensor.randomNormal([2, 1, height, width])) }
        #expect(output.shape == [2, 3, height, width])
    }

    @Test("bilinear upsampling has no transposed convolutions and keeps the output size")
    func bilinear() throws {
        let model = try ModelRegistry.build("unet", configuration: .init(numClasses: 1, inputChannels: 3, imageSize: 32,
                                                                          options: ["depth": 2, "base_width": 4, "bilinear": 1]))
        #expect(!model.stateDictKeys().contains { $0.hasPrefix("upsamplers") })
        model.eval()
        let output = try withoutGrad { try model(Tensor.randomNormal([1, 3, 20, 28])) }
        #expect(output.shape == [1, 1, 20, 28])
    }

    @Test("a padded input's logits depend only on the input: cropping drops the padding")
    func croppingIsExact() throws {
        let model = try UNet(inputChannels: 1, numClasses: 2, depth: 2, baseWidth: 2)
        model.eval()
        let input = Tensor.randomNormal([1, 1, 13, 10])
        let direct = try withoutGrad { try model(input) }
        let prepadded = try withoutGrad { try model(input.padded(lastAxisFirst: [0, 2, 0, 3])) }
        let cropped = try prepadded.slice(axis: 2, end: 13).slice(axis: 3, end: 10)
        #expect(zip(direct.toArray(), cropped.contiguous().toArray()).allSatisfy { Swift.abs($0 - $1) < 1e-5 })
    }

    @Test("bad configurations are refused with the model's name", arguments: [
        ["depth": 0.0], ["depth": 2.5], ["base_width": 0.0], ["bilinear": 2.0],
    ])
    func badOptions(options: [String: Double]) throws {
        #expect(throws: ModelRegistryError.self) {
            try ModelRegistry.build("unet", configuration: .init(numClasses: 2, inputChannels: 3, imageSize: 32, options: options))
        }
    }
}
