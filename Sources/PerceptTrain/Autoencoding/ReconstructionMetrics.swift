import Foundation
import PerceptTensor

/// Peak signal-to-noise ratio of images in `0...1`.
public enum PeakSignalToNoise {
    /// The PSNR in dB of each image of `[N, …]` `images` against `references` of the same
    /// shape: `10·log10(1 / MSE)`, with the MSE floored at 1e-10 (100 dB for identical images).
    public static func perImage(_ images: Tensor, _ references: Tensor) throws -> [Double] {
        guard images.shape == references.shape, images.rank >= 1 else {
            throw TensorError.shapeMismatch(operation: "PSNR", shapes: [images.shape, references.shape])
        }
        let a = images.contiguous().toArray(), b = references.contiguous().toArray()
        let count = images.shape[0], size = count > 0 ? a.count / count : 0
        return (0..<count).map { image in
            var sum = 0.0
            for index in (image * size)..<((image + 1) * size) {
                let difference = Double(a[index]) - Double(b[index])
                sum += difference * difference
            }
            return 10 * log10(1 / Swift.max(sum / Double(Swift.max(size, 1)), 1e-10))
        }
    }
}
