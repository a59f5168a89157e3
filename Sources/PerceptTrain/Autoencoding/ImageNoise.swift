import Foundation
import PerceptTensor

/// A spec like `gaussian:0.3` that is not one of the noise kinds, or whose amount is out of range.
public struct ImageNoiseError: Error, CustomStringConvertible, Equatable {
    /// The spec as given.
    public let spec: String
    /// What is wrong with it.
    public let reason: String

    public var description: String {
        "error: noise '\(spec)': \(reason) (expected gaussian:SIGMA, salt-pepper:AMOUNT or cutout:FRACTION, e.g. gaussian:0.3)"
    }
}

/// A corruption of images in `0...1` for denoising training: the model sees the corrupted
/// image and is scored against the clean one.
///
/// ```swift
/// let noise = try ImageNoise(parsing: "gaussian:0.3")
/// var generator = RandomGenerator(seed: 1)
/// let noisy = try noise.apply(to: images, generator: &generator)   // [N, C, H, W]
/// ```
public enum ImageNoise: Equatable, Sendable, CustomStringConvertible {
    /// Adds N(0, σ²) to every sample, then clamps to `0...1`.
    case gaussian(sigma: Double)
    /// Sets this share of the pixels (all channels) to black or white, half each.
    case saltPepper(amount: Double)
    /// Blacks out one square per image covering this share of its area, at a random place.
    case cutout(fraction: Double)

    /// Parses `gaussian:SIGMA` (σ > 0), `salt-pepper:AMOUNT` or `cutout:FRACTION` (both in `0...1`).
    public init(parsing spec: String) throws {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw ImageNoiseError(spec: spec, reason: "missing ':' and amount") }
        guard let amount = Double(parts[1]), amount.isFinite else {
            throw ImageNoiseError(spec: spec, reason: "'\(parts[1])' is not a number")
        }
        switch parts[0] {
        case "gaussian":
            guard amount > 0, amount <= 10 else { throw ImageNoiseError(spec: spec, reason: "sigma must be in (0, 10]") }
            self = .gaussian(sigma: amount)
        case "salt-pepper":
            guard amount > 0, amount <= 1 else { throw ImageNoiseError(spec: spec, reason: "the amount must be in (0, 1]") }
            self = .saltPepper(amount: amount)
        case "cutout":
            guard amount > 0, amount <= 1 else { throw ImageNoiseError(spec: spec, reason: "the fraction must be in (0, 1]") }
            self = .cutout(fraction: amount)
        default:
            throw ImageNoiseError(spec: spec, reason: "unknown kind '\(parts[0])'")
        }
    }

    /// The spec this noise parses from.
    public var description: String {
        switch self {
        case .gaussian(let sigma): "gaussian:\(sigma)"
        case .saltPepper(let amount): "salt-pepper:\(amount)"
        case .cutout(let fraction): "cutout:\(fraction)"
        }
    }

    /// `images` `[N, C, H, W]` corrupted with numbers from `generator`.
    public func apply(to images: Tensor, generator: inout RandomGenerator) throws -> Tensor {
        guard images.rank == 4 else {
            throw TensorError.invalidArgument(operation: "image noise", message: "expected [N, C, H, W] images, got \(images.shape)")
        }
        let (count, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let plane = height * width
        var values = images.contiguous().toArray()
        switch self {
        case .gaussian(let sigma):
            for index in values.indices {
                values[index] = Swift.min(1, Swift.max(0, values[index] + Float(sigma * generator.nextNormal())))
            }
        case .saltPepper(let amount):
            for image in 0..<count {
                for pixel in 0..<plane where generator.nextUnit() < amount {
                    let value: Float = generator.nextUnit() < 0.5 ? 0 : 1
                    for channel in 0..<channels { values[(image * channels + channel) * plane + pixel] = value }
                }
            }
        case .cutout(let fraction):
            let side = fraction.squareRoot()
            let boxHeight = Swift.max(1, Int((side * Double(height)).rounded())), boxWidth = Swift.max(1, Int((side * Double(width)).rounded()))
            for image in 0..<count {
                let top = Int(generator.next() % UInt64(height - boxHeight + 1)), left = Int(generator.next() % UInt64(width - boxWidth + 1))
                for channel in 0..<channels {
                    let base = (image * channels + channel) * plane
                    for row in top..<(top + boxHeight) {
                        for column in left..<(left + boxWidth) { values[base + row * width + column] = 0 }
                    }
                }
            }
        }
        return try Tensor(values, shape: images.shape)
    }

    /// `images` through every noise of `noises` in turn.
    public static func apply(_ noises: [ImageNoise], to images: Tensor, generator: inout RandomGenerator) throws -> Tensor {
        try noises.reduce(images) { try $1.apply(to: $0, generator: &generator) }
    }
}
