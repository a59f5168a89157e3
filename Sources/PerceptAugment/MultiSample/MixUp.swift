import PerceptImage

/// Blends two samples (mix-up): pixels `λ·a + (1 − λ)·b`, the union of their boxes, labels,
/// instance masks and keypoints. The second sample is first resized to the first's size; the
/// semantic mask comes from the sample with the larger weight.
public struct MixUp: MultiSampleTransform {
    /// The weight of the first sample.
    public struct Parameters: TransformParameters, Equatable {
        /// λ, the first sample's weight.
        public var weight: Double
    }

    public let name = "MixUp"
    public let sampleCount = 2
    /// The chance of mixing (otherwise the first sample is returned).
    public var probability: Double
    /// The range of λ.
    public var weightRange: ClosedRange<Double>

    /// A mix-up with λ drawn from `weightRange`.
    public init(weightRange: ClosedRange<Double> = 0.3...0.7, probability: Double = 1) throws {
        try checkRange(weightRange, within: 0...1, argument: "weight_range", transform: "MixUp")
        self.weightRange = weightRange
        self.probability = probability
    }

    public func drawParameters(for samples: [Sample], random: inout AugmentRandom) throws -> Parameters {
        Parameters(weight: random.uniform(weightRange))
    }

    public func combine(_ samples: [Sample], parameters: Parameters, context: inout AugmentContext) throws -> Sample {
        let first = samples[0]
        let second = try samples[1].resized(to: first.image.size, context: &context)
        guard first.image.channels == second.image.channels, first.image.sampleType == second.image.sampleType else {
            throw AugmentError.unsupported(transform: name, message: "samples must share channels and sample type")
        }
        let weight = Float(parameters.weight)
        let image = try first.image.editing(Blend(other: second.image.samples, weight: weight))
        let aligned = (first.boxes.isEmpty || first.hasAlignedMasks) && (second.boxes.isEmpty || second.hasAlignedMasks)
        return try Sample(image: image, boxes: first.boxes + second.boxes, labels: first.labels + second.labels,
                          instanceMasks: aligned ? first.instanceMasks + second.instanceMasks : [],
                          semanticMask: parameters.weight >= 0.5 ? first.semanticMask ?? second.semanticMask : second.semanticMask ?? first.semanticMask,
                          keypoints: first.keypoints + second.keypoints)
    }
}

/// `weight · self + (1 − weight) · other`, sample by sample.
private struct Blend: SampleEdit {
    let other: ImageSamples
    let weight: Float

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        let values: [Float] = switch other {
        case .uint8(let values): values.map(Float.init)
        case .uint16(let values): values.map(Float.init)
        case .float32(let values): values
        }
        for index in samples.indices {
            samples[index] = Value(roundingClamped: weight * samples[index].floatValue + (1 - weight) * values[index])
        }
    }
}
