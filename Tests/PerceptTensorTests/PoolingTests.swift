import Foundation
import Testing
@testable import PerceptTensor

/// Pooling and upsampling values: worked examples and values PyTorch 2.x printed for the same
/// inputs (`F.max_pool2d`, `F.avg_pool2d`, `F.adaptive_*`, `F.interpolate`, run by hand).
@Suite("Pooling and upsampling")
struct PoolingTests {
    /// `3·sin(0.7·i)` in row-major order: varied values any tool can rebuild.
    static func pattern(_ shape: [Int]) throws -> Tensor {
        try Tensor((0..<Layout.count(shape)).map { Float(Foundation.sin(Double($0) * 0.7) * 3) }, shape: shape)
    }

    static func expectClose(_ actual: Tensor, _ expected: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
        let values = actual.toArray()
        #expect(values.count == expected.count, sourceLocation: sourceLocation)
        for (index, (a, e)) in zip(values, expected).enumerated() {
            #expect(Swift.abs(a - e) <= 1e-4 * Swift.max(1, Swift.abs(e)), "element \(index): \(a) vs \(e)", sourceLocation: sourceLocation)
        }
    }

    @Test("the 2×2/stride-2 average pool of the worked example gives [[4.25, 4.25], [4.25, 3.5]]")
    func averageWorkedExample() throws {
        let x = try Tensor([2, 2, 7, 3, 9, 4, 6, 1, 8, 5, 2, 4, 3, 1, 2, 6], shape: [1, 1, 4, 4])
        let y = try x.avgPool2d(kernelSize: 2, stride: 2)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.toArray() == [4.25, 4.25, 4.25, 3.5])
    }

    @Test("LeNet shape trace: [1000,1,28,28] → conv5 → pool → conv5 → pool gives [1000,20,4,4]")
    func lenetTrace() throws {
        let x = Tensor.zeros([1000, 1, 28, 28])
        let c1 = try x.conv2d(weight: Tensor.zeros([10, 1, 5, 5]), bias: Tensor.zeros([10]))
        #expect(c1.shape == [1000, 10, 24, 24])
        let p1 = try c1.maxPool2d(kernelSize: 2)
        #expect(p1.shape == [1000, 10, 12, 12])
        let c2 = try p1.conv2d(weight: Tensor.zeros([20, 10, 5, 5]), bias: Tensor.zeros([20]))
        #expect(c2.shape == [1000, 20, 8, 8])
        #expect(try c2.maxPool2d(kernelSize: 2).shape == [1000, 20, 4, 4])
    }

    @Test("max pool with padding gives PyTorch's values and flat plane indices")
    func maxPoolPadded() throws {
        let (values, indices) = try Self.pattern([1, 2, 5, 6]).maxPool2dWithIndices(kernelSize: 3, stride: 2, padding: 1)
        #expect(values.shape == [1, 2, 3, 3])
        Self.expectClose(values, [1.93265, 2.95635, 2.9645, 2.5638, 2.97182, 2.9645, 2.00871, 2.97182, 2.9783,
                                  2.50997, 2.98393, 2.48198, 2.4533, 2.98393, 2.98873, 2.4533, 2.99267, 2.42392])
        #expect(indices.dtype == .int64)
        #expect(indices.toIntArray() == [1, 2, 11, 12, 20, 11, 19, 20, 29, 0, 8, 9, 18, 8, 17, 18, 26, 27])
    }

    @Test("max pool with dilation and unequal strides gives PyTorch's indices")
    func maxPoolDilated() throws {
        let (values, indices) = try Self.pattern([1, 2, 5, 6]).maxPool2dWithIndices(
            kernelSize: 2, stride: SpatialPair(1, 2), padding: 1, dilation: 2)
        #expect(values.shape == [1, 2, 5, 3])
        #expect(indices.toIntArray() == [7, 9, 11, 1, 3, 3, 19, 21, 11, 13, 13, 29, 19, 21, 21,
                                         7, 9, 9, 1, 1, 17, 7, 9, 9, 25, 27, 17, 19, 19, 23])
    }

    @Test("max pool 1d picks the window maximum and its position", arguments: [false, true])
    func maxPool1d(padded: Bool) throws {
        let x = try Tensor([1, 5, 2, 8, 3, 0, 7], shape: [1, 1, 7])
        let (values, indices) = try x.maxPool1dWithIndices(kernelSize: 3, stride: 2, padding: padded ? 1 : 0)
        #expect(values.toArray() == (padded ? [5, 8, 8, 7] : [5, 8, 7]))
        #expect(indices.toIntArray() == (padded ? [1, 3, 3, 6] : [1, 3, 6]))
    }

    @Test("average pool with padding counts the padding only when asked")
    func averagePadded() throws {
        let x = try Self.pattern([1, 2, 5, 6])
        Self.expectClose(try x.avgPool2d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: true),
                         [-0.40327, 0.29866, 0.83646, 0.00762, -0.00602, -0.01608, -0.38667, 0.3253, 0.83065,
                          0.62836, 0.50348, -0.59101, -0.01214, -0.00949, 0.0116, 0.63038, 0.48011, -0.61128])
        Self.expectClose(try x.avgPool2d(kernelSize: 3, stride: 2, padding: 1, countIncludePad: false),
                         [-0.90736, 0.44799, 1.25469, 0.01143, -0.00602, -0.01608, -0.87, 0.48794, 1.24597,
                          1.41381, 0.75522, -0.88652, -0.01821, -0.00949, 0.0116, 1.41836, 0.72017, -0.91693])
        let line = try Tensor([1, 2, 3, 4], shape: [1, 1, 4])
        #expect(try line.avgPool1d(kernelSize: 2, stride: 1, padding: 1, countIncludePad: false).toArray() == [1, 1.5, 2.5, 3.5, 4])
    }

    @Test("adaptive pools use PyTorch's floor/ceil windows")
    func adaptive() throws {
        let x = try Self.pattern([1, 2, 5, 6])
        Self.expectClose(try x.adaptiveAvgPool2d(outputSize: SpatialPair(3, 4)),
                         [-0.90736, 0.01196, 1.404, 1.22202, 0.01143, -0.00046, -0.0181, -0.01556, -0.87, 0.05979, 1.41094, 1.19683,
                          1.41381, 1.18373, -0.57656, -1.27888, -0.01821, -0.01505, 0.0077, 0.01658, 1.41836, 1.15652, -0.61997, -1.29912])
        let (values, indices) = try x.adaptiveMaxPool2dWithIndices(outputSize: SpatialPair(2, 4))
        Self.expectClose(values, [2.5638, 2.95635, 2.58963, 2.9645, 2.5638, 2.97182, 2.53724, 2.9783,
                                  2.50997, 2.98393, 2.48198, 2.98873, 2.4533, 2.99267, 2.42392, 2.98873])
        #expect(indices.toIntArray() == [12, 2, 3, 11, 12, 20, 21, 29, 0, 8, 9, 17, 18, 26, 27, 17])
    }

    @Test("global pools reduce each plane to its mean or maximum")
    func global() throws {
        let x = try Tensor([1, 2, 3, 6, -1, -2, -3, -6], shape: [1, 2, 2, 2])
        #expect(try x.globalAvgPool2d().toArray() == [3, -3])
        #expect(try x.globalMaxPool2d().toArray() == [6, -1])
        #expect(try x.globalAvgPool2d().shape == [1, 2, 1, 1])
    }

    @Test("nearest upsampling by size and by scale factor follows PyTorch's index rule")
    func nearest() throws {
        let y = try Self.pattern([1, 1, 3, 4])
        Self.expectClose(try y.upsampleNearest2d(size: SpatialPair(5, 7)),
                         [0.0, 0.0, 1.93265, 1.93265, 2.95635, 2.95635, 2.58963, 0.0, 0.0, 1.93265, 1.93265, 2.95635, 2.95635, 2.58963,
                          1.00496, 1.00496, -1.05235, -1.05235, -2.61473, -2.61473, -2.94736, 1.00496, 1.00496, -1.05235, -1.05235,
                          -2.61473, -2.61473, -2.94736, -1.8938, -1.8938, 0.05044, 0.05044, 1.97096, 1.97096, 2.9645])
        Self.expectClose(try y.upsampleNearest2d(scaleFactor: 1.5),
                         [0.0, 0.0, 1.93265, 2.95635, 2.95635, 2.58963, 0.0, 0.0, 1.93265, 2.95635, 2.95635, 2.58963,
                          1.00496, 1.00496, -1.05235, -2.61473, -2.61473, -2.94736, -1.8938, -1.8938, 0.05044, 1.97096, 1.97096, 2.9645])
    }

    @Test("bilinear upsampling matches PyTorch with and without aligned corners")
    func bilinear() throws {
        let y = try Self.pattern([1, 1, 3, 4])
        Self.expectClose(try y.upsampleBilinear2d(size: SpatialPair(5, 7), alignCorners: false),
                         [0.0, 0.69023, 1.79461, 2.4445, 2.93015, 2.7206, 2.58963, 0.40199, 0.52222, 0.7146, 0.73328, 0.7027,
                          0.50094, 0.37483, 1.00496, 0.27021, -0.9054, -1.83354, -2.63849, -2.82856, -2.94736, -0.73429, -0.61157,
                          -0.41522, -0.12699, 0.16976, 0.43438, 0.59976, -1.8938, -1.19943, -0.08843, 1.0107, 2.04193, 2.60967, 2.9645])
        Self.expectClose(try y.upsampleBilinear2d(size: SpatialPair(5, 7), alignCorners: true),
                         [0.0, 0.96633, 1.93265, 2.4445, 2.95635, 2.77299, 2.58963, 0.50248, 0.47132, 0.44015, 0.30548, 0.17081,
                          -0.00403, -0.17886, 1.00496, -0.02369, -1.05235, -1.83354, -2.61473, -2.78104, -2.94736, -0.44442, -0.47269,
                          -0.50095, -0.41142, -0.32188, -0.15666, 0.00857, -1.8938, -0.92168, 0.05044, 1.0107, 1.97096, 2.46773, 2.9645])
        let doubled = try y.upsampleBilinear2d(scaleFactor: 2)
        #expect(doubled.shape == [1, 1, 6, 8])
        Self.expectClose(try doubled.slice(axis: 2, start: 0, end: 1),
                         [0.0, 0.48316, 1.44949, 2.18858, 2.70043, 2.86467, 2.68131, 2.58963])
    }

    @Test("bad pooling and upsampling arguments throw errors that name the shapes")
    func badInput() throws {
        let x = Tensor.zeros([1, 2, 4, 4])
        #expect(throws: TensorError.wrongRank(operation: "maxPool2d", expected: "[N, C, H, W] or [C, H, W]", shape: [4, 4])) {
            try Tensor.zeros([4, 4]).maxPool2d(kernelSize: 2)
        }
        #expect(throws: TensorError.self) { try x.maxPool2d(kernelSize: 5) }
        #expect(throws: TensorError.self) { try x.avgPool2d(kernelSize: 2, padding: 2) }
        #expect(throws: TensorError.self) { try x.maxPool2d(kernelSize: 2, stride: 0) }
        #expect(throws: TensorError.self) { try x.adaptiveAvgPool2d(outputSize: SpatialPair(0, 2)) }
        #expect(throws: TensorError.self) { try x.upsampleNearest2d() }
        #expect(throws: TensorError.self) { try x.upsampleBilinear2d(size: 2, scaleFactor: 2) }
        do {
            _ = try x.maxPool2d(kernelSize: 7)
        } catch let error as TensorError {
            #expect(error.description.contains("[1, 2, 4, 4]"))
        }
    }
}
