import Foundation
import PerceptImage
import PerceptLabels

/// Every image a dataset augmentation writes, in the order they appear in the output:
/// for each source image, the unchanged original (when kept, or when its split is not being
/// augmented) and then copies 1…N named `<stem>_aug<k>.<ext>`.
public struct AugmentPlan: Sendable, Equatable {
    /// One image of the output.
    public struct Output: Sendable, Equatable {
        /// The position of the source image in the dataset's `images`.
        public var sourceIndex: Int
        /// 0 for the source image copied unchanged, else the copy number from 1.
        public var copy: Int
        /// The image's `file` in the output dataset.
        public var file: String
        /// The seed of this copy's random stream (48 bits, so JSON writes it as an exact integer); nil for copy 0.
        public var seed: UInt64?
        /// How the copy is encoded; nil for copy 0, whose bytes are copied.
        public var format: ImageFormat?
    }

    /// The outputs in output order.
    public var outputs: [Output]

    /// How many outputs are augmented copies (not originals).
    public var augmentedCount: Int { outputs.filter { $0.copy > 0 }.count }

    /// The plan for `dataset`: `copies` per image of `split` (every image when nil), the
    /// originals kept when `keepOriginals`, names kept apart in the `target` layout.
    init(dataset: LabelDataset, copies: Int, seed: UInt64, split: String?, keepOriginals: Bool, target: DatasetFormat) {
        var outputs: [Output] = []
        var skeleton = LabelDataset()
        for (index, image) in dataset.images.enumerated() {
            let augmented = split == nil || image.split == split
            if !augmented || keepOriginals {
                outputs.append(Output(sourceIndex: index, copy: 0, file: image.file, seed: nil, format: nil))
            }
            guard augmented else { continue }
            let directory = (image.file as NSString).deletingLastPathComponent
            let stem = ((image.file as NSString).lastPathComponent as NSString).deletingPathExtension
            let written = ImageFormat(fileExtension: (image.file as NSString).pathExtension)
            let format = written ?? .png
            let fileExtension = written == nil ? format.fileExtension : (image.file as NSString).pathExtension
            for copy in stride(from: 1, through: copies, by: 1) {
                let name = "\(stem)_aug\(copy).\(fileExtension)"
                outputs.append(Output(sourceIndex: index, copy: copy, file: directory.isEmpty ? name : "\(directory)/\(name)",
                                      seed: AugmentPlan.seed(seed, image: image, copy: copy), format: format))
            }
        }
        // Names must stay apart in the output layout as they do in a conversion (for class
        // folders, whose classes are not known yet, clashes across classes count too).
        skeleton.images = outputs.enumerated().map { position, output in
            DatasetImage(id: position + 1, file: output.file, width: 1, height: 1, split: dataset.images[output.sourceIndex].split)
        }
        _ = DatasetConversion.separateFileNames(&skeleton, for: target)
        for position in outputs.indices { outputs[position].file = skeleton.images[position].file }
        self.outputs = outputs
    }

    /// The seed of copy `copy` of `image` in a run seeded with `seed`. It depends on the
    /// image's split and path, not its position, so adding images leaves the others' copies
    /// as they were, and on nothing about threads.
    public static func seed(_ seed: UInt64, image: DatasetImage, copy: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in "\(image.split ?? "")/\(image.file)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let perImage = AugmentRandom.derivedSeed(seed, index: Int(truncatingIfNeeded: hash))
        return AugmentRandom.derivedSeed(perImage, index: copy) & 0xFFFF_FFFF_FFFF
    }
}

/// What can stop a dataset augmentation.
public enum DatasetAugmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file of the output could not be written.
    case cannotWrite(file: String, reason: String)
    /// `--resume` on an output folder started with other settings or another input.
    case settingsChanged(folder: String)
    /// A setting outside its allowed values.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .cannotWrite(let file, let reason): "\(file): cannot write: \(reason)"
        case .settingsChanged(let folder):
            "\(folder): this output was started with other settings or another input; resume only with the same ones, or start again with --force"
        case .invalidSetting(let message): message
        }
    }
}
