import Foundation
import PerceptImage
import PerceptTensor

/// Image files with class labels, decoded when asked for: each becomes a `[C, H, W]` Float32
/// tensor in `0...1` with `channels` channels (gray or RGB) and `imageSize` pixels (resized
/// bilinearly when the file differs).
public struct ImageFolderDataset: LabelArrayDataset {
    /// The image files.
    public let files: [String]
    /// Each file's class.
    public let labels: [Int]
    /// The class names (the class folders' names, sorted).
    public let classNames: [String]
    /// Channels of every example: 1 or 3.
    public let channels: Int
    /// Size of every example.
    public let imageSize: ImageSize

    /// A dataset over `files`; throws when the counts differ, a label is not a class, or the
    /// channels are not 1 or 3.
    public init(files: [String], labels: [Int], classNames: [String], channels: Int, imageSize: ImageSize) throws {
        guard files.count == labels.count, channels == 1 || channels == 3, imageSize.width > 0, imageSize.height > 0 else {
            throw DataError.invalidArgument("an image folder dataset needs one label per file, 1 or 3 channels and a positive size")
        }
        try DataError.checkLabels(labels, classCount: classNames.count, file: "<image folder>")
        self.files = files
        self.labels = labels
        self.classNames = classNames
        self.channels = channels
        self.imageSize = imageSize
    }

    public func example(at index: Int) throws -> Example {
        try DataError.checkIndex(index, count: count, file: "<image folder>")
        let file = files[index]
        do {
            var image = try Image(contentsOf: URL(fileURLWithPath: file)).withChannels(channels)
            if image.size != imageSize {
                image = try image.resized(width: imageSize.width, height: imageSize.height)
            }
            return Example(input: image.tensor(), label: labels[index])
        } catch let error as ImageError {
            throw DataError.badExample(file: file, index: index, reason: error.message)
        }
    }

    /// The examples at `indices`, as a dataset of their own.
    func selecting(_ indices: [Int]) throws -> ImageFolderDataset {
        try ImageFolderDataset(files: indices.map { files[$0] }, labels: indices.map { labels[$0] }, classNames: classNames,
                               channels: channels, imageSize: imageSize)
    }
}
