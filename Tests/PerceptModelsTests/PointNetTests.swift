import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("PointNet and its T-Net")
struct PointNetTests {
    static let small = ModelConfiguration(numClasses: 6, inputChannels: 4, imageSize: 64, options: ["width": 0.125])

    @Test("a fresh T-Net outputs the identity for any input", arguments: [3, 8])
    func freshTNetIsIdentity(k: Int) throws {
        Tensor.manualSeed(3)
        let tnet = try TNet(inputChannels: 5, k: k, width: PointNetWidths(0.125))
        let columns = Tensor.randomNormal([5, 3 * 20])
        for mode in [true, false] {
            tnet.train(mode)
            let matrices = try tnet(columns, clouds: 3)
            #expect(matrices.shape == [3, k, k])
            let expected = try Tensor.eye(k).unsqueezed(0).expanded(to: [3, k, k]).contiguous().toArray()
            #expect(matrices.contiguous().toArray() == expected)
        }
    }

    @Test("a fresh T-Net's zero-initialised last layer trains: it is not frozen and gets a gradient")
    func freshTNetTrains() throws {
        Tensor.manualSeed(4)
        let tnet = try TNet(inputChannels: 3, k: 3, width: PointNetWidths(0.125))
        #expect(tnet.parameterCounts.frozen == 0)
        tnet.train()
        let matrices = try tnet(Tensor.randomNormal([3, 4 * 16]), clouds: 4)
        try (matrices * Tensor.randomNormal([4, 3, 3])).sum().backward()
        let gradient = try #require(tnet.transform.weight.grad, "the last layer got no gradient")
        #expect(gradient.toArray().contains { $0 != 0 })
    }

    @Test("the regulariser is the squared Frobenius norm of I − AAᵀ, averaged over the batch")
    func orthogonalityPenalty() throws {
        // A = 2·I (k = 2): I − 4I = −3I, squared norm 9 + 9 = 18; A = I gives 0; mean 9.
        let matrices = try Tensor([2, 0, 0, 2, 1, 0, 0, 1], shape: [2, 2, 2])
        #expect(try TNet.orthogonalityPenalty(matrices).item() == 9)
    }

    @Test("shuffling the points leaves eval-mode classification logits unchanged", arguments: ["pointnet_cls", "pointnet_cls_s"])
    func shuffleInvariance(name: String) throws {
        Tensor.manualSeed(11)
        let model = try ModelRegistry.build(name, configuration: Self.small)
        // A few training steps' worth of batch statistics, so eval mode uses non-trivial ones.
        _ = try withoutGrad { try model(Tensor.randomNormal([4, 4, 64])) }
        model.eval()
        let clouds = Tensor.randomNormal([2, 4, 64])
        var order = Array(0..<64)
        var generator = SystemRandomNumberGenerator()
        order.shuffle(using: &generator)
        let shuffled = try clouds.indexSelect(axis: 2, indices: Tensor(indices: order))
        let (a, b) = try withoutGrad { (try model(clouds), try model(shuffled)) }
        #expect(a.shape == [2, 6])
        let worst = zip(a.toArray(), b.toArray()).map { Swift.abs($0 - $1) }.max() ?? 1
        #expect(worst <= 1e-4)
        #expect(a.toArray() != Array(repeating: a.toArray()[0], count: 12), "logits must depend on the input")
    }

    @Test("shuffling the points permutes segmentation logits the same way")
    func segmentationEquivariance() throws {
        Tensor.manualSeed(12)
        let model = try ModelRegistry.build("pointnet_seg", configuration: Self.small)
        model.eval()
        let clouds = Tensor.randomNormal([1, 4, 64])
        let order = (0..<64).map { ($0 * 37) % 64 }
        let indices = try Tensor(indices: order)
        let (a, b) = try withoutGrad { (try model(clouds), try model(try clouds.indexSelect(axis: 2, indices: indices))) }
        #expect(a.shape == [1, 6, 64])
        let reordered = try a.indexSelect(axis: 2, indices: indices)
        let worst = zip(reordered.contiguous().toArray(), b.contiguous().toArray()).map { Swift.abs($0 - $1) }.max() ?? 1
        #expect(worst <= 1e-4)
    }

    @Test("the four entries are registered for point clouds with the paper's widths")
    func registryEntries() throws {
        let names = ModelRegistry.entries.filter { $0.task == .pointcloud }.map(\.name)
        #expect(names == ["pointnet_cls", "pointnet_cls_s", "pointnet_seg", "pointnet_seg_s"])
        let full = try #require(try ModelRegistry.build("pointnet_cls", configuration: .init(numClasses: 10, inputChannels: 3, imageSize: 1024)) as? PointNetClassifier)
        #expect(full.trunk.featureTransform.k == 64)
        #expect(full.mlp2.stateDict()["2.conv.weight"]?.shape == [1024, 128, 1])
        let narrow = try #require(try ModelRegistry.build("pointnet_seg_s", configuration: .init(numClasses: 8, inputChannels: 4, imageSize: 4096)) as? PointNetSegmenter)
        #expect(narrow.joint.stateDict()["conv.weight"]?.shape == [256, 32 + 512, 1])
    }

    @Test("configurations the model cannot take are refused by name")
    func badConfigurations() throws {
        let noCoordinates = thrownError(ModelRegistryError.self) {
            _ = try ModelRegistry.build("pointnet_seg", configuration: .init(numClasses: 3, inputChannels: 2, imageSize: 100))
        }
        #expect(noCoordinates.map { "\($0)" }?.contains("input_channels must be at least 3") == true)
        let badWidth = thrownError(ModelRegistryError.self) {
            _ = try ModelRegistry.build("pointnet_cls", configuration: .init(numClasses: 3, inputChannels: 3, imageSize: 100, options: ["width": 0]))
        }
        #expect(badWidth.map { "\($0)" }?.contains("option width") == true)
        let model = try ModelRegistry.build("pointnet_cls", configuration: Self.small)
        let wrongChannels = thrownError(TensorError.self) { _ = try model(Tensor.zeros([1, 3, 10])) }
        #expect(wrongChannels.map { "\($0)" }?.contains("expected clouds [N, 4, points]") == true)
    }
}
