import PerceptImage

/// The drawn level of a quality or tone change.
public struct LevelParameters: TransformParameters, Equatable {
    /// The level: JPEG quality, scale, bits or threshold.
    public var level: Double
}

/// JPEG artefacts: the image is encoded and decoded with PerceptImage's JPEG codec at a
/// random quality (Albumentations `ImageCompression`). Needs 8-bit gray or RGB.
public struct ImageCompression: PixelTransform {
    public let name = "ImageCompression"
    /// The chance of compressing.
    public var probability: Double
    /// Quality range, 1–100.
    public var quality: ClosedRange<Int>

    /// A JPEG round trip.
    public init(quality: ClosedRange<Int> = 99...100, probability: Double = 0.5) throws {
        try checkRange(quality, within: 1...100, argument: "quality_range", transform: "ImageCompression")
        self.quality = quality
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> LevelParameters {
        LevelParameters(level: Double(random.integer(in: quality)))
    }

    public func image(_ image: Image, parameters: LevelParameters) throws -> Image {
        guard image.sampleType == .uint8, image.channels == 1 || image.channels == 3 else {
            throw AugmentError.unsupported(transform: name,
                                           message: "JPEG needs an 8-bit gray or RGB image, found \(image.channels) channel(s) of \(image.sampleType.rawValue)")
        }
        let bytes = try image.encoded(as: .jpeg, options: ImageWriteOptions(quality: Int(parameters.level), chromaSubsampling: .yuv420))
        return try Image.decode(bytes)
    }
}

/// Shrinks and re-enlarges the image, losing detail (Albumentations `Downscale`).
public struct Downscale: PixelTransform {
    public let name = "Downscale"
    /// The chance of running.
    public var probability: Double
    /// Scale range, in `0 < s < 1`.
    public var scale: ClosedRange<Double>
    /// Sampling when shrinking.
    public var downInterpolation: Interpolation
    /// Sampling when enlarging.
    public var upInterpolation: Interpolation

    /// A downscale.
    public init(scale: ClosedRange<Double> = 0.25...0.25, downInterpolation: Interpolation = .nearest,
                upInterpolation: Interpolation = .nearest, probability: Double = 0.5) throws {
        guard scale.lowerBound > 0, scale.upperBound < 1 else {
            throw AugmentError.invalidArgument(transform: "Downscale", message: "scale_range must lie in 0 < s < 1, found \(scale)")
        }
        self.scale = scale
        self.downInterpolation = downInterpolation
        self.upInterpolation = upInterpolation
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> LevelParameters {
        LevelParameters(level: random.uniform(scale))
    }

    public func image(_ image: Image, parameters: LevelParameters) throws -> Image {
        let width = max(1, Int((Double(image.width) * parameters.level).rounded()))
        let height = max(1, Int((Double(image.height) * parameters.level).rounded()))
        return try image.resized(width: width, height: height, interpolation: downInterpolation)
            .resized(width: image.width, height: image.height, interpolation: upInterpolation)
    }
}

/// Keeps only the top bits of each 8-bit level (Albumentations `Posterize`).
public struct Posterize: PixelTransform {
    public let name = "Posterize"
    /// The chance of running.
    public var probability: Double
    /// Bits kept, 1–8.
    public var bits: ClosedRange<Int>

    /// A posterize.
    public init(bits: ClosedRange<Int> = 4...4, probability: Double = 0.5) throws {
        try checkRange(bits, within: 1...8, argument: "num_bits", transform: "Posterize")
        self.bits = bits
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> LevelParameters {
        LevelParameters(level: Double(random.integer(in: bits)))
    }

    public func image(_ image: Image, parameters: LevelParameters) throws -> Image {
        let keep = UInt8(truncatingIfNeeded: 0xFF << (8 - Int(parameters.level)))
        return try image.applyingCurves([{ Float(UInt8(min(max($0 * 255, 0), 255).rounded(.down)) & keep) / 255 }])
    }
}

/// Inverts every level at or above a threshold (Albumentations `Solarize`; the threshold is a
/// fraction of the maximum).
public struct Solarize: PixelTransform {
    public let name = "Solarize"
    /// The chance of running.
    public var probability: Double
    /// Threshold range as a fraction of the maximum.
    public var threshold: ClosedRange<Double>

    /// A solarize.
    public init(threshold: ClosedRange<Double> = 0.5...0.5, probability: Double = 0.5) throws {
        try checkRange(threshold, within: 0...1, argument: "threshold_range", transform: "Solarize")
        self.threshold = threshold
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> LevelParameters {
        LevelParameters(level: random.uniform(threshold))
    }

    public func image(_ image: Image, parameters: LevelParameters) throws -> Image {
        let threshold = Float(parameters.level)
        return try image.applyingCurves([{ $0 >= threshold ? 1 - $0 : $0 }])
    }
}

/// `(x / maxPixelValue − mean) / std` per channel, as a Float32 image (Albumentations
/// `Normalize`; ImageNet statistics by default).
public struct Normalize: PixelTransform {
    public let name = "Normalize"
    /// The chance of running (normally 1).
    public var probability: Double
    /// Per-channel mean.
    public var mean: [Double]
    /// Per-channel standard deviation.
    public var standardDeviation: [Double]
    /// The value that means full intensity.
    public var maxPixelValue: Double

    /// A normalisation.
    public init(mean: [Double] = [0.485, 0.456, 0.406], standardDeviation: [Double] = [0.229, 0.224, 0.225],
                maxPixelValue: Double = 255, probability: Double = 1) throws {
        guard !mean.isEmpty, mean.count == standardDeviation.count, standardDeviation.allSatisfy({ $0 > 0 }), maxPixelValue > 0 else {
            throw AugmentError.invalidArgument(transform: "Normalize",
                                               message: "mean and std need the same non-zero length, std and max_pixel_value must be positive")
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.maxPixelValue = maxPixelValue
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> NoParameters { NoParameters() }

    public func image(_ image: Image, parameters: NoParameters) throws -> Image {
        let floats = image.converted(to: .float32)
        guard case .float32(var values) = floats.samples else { return image }
        // converted(to:) scales to 0...1 by the type's maximum; rescale to max_pixel_value.
        let rescale = Float(image.sampleType.maximumValue / maxPixelValue)
        for index in values.indices {
            let channel = min(index % image.channels, mean.count - 1)
            values[index] = (values[index] * rescale - Float(mean[channel])) / Float(standardDeviation[channel])
        }
        return try Image(width: image.width, height: image.height, channels: image.channels, samples: .float32(values))
    }
}
