import PerceptTensor

/// Class-labelled images of one size held as 8-bit samples (IDX and CIFAR files): the bytes stay
/// UInt8 in memory (Fashion-MNIST's 60,000 images take 47 MB) and each example is converted to
/// a `[C, H, W]` Float32 tensor in `0...1` when asked for.
public struct ByteImageDataset: LabelArrayDataset {
    /// The samples of every image, each `channels × height × width` bytes in CHW order.
    public let pixels: [UInt8]
    /// Each image's class.
    public let labels: [Int]
    /// The class names.
    public let classNames: [String]
    /// `[C, H, W]` of every image.
    public let imageShape: [Int]
    /// The file the images came from, for errors.
    public let file: String

    /// Images from CHW bytes; throws when the sizes do not add up or a label is not a class.
    public init(pixels: [UInt8], labels: [Int], classNames: [String], imageShape: [Int], file: String) throws {
        let imageSize = imageShape.reduce(1, *)
        guard imageShape.count == 3, imageSize > 0, pixels.count == imageSize * labels.count else {
            throw DataError.malformed(file: file, place: "data",
                                      detail: "\(pixels.count) bytes are not \(labels.count) images of shape \(imageShape)")
        }
        try DataError.checkLabels(labels, classCount: classNames.count, file: file)
        self.pixels = pixels
        self.labels = labels
        self.classNames = classNames
        self.imageShape = imageShape
        self.file = file
    }

    public func example(at index: Int) throws -> Example {
        try DataError.checkIndex(index, count: count, file: file)
        let size = pixels.count / max(labels.count, 1)
        var input = Tensor.zeros(imageShape)
        try input.withUnsafeMutableFloats { output in
            pixels.withUnsafeBufferPointer { source in
                let start = index * size
                // Divided, not multiplied by 1/255, so the values are torchvision's ToTensor's to the bit.
                for i in 0..<size { output[i] = Float(source[start + i]) / 255 }
            }
        }
        return Example(input: input, label: labels[index])
    }
}
