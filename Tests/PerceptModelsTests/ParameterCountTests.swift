import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("Counting a model's parameters without drawing its weights")
struct ParameterCountTests {
    @Test("shape-only counts equal the built model's for every small classifier", arguments: [
        "mlp", "lenet5", "fashion_cnn", "course_cnn28", "course_cnn32", "cifar_resnet20", "resnet18", "mobilenet_v2",
    ])
    func countsMatch(name: String) throws {
        let entry = try ModelRegistry.entry(name)
        let configuration = ModelConfiguration(numClasses: 7, inputChannels: entry.defaultConfiguration.inputChannels,
                                               imageSize: entry.defaultConfiguration.imageSize)
        #expect(try entry.parameterCounts(configuration) == entry.build(configuration).parameterCounts)
    }

    @Test("shape-only weights have their shapes but one element of storage, and real building is unaffected afterwards")
    func noStorage() throws {
        let model = try ShapeOnlyInitialization.measuring { try Linear(1000, 2000) }
        #expect(model.weight.value.shape == [2000, 1000])
        #expect(model.weight.value.strides == [0, 0])
        let real = try Linear(3, 2)
        #expect(real.weight.value.strides == [3, 1])
        #expect(try real.weight.value.toArray().contains { $0 != 0 })
    }

    @Test("VGG-16's 138,357,544 parameters are counted without allocating them")
    func vgg16() throws {
        let entry = try ModelRegistry.entry("vgg16")
        #expect(try entry.parameterCounts(entry.defaultConfiguration).total == 138_357_544)
    }
}
