import Foundation
import PerceptImage

/// The YOLO training warp (Ultralytics' `RandomPerspective` without perspective): the input's
/// centre goes to the origin, then rotation by up to `degrees`, scaling by `1 ± scale`, shear by
/// up to `shear` degrees, and a shift of the centre to `0.5 ± translate` of the output, which is
/// `outputSize` (so a `2s` mosaic comes out as `s`, as Ultralytics' negative border makes it).
/// Defaults are Ultralytics': degrees 0, translate 0.1, scale 0.5, shear 0, grey 114 outside.
/// Boxes move by their corners and are clipped; Ultralytics' candidate rule (area kept ≥ 10%,
/// sides ≥ 2 px) is `DetectionAugmentation.boxSettings`.
public struct YOLORandomAffine: OptionWarp {
    public let name = "YOLORandomAffine"
    /// The chance of warping.
    public var probability: Double
    /// The largest rotation, in degrees either way.
    public var degrees: Double
    /// The largest shift of the centre, as a fraction of the output size.
    public var translate: Double
    /// The largest change of scale (factors `1 - scale ... 1 + scale`).
    public var scale: Double
    /// The largest shear, in degrees either way.
    public var shear: Double
    /// The output canvas.
    public var outputSize: ImageSize
    /// Sampling, border and box rule.
    public var options: WarpOptions

    /// The warp onto an `outputSize` canvas; throws for a negative range, a scale of 1 or more,
    /// or an empty output.
    public init(outputSize: ImageSize, degrees: Double = 0, translate: Double = 0.1, scale: Double = 0.5, shear: Double = 0,
                options: WarpOptions = WarpOptions(border: .constant([114, 114, 114, 255])), probability: Double = 1) throws {
        try checkTargetSize(width: outputSize.width, height: outputSize.height, transform: name)
        try checkRange(degrees...degrees, within: 0...180, argument: "degrees", transform: name)
        try checkRange(translate...translate, within: 0...0.5, argument: "translate", transform: name)
        try checkRange(scale...scale, within: 0...0.99, argument: "scale", transform: name)
        try checkRange(shear...shear, within: 0...45, argument: "shear", transform: name)
        self.outputSize = outputSize
        self.degrees = degrees
        self.translate = translate
        self.scale = scale
        self.shear = shear
        self.options = options
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> WarpParameters {
        let input = sample.image.size
        let angle = random.uniform(-degrees...degrees)
        let factor = random.uniform((1 - scale)...(1 + scale))
        let shearX = tan(random.uniform(-shear...shear) * .pi / 180), shearY = tan(random.uniform(-shear...shear) * .pi / 180)
        let shiftX = random.uniform((0.5 - translate)...(0.5 + translate)) * Double(outputSize.width)
        let shiftY = random.uniform((0.5 - translate)...(0.5 + translate)) * Double(outputSize.height)
        let shearing = (try? ProjectiveTransform([1, shearX, 0, shearY, 1, 0, 0, 0, 1])) ?? .identity
        let transform = ProjectiveTransform.translation(x: shiftX, y: shiftY)
            .concatenating(shearing)
            .concatenating(.rotation(degrees: angle, center: Point(x: 0, y: 0)))
            .concatenating(.scale(x: factor, y: factor))
            .concatenating(.translation(x: -Double(input.width) / 2, y: -Double(input.height) / 2))
        return WarpParameters(transform, width: outputSize.width, height: outputSize.height)
    }
}
