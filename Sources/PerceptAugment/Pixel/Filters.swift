import Foundation
import PerceptImage

/// Draws an odd kernel size from `range`; `0...0` returns 0 (derive it from sigma).
private func drawOddSize(_ range: ClosedRange<Int>, random: inout AugmentRandom) -> Int {
    let sizes = stride(from: max(3, range.lowerBound | 1), through: range.upperBound, by: 2).map { $0 }
    return sizes.isEmpty ? 0 : sizes[random.integer(in: 0...(sizes.count - 1))]
}

/// Throws unless a kernel-size range is usable.
private func checkKernelRange(_ range: ClosedRange<Int>, transform: String) throws {
    guard range == 0...0 || range.lowerBound >= 0 && range.upperBound >= 3 else {
        throw AugmentError.invalidArgument(transform: transform, message: "blur_limit must allow an odd size of at least 3 (or be 0 to follow sigma), found \(range)")
    }
}

/// The drawn size (and sigma) of a blur kernel.
public struct KernelParameters: TransformParameters, Equatable {
    /// Odd kernel size.
    public var size: Int
    /// Gaussian sigma (0 derives it from the size).
    public var sigma: Double
    /// A full kernel, for motion blur.
    public var kernel: [Double]?
}

/// Gaussian blur with a random sigma and odd kernel size (Albumentations `GaussianBlur`);
/// a size of 0 follows the sigma as Albumentations 2 and PIL do (`2·⌊3.5σ⌋ + 1`).
public struct GaussianBlur: PixelTransform {
    public let name = "GaussianBlur"
    /// The chance of blurring.
    public var probability: Double
    /// Kernel size range.
    public var blurLimit: ClosedRange<Int>
    /// Sigma range (0 derives it from the size).
    public var sigmaLimit: ClosedRange<Double>

    /// A Gaussian blur.
    public init(blurLimit: ClosedRange<Int> = 0...0, sigmaLimit: ClosedRange<Double> = 0.5...3, probability: Double = 0.5) throws {
        try checkKernelRange(blurLimit, transform: "GaussianBlur")
        guard sigmaLimit.lowerBound >= 0, blurLimit != 0...0 || sigmaLimit.lowerBound > 0 else {
            throw AugmentError.invalidArgument(transform: "GaussianBlur", message: "sigma_limit must be positive when blur_limit is 0, found \(sigmaLimit)")
        }
        self.blurLimit = blurLimit
        self.sigmaLimit = sigmaLimit
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> KernelParameters {
        let size = drawOddSize(blurLimit, random: &random), sigma = random.uniform(sigmaLimit)
        return KernelParameters(size: size > 0 ? size : Int(sigma * 3.5) * 2 + 1, sigma: sigma)
    }

    public func image(_ image: Image, parameters: KernelParameters) throws -> Image {
        let taps = gaussianTaps(size: parameters.size, sigma: parameters.sigma)
        return try image.editing(Convolution(kernel: taps, vertical: taps))
    }
}

/// Median of each channel over a random odd window (Albumentations `MedianBlur`).
public struct MedianBlur: PixelTransform {
    public let name = "MedianBlur"
    /// The chance of blurring.
    public var probability: Double
    /// Window size range.
    public var blurLimit: ClosedRange<Int>

    /// A median blur.
    public init(blurLimit: ClosedRange<Int> = 3...7, probability: Double = 0.5) throws {
        try checkKernelRange(blurLimit, transform: "MedianBlur")
        self.blurLimit = blurLimit
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> KernelParameters {
        KernelParameters(size: drawOddSize(blurLimit, random: &random), sigma: 0)
    }

    public func image(_ image: Image, parameters: KernelParameters) throws -> Image {
        try image.editing(Median(size: parameters.size))
    }
}

/// The per-channel median over a square window.
private struct Median: SampleEdit {
    let size: Int

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        let radius = size / 2, paddedWidth = width + 2 * radius
        let padded = paddedCopy(samples, width: width, height: height, channels: channels, radius: radius)
        var window = [Float](repeating: 0, count: size * size)
        for y in 0..<height {
            for x in 0..<width {
                for channel in 0..<channels {
                    for row in 0..<size {
                        for column in 0..<size {
                            window[row * size + column] = padded[((y + row) * paddedWidth + x + column) * channels + channel]
                        }
                    }
                    window.sort()
                    samples[(y * width + x) * channels + channel] = Value(roundingClamped: window[window.count / 2])
                }
            }
        }
    }
}

/// Blur along a random line through the kernel centre (Albumentations `MotionBlur`).
public struct MotionBlur: PixelTransform {
    public let name = "MotionBlur"
    /// The chance of blurring.
    public var probability: Double
    /// Kernel size range.
    public var blurLimit: ClosedRange<Int>

    /// A motion blur.
    public init(blurLimit: ClosedRange<Int> = 3...7, probability: Double = 0.5) throws {
        try checkKernelRange(blurLimit, transform: "MotionBlur")
        self.blurLimit = blurLimit
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> KernelParameters {
        let size = drawOddSize(blurLimit, random: &random)
        let angle = random.uniform(0...Double.pi), radius = Double(size / 2)
        var kernel = [Double](repeating: 0, count: size * size)
        // Mark the pixels a line through the centre crosses, sampled finely.
        for step in 0...(size * 4) {
            let offset = Double(step) / Double(size * 4) * 2 * radius - radius
            let x = Int((radius + offset * cos(angle)).rounded()), y = Int((radius + offset * sin(angle)).rounded())
            kernel[y * size + x] = 1
        }
        let total = kernel.reduce(0, +)
        return KernelParameters(size: size, sigma: 0, kernel: kernel.map { $0 / total })
    }

    public func image(_ image: Image, parameters: KernelParameters) throws -> Image {
        try image.editing(Convolution(kernel: (parameters.kernel ?? [1]).map(Float.init), vertical: nil))
    }
}

/// Unsharp-style sharpening: `(1 − α)·identity + α·[[-1,-1,-1],[-1,8+λ,-1],[-1,-1,-1]]`
/// (Albumentations `Sharpen`).
public struct Sharpen: PixelTransform {
    /// The drawn strength and lightness.
    public struct Parameters: TransformParameters, Equatable {
        /// α, the blend towards the sharpening kernel.
        public var alpha: Double
        /// λ, the centre weight boost.
        public var lightness: Double
    }

    public let name = "Sharpen"
    /// The chance of sharpening.
    public var probability: Double
    /// α range.
    public var alpha: ClosedRange<Double>
    /// λ range.
    public var lightness: ClosedRange<Double>

    /// A sharpen.
    public init(alpha: ClosedRange<Double> = 0.2...0.5, lightness: ClosedRange<Double> = 0.5...1, probability: Double = 0.5) {
        self.alpha = alpha
        self.lightness = lightness
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(alpha: random.uniform(alpha), lightness: random.uniform(lightness))
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        let alpha = Float(parameters.alpha), centre = Float(8 + parameters.lightness)
        var kernel = [Float](repeating: -alpha, count: 9)
        kernel[4] = (1 - alpha) + alpha * centre
        // Keep the overall gain at 1 so flat areas keep their level.
        let total = kernel.reduce(0, +)
        return try image.editing(Convolution(kernel: kernel.map { $0 / total }, vertical: nil))
    }
}
