import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("Classifier zoo: structure, parameter counts, shapes")
struct ClassifierZooTests {
    static let imageNet = ModelConfiguration(numClasses: 1000, inputChannels: 3, imageSize: 224)

    @Test("torchvision models have torchvision's parameter counts", arguments: [
        ("resnet18", 11_689_512), ("resnet34", 21_797_672), ("resnet50", 25_557_032),
        ("vgg11_bn", 132_868_840), ("mobilenet_v2", 3_504_872),
    ])
    func torchvisionCounts(name: String, count: Int) throws {
        let model = try ModelRegistry.build(name, configuration: Self.imageNet)
        #expect(model.parameterCounts.total == count)
    }

    @Test("CIFAR ResNets have pytorch-cifar-models' parameter counts", arguments: [
        ("cifar_resnet20", 272_474), ("cifar_resnet32", 466_906), ("cifar_resnet44", 661_338), ("cifar_resnet56", 855_770),
    ])
    func cifarCounts(name: String, count: Int) throws {
        let model = try ModelRegistry.build(name, configuration: .init(numClasses: 10, inputChannels: 3, imageSize: 32))
        #expect(model.parameterCounts.total == count)
    }

    @Test("cifar_resnet20 with 3 classes: 272,019 parameters; all but the last two tensors frozen leaves 195 trainable")
    func cifarFreezing() throws {
        let model = try ModelRegistry.build("cifar_resnet20", configuration: .init(numClasses: 3, inputChannels: 3, imageSize: 32))
        #expect(model.parameterCounts.total == 272_019)
        let names = model.namedParameters().map(\.name)
        #expect(names.suffix(2) == ["fc.weight", "fc.bias"])
        let head = Set(names.suffix(2))
        model.freeze(where: { !head.contains($0) })
        let counts = model.parameterCounts
        #expect(counts.total == 272_019 && counts.trainable == 195 && counts.frozen == 271_824)
    }

    @Test("course_cnn32's layers hold 2,432 / 18,496 / 771 parameters with 3 classes")
    func courseCNN32() throws {
        let model = try ModelRegistry.build("course_cnn32", configuration: .init(numClasses: 3, inputChannels: 3, imageSize: 32))
        let rows = try model.summary(inputShape: [1, 3, 32, 32]).filter { $0.parameterCount > 0 }
        #expect(rows.map(\.parameterCount) == [2_432, 18_496, 771])
        #expect(rows.last?.outputShape == [1, 3])
    }

    @Test("state-dict keys follow torchvision's names")
    func torchvisionNames() throws {
        let small = ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 32)
        let resnet = try ModelRegistry.build("resnet50", configuration: small).stateDictKeys()
        for key in ["conv1.weight", "bn1.running_var", "layer1.0.conv3.weight", "layer1.0.downsample.0.weight",
                    "layer1.0.downsample.1.num_batches_tracked", "layer4.2.bn3.bias", "fc.bias"] {
            #expect(resnet.contains(key), "resnet50 lacks \(key)")
        }
        let mobile = try ModelRegistry.build("mobilenet_v2", configuration: small).stateDictKeys()
        for key in ["features.0.0.weight", "features.0.1.running_mean", "features.1.conv.0.0.weight", "features.1.conv.1.weight",
                    "features.1.conv.2.bias", "features.2.conv.0.0.weight", "features.2.conv.3.running_var",
                    "features.18.0.weight", "classifier.1.weight"] {
            #expect(mobile.contains(key), "mobilenet_v2 lacks \(key)")
        }
        let vgg = try ModelRegistry.build("vgg11_bn", configuration: .init(numClasses: 10, inputChannels: 3, imageSize: 32)).stateDictKeys()
        #expect(vgg.first == "features.0.weight" && vgg.contains("features.1.running_mean") && vgg.contains("features.25.weight"))
        #expect(vgg.suffix(2) == ["classifier.6.weight", "classifier.6.bias"])
        let cifar = try ModelRegistry.build("cifar_resnet20", configuration: small).stateDictKeys()
        #expect(cifar.contains("layer2.0.downsample.0.weight") && !cifar.contains("layer1.0.downsample.0.weight"))
    }

    @Test("every classifier runs a batch at its default input size and gives one row of scores per image",
          arguments: ["mlp", "lenet5", "fashion_cnn", "course_cnn28", "course_cnn32", "cifar_resnet20"])
    func forwardShapes(name: String) throws {
        let entry = try ModelRegistry.entry(name)
        let configuration = entry.defaultConfiguration
        let model = try entry.build(configuration)
        model.eval()
        let side = configuration.imageSize
        let output = try model(Tensor.randomNormal([2, configuration.inputChannels, side, side]))
        #expect(output.shape == [2, configuration.numClasses])
        let finite = output.toArray().allSatisfy { $0.isFinite }
        #expect(finite)
    }

    @Test("ImageNet models run small inputs: adaptive pooling makes the head independent of the size",
          arguments: ["resnet18", "vgg11", "mobilenet_v2"])
    func smallInputs(name: String) throws {
        let model = try ModelRegistry.build(name, configuration: .init(numClasses: 5, inputChannels: 1, imageSize: 32))
        model.eval()
        #expect(try model(Tensor.randomNormal([1, 1, 32, 32])).shape == [1, 5])
    }

    @Test("gray inputs and other sizes resize the first layers", arguments: [("lenet5", 32, 16 * 6 * 6 * 120 + 120), ("fashion_cnn", 32, 64 * 8 * 8 * 128 + 128)])
    func firstLayerFromImageSize(name: String, side: Int, firstFullyConnected: Int) throws {
        let model = try ModelRegistry.build(name, configuration: .init(numClasses: 10, inputChannels: 1, imageSize: side))
        let rows = try model.summary(inputShape: [1, 1, side, side])
        #expect(rows.contains { $0.type == "Linear" && $0.parameterCount == firstFullyConnected })
    }

    @Test("mobilenet_v2's width multiplier rounds channels to multiples of 8 as torchvision does")
    func widthMultiplier() throws {
        #expect(MobileNetV2.divisible(32 * 0.5) == 16)
        #expect(MobileNetV2.divisible(24 * 0.35) == 8)
        #expect(MobileNetV2.divisible(1280 * 1.4) == 1792)
        let half = try ModelRegistry.build("mobilenet_v2", configuration: .init(numClasses: 1000, inputChannels: 3, imageSize: 224, options: ["width": 0.5]))
        #expect(half.parameterCounts.total == 1_968_680)
        #expect(throws: ModelRegistryError.self) {
            _ = try ModelRegistry.build("mobilenet_v2", configuration: .init(numClasses: 10, inputChannels: 3, imageSize: 224, options: ["width": 0]))
        }
    }

    @Test("inputs too small for a model are refused before anything runs", arguments: [("lenet5", 11), ("course_cnn32", 12), ("resnet18", 31), ("vgg16", 16)])
    func tooSmall(name: String, side: Int) {
        #expect(throws: ModelRegistryError.self) {
            _ = try ModelRegistry.build(name, configuration: .init(numClasses: 10, inputChannels: 3, imageSize: side))
        }
    }
}
