import PerceptImage

/// Multiplies hue, saturation and value by random gains (Ultralytics' `RandomHSV`, the YOLO
/// colour augmentation): each gain is drawn from `1 ± limit` for its channel, with limits given
/// as fractions (Ultralytics' `hsv_h`, `hsv_s`, `hsv_v`; defaults 0.015, 0.7, 0.4). Saturation and
/// value are clipped to their range, hue wraps around.
public struct RandomHSV: PixelTransform {
    /// The drawn gains.
    public struct Parameters: TransformParameters, Equatable {
        /// The factor on hue.
        public var hueGain: Double
        /// The factor on saturation.
        public var saturationGain: Double
        /// The factor on value.
        public var valueGain: Double
    }

    public let name = "RandomHSV"
    /// The chance of running.
    public var probability: Double
    /// The largest change of hue, as a fraction (`0...0.5`).
    public var hue: Double
    /// The largest change of saturation, as a fraction (`0...1`).
    public var saturation: Double
    /// The largest change of value, as a fraction (`0...1`).
    public var value: Double

    /// Random HSV gains; throws for a limit outside its range.
    public init(hue: Double = 0.015, saturation: Double = 0.7, value: Double = 0.4, probability: Double = 1) throws {
        try checkRange(hue...hue, within: 0...0.5, argument: "hue", transform: "RandomHSV")
        try checkRange(saturation...saturation, within: 0...1, argument: "saturation", transform: "RandomHSV")
        try checkRange(value...value, within: 0...1, argument: "value", transform: "RandomHSV")
        self.hue = hue
        self.saturation = saturation
        self.value = value
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(hueGain: 1 + random.uniform(-1...1) * hue, saturationGain: 1 + random.uniform(-1...1) * saturation,
                   valueGain: 1 + random.uniform(-1...1) * value)
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        let gains = HSVGains(hue: Float(parameters.hueGain), saturation: Float(parameters.saturationGain), value: Float(parameters.valueGain))
        guard image.channels >= 3 else {
            return try image.editing(ChannelCurves(curves: [{ $0 * gains.value }]))
        }
        return try image.editing(ColourMap(function: HSVShift(degrees: 0, gains: gains)))
    }
}
