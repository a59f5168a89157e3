import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

/// Adds a constant: a layer whose effect on a graph's values is easy to follow by hand.
final class AddConstant: Module, Layer {
    let constant: Float
    init(_ constant: Float) { self.constant = constant }
    func forward(_ input: Tensor) throws -> Tensor { try input + Tensor(scalar: constant) }
}

extension PerceptNNTests {
    @Suite("Small layers and kernels: ConvNormActivation, ReLU6, Concat, LayerGraph, top-k, box IoU, NMS")
    struct SmallLayersTests {
        @Test("ReLU6 clamps to [0, 6]")
        func relu6() throws {
            #expect(try ReLU6()(Tensor([-1, 3, 7])).toArray() == [0, 3, 6])
        }

        @Test("ConvNormActivation names its children 0, 1, 2 as torchvision and pads to keep the size")
        func convNormActivation() throws {
            let block = try ConvNormActivation(3, 8, kernelSize: 3, stride: 2, activation: ReLU6())
            #expect(block.stateDictKeys() == ["0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"])
            #expect(try block(Tensor.zeros([1, 3, 8, 8])).shape == [1, 8, 4, 4])
            let plain = try ConvNormActivation(3, 8, kernelSize: 5, normalize: false, activation: nil)
            #expect(plain.stateDictKeys() == ["0.weight", "0.bias"])
            #expect(try plain(Tensor.zeros([1, 3, 8, 8])).shape == [1, 8, 8, 8])
        }

        @Test("Concat joins along channels and shows in summaries")
        func concat() throws {
            let joined = try Concat()([Tensor.ones([1, 2, 3, 3]), Tensor.zeros([1, 5, 3, 3])])
            #expect(joined.shape == [1, 7, 3, 3])
            #expect(try joined.sum().item() == 18)
        }

        @Test("a LayerGraph runs rows by their sources, repeats modules and names them model.N")
        func layerGraph() throws {
            let graph = try LayerGraph([
                try LayerRow { AddConstant(1) },                 // 0: x + 1
                try LayerRow(repeats: 2) { AddConstant(10) },    // 1: x + 21
                LayerRow(from: [-1, 0], Concat(axis: 0)),        // 2: [x + 21, x + 1]
                try LayerRow(from: 0) { AddConstant(100) },      // 3: x + 101
            ], outputs: [2, -1])
            let outputs = try graph.forwardAll(Tensor([0]))
            #expect(outputs.map { $0.toArray() } == [[21, 1], [101]])
            #expect(try graph(Tensor([1])).toArray() == [22, 2])

            let named = try LayerGraph([try LayerRow { try Linear(2, 2) }, try LayerRow(repeats: 2) { try Linear(2, 2) },
                                        LayerRow(from: [0, 1], Concat())])
            #expect(named.stateDictKeys() == ["model.0.weight", "model.0.bias", "model.1.0.weight", "model.1.0.bias",
                                              "model.1.1.weight", "model.1.1.bias"])
            let rows = try named.summary(inputShape: [3, 2])
            #expect(rows.last?.type == "Concat" && rows.last?.outputShape == [3, 4])
        }

        @Test("a LayerGraph refuses sources that are not earlier rows and several inputs to a one-input layer")
        func layerGraphErrors() throws {
            #expect(throws: TensorError.self) { _ = try LayerGraph([try LayerRow(from: 1) { AddConstant(1) }, try LayerRow { AddConstant(1) }]) }
            #expect(throws: TensorError.self) { _ = try LayerGraph([try LayerRow { AddConstant(1) }, LayerRow(from: [0, -1], Concat()), try LayerRow(from: -3) { AddConstant(1) }]) }
            #expect(throws: TensorError.self) { _ = try LayerGraph([try LayerRow(repeats: 0) { AddConstant(1) }]) }
            #expect(throws: TensorError.self) { _ = try LayerGraph([try LayerRow { AddConstant(1) }], outputs: [3]) }
        }

        @Test("top-k picks the largest values along an axis, ties in index order, and passes gradients to them")
        func topK() throws {
            let x = try Tensor([1, 3, 2, 3, 0, -1, 5, 4], shape: [2, 4]).requiringGrad()
            let (values, indices) = try x.topK(2, axis: 1)
            #expect(values.toArray() == [3, 3, 5, 4])
            #expect(indices.toIntArray() == [1, 3, 2, 3] && indices.shape == [2, 2])
            try values.sum().backward()
            #expect(x.grad?.toArray() == [0, 1, 0, 1, 0, 0, 1, 1])
            let down = try x.detach().topK(1, axis: 0)
            #expect(down.values.toArray() == [1, 3, 5, 4] && down.indices.toIntArray() == [0, 0, 1, 1] && down.values.shape == [1, 4])
            #expect(try x.detach().topK(1, largest: false).indices.toIntArray() == [0, 1])
            #expect(throws: TensorError.self) { _ = try x.topK(5, axis: 1) }
        }

        @Test("box IoU matches hand-computed overlaps, 0 for disjoint and empty boxes")
        func boxIoU() throws {
            let a = try Tensor([0, 0, 2, 2, 0, 0, 0, 0], shape: [2, 4])
            let b = try Tensor([1, 1, 3, 3, 0, 0, 2, 2, 5, 5, 6, 6, 0, 0, 0, 0], shape: [4, 4])
            let iou = try Tensor.boxIoU(a, b)
            #expect(iou.shape == [2, 4])
            let expected: [Float] = [1.0 / 7, 1, 0, 0, 0, 0, 0, 0]
            #expect(zip(iou.toArray(), expected).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
            #expect(throws: TensorError.self) { _ = try Tensor.boxIoU(Tensor.zeros([2, 3]), b) }
        }

        @Test("NMS keeps the best box of each overlapping group, per class when classes are given")
        func nms() throws {
            let boxes = try Tensor([0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30, 0, 0, 10, 10], shape: [4, 4])
            let scores = Tensor([0.9, 0.8, 0.7, 0.95])
            // Box 1 overlaps box 3 by 81 / 119 ≈ 0.68.
            #expect(try Tensor.nonMaxSuppression(boxes: boxes, scores: scores, iouThreshold: 0.5) == [3, 2])
            #expect(try Tensor.nonMaxSuppression(boxes: boxes, scores: scores, iouThreshold: 0.7) == [3, 1, 2])
            // Box 0 alone in class 1 survives box 3's overlap; box 1 in box 3's class does not.
            let classes = try Tensor(indices: [1, 0, 0, 0])
            let perClass = try Tensor.nonMaxSuppression(boxes: boxes, scores: scores, iouThreshold: 0.5, classes: classes)
            #expect(perClass == [3, 0, 2], "kept \(perClass), classes \(classes.toArray())")
            #expect(throws: TensorError.self) { _ = try Tensor.nonMaxSuppression(boxes: boxes, scores: Tensor([1]), iouThreshold: 0.5) }
        }
    }
}
