import PerceptImage

/// The drawn strength of a noise and the seed its per-pixel values come from.
public struct NoiseParameters: TransformParameters, Equatable {
    /// The main strength (standard deviation, intensity or amount).
    public var strength: Double
    /// The second setting (mean, colour shift, or salt ratio).
    public var secondary: Double
    /// Seed of the per-pixel noise.
    public var noiseSeed: UInt64
}

/// Additive Gaussian noise per sample (Albumentations `GaussNoise`; standard deviation and
/// mean as fractions of the maximum value).
public struct GaussNoise: PixelTransform {
    public let name = "GaussNoise"
    /// The chance of adding noise.
    public var probability: Double
    /// Standard deviation range.
    public var standardDeviation: ClosedRange<Double>
    /// Mean range.
    public var mean: ClosedRange<Double>

    /// Gaussian noise.
    public init(standardDeviation: ClosedRange<Double> = 0.2...0.44, mean: ClosedRange<Double> = 0...0, probability: Double = 0.5) throws {
        guard standardDeviation.lowerBound >= 0 else {
            throw AugmentError.invalidArgument(transform: "GaussNoise", message: "std_range must be >= 0, found \(standardDeviation)")
        }
        self.standardDeviation = standardDeviation
        self.mean = mean
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> NoiseParameters {
        NoiseParameters(strength: random.uniform(standardDeviation), secondary: random.uniform(mean), noiseSeed: random.next())
    }

    public func image(_ image: Image, parameters: NoiseParameters) throws -> Image {
        var noise = AugmentRandom(seed: parameters.noiseSeed)
        let deviation = Float(parameters.strength), mean = Float(parameters.secondary)
        return try image.editing(PerSample { value in value + mean + deviation * Float(noise.normal()) })
    }
}

/// Camera-sensor noise (Albumentations `ISONoise`, simplified): a hue jitter of
/// `colorShift` turns and a luminance noise whose deviation grows with `intensity` and the
/// square root of the brightness, as photon noise does.
public struct ISONoise: PixelTransform {
    public let name = "ISONoise"
    /// The chance of adding noise.
    public var probability: Double
    /// Hue jitter range in turns.
    public var colorShift: ClosedRange<Double>
    /// Luminance noise strength range.
    public var intensity: ClosedRange<Double>

    /// Sensor noise.
    public init(colorShift: ClosedRange<Double> = 0.01...0.05, intensity: ClosedRange<Double> = 0.1...0.5, probability: Double = 0.5) {
        self.colorShift = colorShift
        self.intensity = intensity
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> NoiseParameters {
        NoiseParameters(strength: random.uniform(intensity), secondary: random.uniform(colorShift), noiseSeed: random.next())
    }

    public func image(_ image: Image, parameters: NoiseParameters) throws -> Image {
        try image.editing(ColourMap(function: SensorNoise(random: AugmentRandom(seed: parameters.noiseSeed),
                                                          intensity: Float(parameters.strength) * 0.1,
                                                          hueShift: Float(parameters.secondary * 360))))
    }
}

/// Per-pixel hue jitter and brightness-dependent luminance noise.
private struct SensorNoise: ColourFunction {
    var random: AugmentRandom
    let intensity: Float, hueShift: Float

    mutating func apply(_ red: inout Float, _ green: inout Float, _ blue: inout Float) {
        adjustHSV(&red, &green, &blue, degrees: hueShift * Float(random.normal()))
        let change = intensity * luma(red, green, blue).squareRoot() * Float(random.normal())
        red += change
        green += change
        blue += change
    }
}

/// Sets random pixels to the maximum (salt) or zero (pepper) (Albumentations `SaltAndPepper`).
public struct SaltAndPepper: PixelTransform {
    public let name = "SaltAndPepper"
    /// The chance of adding noise.
    public var probability: Double
    /// Fraction of pixels changed.
    public var amount: ClosedRange<Double>
    /// Fraction of the changed pixels that become salt.
    public var saltRatio: ClosedRange<Double>

    /// Salt-and-pepper noise.
    public init(amount: ClosedRange<Double> = 0.01...0.06, saltRatio: ClosedRange<Double> = 0.4...0.6, probability: Double = 0.5) throws {
        try checkRange(amount, within: 0...1, argument: "amount", transform: "SaltAndPepper")
        try checkRange(saltRatio, within: 0...1, argument: "salt_vs_pepper", transform: "SaltAndPepper")
        self.amount = amount
        self.saltRatio = saltRatio
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> NoiseParameters {
        NoiseParameters(strength: random.uniform(amount), secondary: random.uniform(saltRatio), noiseSeed: random.next())
    }

    public func image(_ image: Image, parameters: NoiseParameters) throws -> Image {
        try image.editing(SaltPepper(amount: parameters.strength, saltRatio: parameters.secondary, seed: parameters.noiseSeed))
    }
}

/// Changes whole pixels (alpha untouched) to the maximum or zero.
private struct SaltPepper: SampleEdit {
    let amount: Double, saltRatio: Double, seed: UInt64

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        var random = AugmentRandom(seed: seed)
        let colour = channels == 2 || channels == 4 ? channels - 1 : channels
        for pixel in 0..<width * height where random.uniform() < amount {
            let value = Value(roundingClamped: random.uniform() < saltRatio ? maximum : 0)
            for channel in 0..<colour { samples[pixel * channels + channel] = value }
        }
    }
}

/// A function applied to every sample in order, in the sample type's units.
struct PerSample: SampleEdit {
    let change: (Float) -> Float

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        for index in samples.indices {
            samples[index] = Value(roundingClamped: change(samples[index].floatValue / maximum) * maximum)
        }
    }
}
