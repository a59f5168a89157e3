import PerceptImage

/// The parameters a transform drew for one sample; encodable so they can be written next
/// to the augmented sample.
public protocol TransformParameters: Encodable, Sendable {}

/// One transform's draw for one sample: its name and parameters (nil when its probability
/// said no). A run's records, in order, replay to the same result.
public struct TransformRecord: Sendable, Encodable {
    /// The transform's name.
    public var name: String
    /// What it drew, or nil when it did not run.
    public var parameters: (any TransformParameters)?

    /// A record.
    public init(name: String, parameters: (any TransformParameters)?) {
        self.name = name
        self.parameters = parameters
    }

    private enum CodingKeys: String, CodingKey { case name, applied, parameters }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(parameters != nil, forKey: .applied)
        if let parameters { try container.encode(parameters, forKey: .parameters) }
    }
}

/// What a run carries besides the sample: box rules, counts, and the records being written
/// or replayed.
public struct AugmentContext: Sendable {
    /// The box and keypoint rules.
    public var settings: BoxSettings
    /// What the rules changed so far.
    public var statistics = AugmentStatistics()
    /// Records written so far (when `recording`), or being replayed.
    public private(set) var records: [TransformRecord] = []
    /// Whether draws are written to `records`.
    public var recording: Bool
    /// Set by `OneOf`: the next transform runs whatever its own probability.
    var forceNextTransform = false
    private var replayCursor: Int?

    /// A context that draws fresh parameters (and records them when `recording`).
    public init(settings: BoxSettings = BoxSettings(), recording: Bool = false) {
        self.settings = settings
        self.recording = recording
    }

    /// A context that replays `records` instead of drawing.
    public init(settings: BoxSettings = BoxSettings(), replaying records: [TransformRecord]) {
        self.settings = settings
        self.records = records
        recording = false
        replayCursor = 0
    }

    /// The parameters for transform `name`: replayed from the records, or drawn by `draw`
    /// with probability `probability` and recorded.
    mutating func parameters<Parameters: TransformParameters>(
        for name: String, probability: Double, random: inout AugmentRandom,
        draw: (inout AugmentRandom) throws -> Parameters) throws -> Parameters? {
        if let cursor = replayCursor {
            forceNextTransform = false
            guard cursor < records.count else { throw AugmentError.replayMismatch(expected: name, found: "the end of the records") }
            let record = records[cursor]
            replayCursor = cursor + 1
            guard record.name == name else { throw AugmentError.replayMismatch(expected: name, found: record.name) }
            guard let stored = record.parameters else { return nil }
            guard let parameters = stored as? Parameters else {
                throw AugmentError.replayMismatch(expected: "\(name) parameters", found: "\(type(of: stored))")
            }
            return parameters
        }
        let forced = forceNextTransform
        forceNextTransform = false
        let parameters = forced || random.chance(probability) ? try draw(&random) : nil
        if recording { records.append(TransformRecord(name: name, parameters: parameters)) }
        return parameters
    }
}

/// Anything that changes one sample: a single transform or a composition of them.
public protocol Transform: Sendable {
    /// The transform's name (Albumentations' class name where one exists).
    var name: String { get }
    /// Runs on `sample`, drawing from `random` (or replaying through `context`).
    func run(_ sample: Sample, random: inout AugmentRandom, context: inout AugmentContext) throws -> Sample
}

/// A transform that draws its parameters once per sample (with `probability`) and then
/// applies them deterministically.
public protocol ParameterizedTransform: Transform {
    /// What one draw decides.
    associatedtype Parameters: TransformParameters
    /// The chance that the transform runs at all.
    var probability: Double { get }
    /// Draws the parameters for `sample`.
    func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters
    /// Applies drawn parameters; the same parameters always give the same result.
    func apply(_ sample: Sample, parameters: Parameters, context: inout AugmentContext) throws -> Sample
}

extension ParameterizedTransform {
    public func run(_ sample: Sample, random: inout AugmentRandom, context: inout AugmentContext) throws -> Sample {
        guard let parameters = try context.parameters(for: name, probability: probability, random: &random, draw: { random in
            try drawParameters(for: sample, random: &random)
        }) else { return sample }
        return try apply(sample, parameters: parameters, context: &context)
    }
}

/// A transform that changes only the pixels; boxes, masks and keypoints stay as they are.
public protocol PixelTransform: ParameterizedTransform {
    /// The changed image.
    func image(_ image: Image, parameters: Parameters) throws -> Image
}

extension PixelTransform {
    public func apply(_ sample: Sample, parameters: Parameters, context: inout AugmentContext) throws -> Sample {
        var result = sample
        result.image = try image(sample.image, parameters: parameters)
        return result
    }
}

/// A transform that moves pixels. It must say how the image, every mask, the boxes and the
/// keypoints move, so none of them can be forgotten; boxes are then clipped and filtered by
/// the context's `BoxSettings`.
public protocol SpatialTransform: ParameterizedTransform {
    /// The moved image.
    func image(_ image: Image, parameters: Parameters) throws -> Image
    /// A moved one-channel UInt8 label image (instance or semantic mask), never interpolated.
    func mask(_ mask: Image, parameters: Parameters) throws -> Image
    /// The moved boxes, before clipping; `imageSize` is the size before the transform.
    func boxes(_ boxes: [BoundingBox], parameters: Parameters, imageSize: ImageSize) throws -> [BoundingBox]
    /// The moved keypoints; `imageSize` is the size before the transform.
    func keypoints(_ keypoints: [Keypoint], parameters: Parameters, imageSize: ImageSize) throws -> [Keypoint]
}

extension SpatialTransform {
    public func apply(_ sample: Sample, parameters: Parameters, context: inout AugmentContext) throws -> Sample {
        try apply(sample, parameters: parameters, context: &context) { try image($0, parameters: parameters) }
    }

    /// `apply` with the image made by `movedImage` instead of `image(_:parameters:)`, for runs
    /// that fold two transforms' pixel work into one pass (`FlipWarpFolding`).
    func apply(_ sample: Sample, parameters: Parameters, context: inout AugmentContext,
               movedImage: (Image) throws -> Image) throws -> Sample {
        var result = sample
        result.image = try movedImage(sample.image)
        result.instanceMasks = try sample.instanceMasks.map { try Mask(labelImage: mask($0.labelImage, parameters: parameters)) }
        result.semanticMask = try sample.semanticMask.map { try mask($0, parameters: parameters) }
        let canvas = result.image.size
        if !sample.boxes.isEmpty {
            let moved = try boxes(sample.boxes, parameters: parameters, imageSize: sample.image.size)
            context.placeBoxes(moved, in: &result, canvas: canvas)
        }
        if !sample.keypoints.isEmpty {
            let moved = try keypoints(sample.keypoints, parameters: parameters, imageSize: sample.image.size)
            result.keypoints = context.placeKeypoints(moved, canvas: canvas)
        }
        return result
    }
}

/// A transform that combines several samples into one (mosaic, mix-up, copy-paste).
public protocol MultiSampleTransform: Sendable {
    /// What one draw decides.
    associatedtype Parameters: TransformParameters
    /// The transform's name.
    var name: String { get }
    /// The chance that the transform runs; otherwise the first sample is returned unchanged.
    var probability: Double { get }
    /// How many samples it takes.
    var sampleCount: Int { get }
    /// Draws the parameters for `samples`.
    func drawParameters(for samples: [Sample], random: inout AugmentRandom) throws -> Parameters
    /// Combines the samples with drawn parameters.
    func combine(_ samples: [Sample], parameters: Parameters, context: inout AugmentContext) throws -> Sample
}

extension MultiSampleTransform {
    /// Combines `samples` (exactly `sampleCount` of them) into one.
    public func run(_ samples: [Sample], random: inout AugmentRandom, context: inout AugmentContext) throws -> Sample {
        guard samples.count == sampleCount else {
            throw AugmentError.invalidArgument(transform: name, message: "needs \(sampleCount) samples, found \(samples.count)")
        }
        guard let parameters = try context.parameters(for: name, probability: probability, random: &random, draw: { random in
            try drawParameters(for: samples, random: &random)
        }) else { return samples[0] }
        return try combine(samples, parameters: parameters, context: &context)
    }
}

/// Parameters of a transform that draws nothing (a flip decided only by its probability).
public struct NoParameters: TransformParameters, Equatable {
    /// None.
    public init() {}
}
