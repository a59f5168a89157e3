import Foundation
import PerceptImage

/// `x · contrast + brightness` with both drawn (Albumentations `RandomBrightnessContrast`,
/// brightness relative to the maximum value).
public struct RandomBrightnessContrast: PixelTransform {
    /// The drawn factors.
    public struct Parameters: TransformParameters, Equatable {
        /// Added to normalised values.
        public var brightness: Double
        /// Multiplies values.
        public var contrast: Double
    }

    public let name = "RandomBrightnessContrast"
    /// The chance of running.
    public var probability: Double
    /// Range of the brightness shift.
    public var brightnessLimit: ClosedRange<Double>
    /// Range of the contrast change (the factor is `1 + draw`).
    public var contrastLimit: ClosedRange<Double>

    /// A brightness and contrast change.
    public init(brightnessLimit: ClosedRange<Double> = -0.2...0.2, contrastLimit: ClosedRange<Double> = -0.2...0.2, probability: Double = 0.5) {
        self.brightnessLimit = brightnessLimit
        self.contrastLimit = contrastLimit
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(brightness: random.uniform(brightnessLimit), contrast: 1 + random.uniform(contrastLimit))
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        let brightness = Float(parameters.brightness), contrast = Float(parameters.contrast)
        return try image.applyingCurves([{ $0 * contrast + brightness }])
    }
}

/// Brightness, contrast, saturation and hue changes in a random order (Albumentations and
/// torchvision `ColorJitter`). Factors are drawn from `1 ± value`; hue from `±hue` turns.
public struct ColorJitter: PixelTransform {
    /// The drawn factors and the order they were applied in.
    public struct Parameters: TransformParameters, Equatable {
        /// Brightness factor.
        public var brightness: Double
        /// Contrast factor.
        public var contrast: Double
        /// Saturation factor.
        public var saturation: Double
        /// Hue shift in turns.
        public var hue: Double
        /// Order of the four changes: 0 brightness, 1 contrast, 2 saturation, 3 hue.
        public var order: [Int]
    }

    public let name = "ColorJitter"
    /// The chance of running.
    public var probability: Double
    /// Brightness factor range.
    public var brightness: ClosedRange<Double>
    /// Contrast factor range.
    public var contrast: ClosedRange<Double>
    /// Saturation factor range.
    public var saturation: ClosedRange<Double>
    /// Hue shift range in turns.
    public var hue: ClosedRange<Double>

    /// A colour jitter; single values `v` mean `1-v...1+v` (hue `-v...v`).
    public init(brightness: Double = 0.2, contrast: Double = 0.2, saturation: Double = 0.2, hue: Double = 0.2, probability: Double = 0.5) throws {
        guard brightness >= 0, contrast >= 0, saturation >= 0 else {
            throw AugmentError.invalidArgument(transform: "ColorJitter", message: "brightness, contrast and saturation must be >= 0")
        }
        try self.init(brightnessRange: max(0, 1 - brightness)...(1 + brightness), contrastRange: max(0, 1 - contrast)...(1 + contrast),
                      saturationRange: max(0, 1 - saturation)...(1 + saturation), hueRange: -hue...hue, probability: probability)
    }

    /// A colour jitter with explicit factor ranges (as Albumentations saves them).
    public init(brightnessRange: ClosedRange<Double>, contrastRange: ClosedRange<Double>, saturationRange: ClosedRange<Double>,
                hueRange: ClosedRange<Double>, probability: Double = 0.5) throws {
        guard brightnessRange.lowerBound >= 0, contrastRange.lowerBound >= 0, saturationRange.lowerBound >= 0,
              hueRange.lowerBound >= -0.5, hueRange.upperBound <= 0.5 else {
            throw AugmentError.invalidArgument(transform: "ColorJitter", message: "factors must be >= 0 and hue within -0.5...0.5")
        }
        brightness = brightnessRange
        contrast = contrastRange
        saturation = saturationRange
        hue = hueRange
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(brightness: random.uniform(brightness), contrast: random.uniform(contrast), saturation: random.uniform(saturation),
                   hue: random.uniform(hue), order: [0, 1, 2, 3].shuffled(using: &random))
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        try jitteredBytes(image, parameters: parameters) ?? jitteredGenerally(image, parameters: parameters)
    }

    /// The four steps one after another on any image, each through the generic pixel maps;
    /// the reference the 8-bit path is tested against.
    func jitteredGenerally(_ image: Image, parameters: Parameters) throws -> Image {
        var result = image
        for step in parameters.order {
            switch step {
            case 0:
                let factor = Float(parameters.brightness)
                result = try result.applyingCurves([{ $0 * factor }])
            case 1:
                let factor = Float(parameters.contrast), mean = result.meanLuma()
                result = try result.applyingCurves([{ ($0 - mean) * factor + mean }])
            case 2:
                let factor = Float(parameters.saturation)
                result = try result.editing(ColourMap(function: SaturationScale(factor: factor)))
            default:
                let degrees = Float(parameters.hue * 360)
                if degrees != 0 { result = try result.editing(ColourMap(function: HSVShift(degrees: degrees))) }
            }
        }
        return result
    }
}

/// Shifts hue (degrees), saturation and value (Albumentations `HueSaturationValue`; limits in
/// its 8-bit units: hue in OpenCV's 0–180 scale, saturation and value in 0–255).
public struct HueSaturationValue: PixelTransform {
    /// The drawn shifts, normalised (hue in degrees, the others in `0...1` units).
    public struct Parameters: TransformParameters, Equatable {
        /// Hue shift in degrees.
        public var hueDegrees: Double
        /// Saturation shift.
        public var saturation: Double
        /// Value shift.
        public var value: Double
    }

    public let name = "HueSaturationValue"
    /// The chance of running.
    public var probability: Double
    /// Hue shift range (OpenCV units, half-degrees).
    public var hueShift: ClosedRange<Double>
    /// Saturation shift range (0–255 units).
    public var saturationShift: ClosedRange<Double>
    /// Value shift range (0–255 units).
    public var valueShift: ClosedRange<Double>

    /// An HSV shift.
    public init(hueShift: ClosedRange<Double> = -20...20, saturationShift: ClosedRange<Double> = -30...30,
                valueShift: ClosedRange<Double> = -20...20, probability: Double = 0.5) {
        self.hueShift = hueShift
        self.saturationShift = saturationShift
        self.valueShift = valueShift
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(hueDegrees: random.uniform(hueShift) * 2, saturation: random.uniform(saturationShift) / 255,
                   value: random.uniform(valueShift) / 255)
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        let degrees = Float(parameters.hueDegrees), saturation = Float(parameters.saturation), value = Float(parameters.value)
        guard image.channels >= 3 else {
            return try image.applyingCurves([{ $0 + value }])
        }
        return try image.editing(ColourMap(function: HSVShift(degrees: degrees, saturationShift: saturation, valueShift: value)))
    }
}

/// Adds a drawn shift to each of red, green and blue (Albumentations `RGBShift`, limits in
/// 0–255 units).
public struct RGBShift: PixelTransform {
    /// The drawn shifts, normalised to `0...1` units.
    public struct Parameters: TransformParameters, Equatable {
        /// Red, green and blue shifts.
        public var shifts: [Double]
    }

    public let name = "RGBShift"
    /// The chance of running.
    public var probability: Double
    /// Shift ranges for red, green and blue (0–255 units).
    public var limits: [ClosedRange<Double>]

    /// A shift per channel.
    public init(red: ClosedRange<Double> = -20...20, green: ClosedRange<Double> = -20...20, blue: ClosedRange<Double> = -20...20,
                probability: Double = 0.5) {
        limits = [red, green, blue]
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(shifts: limits.map { random.uniform($0) / 255 })
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        let shifts = parameters.shifts.map(Float.init)
        return try image.applyingCurves(shifts.map { shift in { $0 + shift } })
    }
}

/// Reorders the colour channels at random (Albumentations `ChannelShuffle`).
public struct ChannelShuffle: PixelTransform {
    /// The drawn order.
    public struct Parameters: TransformParameters, Equatable {
        /// Output channel `i` takes input channel `order[i]`.
        public var order: [Int]
    }

    public let name = "ChannelShuffle"
    /// The chance of running.
    public var probability: Double

    /// A channel shuffle.
    public init(probability: Double = 0.5) { self.probability = probability }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(order: Array(0..<sample.image.colourChannels).shuffled(using: &random))
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        try image.editing(ChannelOrder(order: parameters.order))
    }
}

/// Rearranges colour channels by `order`.
private struct ChannelOrder: SampleEdit {
    let order: [Int]

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        guard order.allSatisfy({ $0 < channels }) else { return }
        var pixel = [Value](repeating: Value(roundingClamped: 0), count: order.count)
        for start in stride(from: 0, to: samples.count, by: channels) {
            for (index, source) in order.enumerated() { pixel[index] = samples[start + source] }
            for index in order.indices { samples[start + index] = pixel[index] }
        }
    }
}

/// `max · (x / max)^γ` with γ drawn from `gammaLimit / 100` (Albumentations `RandomGamma`).
public struct RandomGamma: PixelTransform {
    /// The drawn exponent.
    public struct Parameters: TransformParameters, Equatable {
        /// γ.
        public var gamma: Double
    }

    public let name = "RandomGamma"
    /// The chance of running.
    public var probability: Double
    /// γ range in percent.
    public var gammaLimit: ClosedRange<Double>

    /// A gamma change.
    public init(gammaLimit: ClosedRange<Double> = 80...120, probability: Double = 0.5) throws {
        guard gammaLimit.lowerBound > 0 else {
            throw AugmentError.invalidArgument(transform: "RandomGamma", message: "gamma_limit must be positive, found \(gammaLimit)")
        }
        self.gammaLimit = gammaLimit
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(gamma: random.uniform(gammaLimit) / 100)
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        let gamma = Float(parameters.gamma)
        return try image.applyingCurves([{ powf(max($0, 0), gamma) }])
    }
}

/// Luma copied into every colour channel (Albumentations `ToGray`; the channel count stays).
public struct ToGray: PixelTransform {
    public let name = "ToGray"
    /// The chance of running.
    public var probability: Double

    /// A conversion to gray.
    public init(probability: Double = 0.5) { self.probability = probability }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> NoParameters { NoParameters() }

    public func image(_ image: Image, parameters: NoParameters) throws -> Image {
        try image.editing(ColourMap(function: GrayColour()))
    }
}
