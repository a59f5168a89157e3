import PerceptImage

/// A horizontal flip directly followed by an `Affine`, `Rotate` or `Perspective` runs as one
/// warp that reads its source mirrored (`Image.affineWarped(…, mirrored: true)` for bilinear
/// sampling): the image, masks, boxes, keypoints, records and random draws are exactly those
/// of running the two in turn, but the flipped image is never written.
enum FlipWarpFolding {
    /// The flip and the warp when `first` then `second` fold into one pass.
    static func pair(_ first: any Transform, _ second: any Transform) -> (Flip, any WarpTransform)? {
        // These three draw from the image's size only, which a flip keeps, so their draws do
        // not depend on whether the image has been flipped yet.
        guard let flip = first as? Flip, flip.direction == .horizontal,
              second is Affine || second is Rotate || second is Perspective,
              let warp = second as? any WarpTransform, warp.interpolation == .bilinear else { return nil }
        return (flip, warp)
    }

    /// Runs `flip` then `warp` on `sample` as `ParameterizedTransform.run` runs each of them.
    static func run<Warp: WarpTransform>(_ flip: Flip, _ warp: Warp, on sample: Sample, random: inout AugmentRandom,
                                         context: inout AugmentContext) throws -> Sample {
        guard let flipParameters = try context.parameters(for: flip.name, probability: flip.probability, random: &random, draw: { random in
            try flip.drawParameters(for: sample, random: &random)
        }) else {
            return try warp.run(sample, random: &random, context: &context)
        }
        // Masks, boxes and keypoints flip now; the image waits for the warp.
        var flipped = try flip.apply(sample, parameters: flipParameters, context: &context) { $0 }
        guard let warpParameters = try context.parameters(for: warp.name, probability: warp.probability, random: &random, draw: { random in
            try warp.drawParameters(for: flipped, random: &random)
        }) else {
            flipped.image = try flip.image(sample.image, parameters: flipParameters)
            return flipped
        }
        return try warp.apply(flipped, parameters: warpParameters, context: &context) { image in
            try warp.image(image, parameters: warpParameters, mirrored: true)
        }
    }
}
