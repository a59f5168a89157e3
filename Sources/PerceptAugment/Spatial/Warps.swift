import Foundation
import PerceptImage

/// Options every warp shares: sampling, what fills the outside, and the box rule.
public struct WarpOptions: Equatable, Sendable {
    /// How image pixels are sampled (masks always use nearest).
    public var interpolation: Interpolation
    /// What fills the area outside the source image.
    public var border: BorderMode
    /// The label that fills the outside of masks under a constant border.
    public var maskFill: Double
    /// How boxes are rebuilt after the warp.
    public var boxRule: BoxRotationRule

    /// Bilinear, black outside, masks 0 outside, largest-box rule.
    public init(interpolation: Interpolation = .bilinear, border: BorderMode = .zero, maskFill: Double = 0,
                boxRule: BoxRotationRule = .largestBox) {
        self.interpolation = interpolation
        self.border = border
        self.maskFill = maskFill
        self.boxRule = boxRule
    }
}

/// A warp whose sampling, border and box rule come from one `WarpOptions`.
public protocol OptionWarp: WarpTransform {
    /// Sampling, border and box rule.
    var options: WarpOptions { get }
}

extension OptionWarp {
    public var interpolation: Interpolation { options.interpolation }
    public var border: BorderMode { options.border }
    public var boxRule: BoxRotationRule { options.boxRule }
    public var maskFill: Double { options.maskFill }
}

/// The centre of a canvas in pixel-edge coordinates.
private func centre(_ size: ImageSize) -> Point { Point(x: Double(size.width) / 2, y: Double(size.height) / 2) }

/// Rotates about the centre by an angle drawn from `limit` degrees, keeping the canvas size
/// (Albumentations `Rotate`; positive is counter-clockwise on screen).
public struct Rotate: OptionWarp {
    public let name = "Rotate"
    /// The chance of rotating.
    public var probability: Double
    /// The angle range in degrees.
    public var limit: ClosedRange<Double>
    /// Sampling, border and box rule.
    public var options: WarpOptions

    /// A rotation by an angle in `limit`.
    public init(limit: ClosedRange<Double> = -90...90, options: WarpOptions = WarpOptions(), probability: Double = 0.5) {
        self.limit = limit
        self.options = options
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> WarpParameters {
        let size = sample.image.size
        return WarpParameters(.rotation(degrees: random.uniform(limit), center: centre(size)), width: size.width, height: size.height)
    }
}

/// Scale, translate, rotate and shear about the centre (Albumentations `Affine`).
public struct Affine: OptionWarp {
    public let name = "Affine"
    /// The chance of warping.
    public var probability: Double
    /// Scale factors per axis.
    public var scale: AxisRanges
    /// Whether y uses the x scale (keeps the aspect ratio).
    public var keepRatio: Bool
    /// Shift as a fraction of the width (x) and height (y).
    public var translatePercent: AxisRanges
    /// Rotation in degrees (counter-clockwise on screen).
    public var rotate: ClosedRange<Double>
    /// Shear angles in degrees along x and y.
    public var shear: AxisRanges
    /// Sampling, border and box rule.
    public var options: WarpOptions

    /// An affine warp; the defaults change nothing.
    public init(scale: AxisRanges = AxisRanges(1...1), keepRatio: Bool = false, translatePercent: AxisRanges = AxisRanges(0...0),
                rotate: ClosedRange<Double> = 0...0, shear: AxisRanges = AxisRanges(0...0),
                options: WarpOptions = WarpOptions(), probability: Double = 0.5) {
        self.scale = scale
        self.keepRatio = keepRatio
        self.translatePercent = translatePercent
        self.rotate = rotate
        self.shear = shear
        self.options = options
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> WarpParameters {
        let size = sample.image.size
        let scaleX = random.uniform(scale.x)
        let scaleY = keepRatio ? scaleX : random.uniform(scale.y)
        let shiftX = random.uniform(translatePercent.x) * Double(size.width)
        let shiftY = random.uniform(translatePercent.y) * Double(size.height)
        let angle = random.uniform(rotate)
        let shearX = random.uniform(shear.x) * .pi / 180, shearY = random.uniform(shear.y) * .pi / 180
        let middle = centre(size)
        let shearing = (try? ProjectiveTransform([1, tan(shearX), 0, tan(shearY), 1, 0])) ?? .identity
        let transform = ProjectiveTransform.translation(x: shiftX, y: shiftY)
            .concatenating(.rotation(degrees: angle, center: middle))
            .concatenating(.translation(x: middle.x, y: middle.y))
            .concatenating(shearing)
            .concatenating(.scale(x: scaleX, y: scaleY))
            .concatenating(.translation(x: -middle.x, y: -middle.y))
        return WarpParameters(transform, width: size.width, height: size.height)
    }
}

/// A random perspective: each corner moves inwards by a normal draw scaled by `scale`, and
/// the quadrilateral is stretched back to the full canvas (Albumentations `Perspective`
/// with `keep_size`).
public struct Perspective: OptionWarp {
    public let name = "Perspective"
    /// The chance of warping.
    public var probability: Double
    /// The standard deviation of the corner moves, as a fraction of the size.
    public var scale: ClosedRange<Double>
    /// Sampling, border and box rule.
    public var options: WarpOptions

    /// A perspective warp.
    public init(scale: ClosedRange<Double> = 0.05...0.1, options: WarpOptions = WarpOptions(), probability: Double = 0.5) {
        self.scale = scale
        self.options = options
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> WarpParameters {
        let width = Double(sample.image.width), height = Double(sample.image.height)
        let deviation = random.uniform(scale)
        func inset(_ length: Double) -> Double { min(abs(random.normal() * deviation), 0.45) * length }
        let quad = [
            Point(x: inset(width), y: inset(height)), Point(x: width - inset(width), y: inset(height)),
            Point(x: width - inset(width), y: height - inset(height)), Point(x: inset(width), y: height - inset(height)),
        ]
        let corners = [Point(x: 0, y: 0), Point(x: width, y: 0), Point(x: width, y: height), Point(x: 0, y: height)]
        guard let transform = homography(from: quad, to: corners) else {
            throw AugmentError.unsupported(transform: name, message: "the drawn corners are degenerate")
        }
        return WarpParameters(transform, width: sample.image.width, height: sample.image.height)
    }
}
