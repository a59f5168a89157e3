import Foundation
import Percept

/// What `percept segment train --augment` names: a pipeline file (as `percept augment` takes),
/// `none`, or `flip-rotate` — segmentation's default, a mirror left-right and one top-bottom,
/// each with chance ½, then (square images only, so a batch keeps one shape) 0–3 quarter turns
/// with chance ½. These moves are exact on pixels
/// and masks (no interpolation, no border to fill), and they only make sense where an object
/// stays the same object upside down: aerial, microscope and medical images and synth-shapes,
/// as nnU-Net mirrors every axis by default. Street scenes and other upright photos want
/// `--augment none` or a file with a horizontal flip alone.
enum SegmentAugmentation {
    /// The default's name, as `args.yaml` records it.
    static let flipRotate = "flip-rotate"
    /// The value that trains on the images as they are.
    static let none = "none"

    /// The loader transform for `value` (nil: no augmentation); any other name is read as a file.
    static func transform(_ value: String?) throws -> DataLoader.Transform? {
        switch value {
        case nil, none?:
            return nil
        case flipRotate?:
            let flips: [any Transform] = [Flip(.horizontal), Flip(.vertical)]
            let square = try Pipeline(transforms: flips + [RandomRotate90()]).segmentationTransform()
            let oblong = try Pipeline(transforms: flips).segmentationTransform()
            return { example, seed in
                example.target.shape.first == example.target.shape.last ? try square(example, seed) : try oblong(example, seed)
            }
        case let file?:
            return try Pipeline(contentsOf: URL(fileURLWithPath: file)).segmentationTransform()
        }
    }
}
