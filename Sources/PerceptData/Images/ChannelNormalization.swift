import Foundation
import PerceptTensor

/// Per-channel mean/std normalisation, `(x - mean) / std`, as torchvision's `Normalize`: given,
/// or computed over a training set. `Codable`, so it travels in a weights file's metadata and
/// `predict` preprocesses the same way.
public struct ChannelNormalization: Codable, Equatable, Sendable {
    /// The mean of each channel.
    public let mean: [Float]
    /// The standard deviation of each channel.
    public let std: [Float]

    /// Normalisation with these statistics; throws when the counts differ or a std is not positive.
    public init(mean: [Float], std: [Float]) throws {
        guard !mean.isEmpty, mean.count == std.count else {
            throw DataError.invalidArgument("normalisation needs one mean and one std per channel, got \(mean.count) and \(std.count)")
        }
        guard std.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw DataError.invalidArgument("normalisation needs finite means and positive stds, got mean \(mean), std \(std)")
        }
        self.mean = mean
        self.std = std
    }

    /// The per-channel mean and (population) standard deviation of the inputs of `dataset`
    /// (`[C, …]` tensors), accumulated in Double. A channel with no spread gets std 1.
    public static func computed(over dataset: any Dataset) throws -> ChannelNormalization {
        if let images = dataset as? ByteImageDataset { return try computed(over: images) }
        var sums: [Double] = [], squares: [Double] = [], counts: [Int] = []
        for index in 0..<dataset.count {
            let input = try dataset.example(at: index).input
            guard input.rank >= 1, input.dtype == .float32 else {
                throw DataError.invalidArgument("normalisation statistics need float32 [C, …] inputs, got \(input.dtype) \(input.shape)")
            }
            let channels = input.shape[0], plane = input.count / max(channels, 1)
            if sums.isEmpty {
                sums = Array(repeating: 0, count: channels)
                squares = sums
                counts = Array(repeating: 0, count: channels)
            }
            guard channels == sums.count else {
                throw DataError.shapeMismatch(file: "<statistics>", index: index, expected: [sums.count], found: [channels])
            }
            try input.withUnsafeFloats { values in
                for channel in 0..<channels {
                    var sum = 0.0, square = 0.0
                    for value in values[channel * plane..<(channel + 1) * plane] {
                        sum += Double(value)
                        square += Double(value) * Double(value)
                    }
                    sums[channel] += sum
                    squares[channel] += square
                    counts[channel] += plane
                }
            }
        }
        guard !sums.isEmpty, counts.allSatisfy({ $0 > 0 }) else {
            throw DataError.invalidArgument("normalisation statistics need at least one non-empty example")
        }
        let means = zip(sums, counts).map { $0 / Double($1) }
        let stds = (0..<sums.count).map { channel -> Double in
            let variance = squares[channel] / Double(counts[channel]) - means[channel] * means[channel]
            let std = max(variance, 0).squareRoot()
            return std > 1e-12 ? std : 1
        }
        return try ChannelNormalization(mean: means.map { Float($0) }, std: stds.map { Float($0) })
    }

    /// The same statistics for 8-bit images, from a histogram of each channel's bytes instead of
    /// a tensor per image (Fashion-MNIST's 47 million samples in a fraction of a second).
    private static func computed(over images: ByteImageDataset) throws -> ChannelNormalization {
        let channels = images.imageShape[0], plane = images.imageShape[1] * images.imageShape[2]
        var histograms = [[Int]](repeating: [Int](repeating: 0, count: 256), count: channels)
        images.pixels.withUnsafeBufferPointer { bytes in
            for image in 0..<images.count {
                for channel in 0..<channels {
                    let start = (image * channels + channel) * plane
                    for byte in bytes[start..<start + plane] { histograms[channel][Int(byte)] += 1 }
                }
            }
        }
        var means: [Float] = [], stds: [Float] = []
        for histogram in histograms {
            let count = Double(histogram.reduce(0, +))
            // The values the dataset's tensors hold: Float(byte) / 255.
            let values = (0..<256).map { Double(Float($0) / 255) }
            let mean = zip(histogram, values).reduce(0) { $0 + Double($1.0) * $1.1 } / count
            let square = zip(histogram, values).reduce(0) { $0 + Double($1.0) * $1.1 * $1.1 } / count
            let std = max(square - mean * mean, 0).squareRoot()
            means.append(Float(mean))
            stds.append(Float(std > 1e-12 ? std : 1))
        }
        return try ChannelNormalization(mean: means, std: stds)
    }

    /// One input, `[C, …]` with C channels, normalised channel by channel.
    public func apply(_ input: Tensor) throws -> Tensor { try apply(input, channelAxis: 0) }

    /// A batch, `[N, C, …]`, normalised channel by channel.
    public func applyToBatch(_ input: Tensor) throws -> Tensor { try apply(input, channelAxis: 1) }

    private func apply(_ input: Tensor, channelAxis: Int) throws -> Tensor {
        guard input.dtype == .float32, input.rank > channelAxis, input.shape[channelAxis] == mean.count else {
            throw DataError.invalidArgument(
                "normalisation for \(mean.count) channels cannot apply to \(input.dtype) \(input.shape)")
        }
        // Writing copies first when the storage is shared, so `input` is left as it was.
        var result = input
        let channels = mean.count
        let plane = input.shape[(channelAxis + 1)...].reduce(1, *)
        let (mean, std) = (mean, std)
        try result.withUnsafeMutableFloats { values in
            for block in stride(from: 0, to: values.count, by: channels * plane) {
                for channel in 0..<channels {
                    let shift = mean[channel], scale = 1 / std[channel]
                    let start = block + channel * plane
                    for i in start..<start + plane { values[i] = (values[i] - shift) * scale }
                }
            }
        }
        return result
    }

    /// The weights-file metadata key under which the statistics travel (as JSON).
    public static let metadataKey = "percept.normalize"

    /// The statistics as a weights file's `__metadata__` entry, so `predict` preprocesses as training did.
    public var metadata: [String: String] {
        let json = (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return [Self.metadataKey: json]
    }

    /// The statistics stored in a weights file's metadata; nil when the file has none, and a
    /// typed error naming `file` when the entry is damaged.
    public static func from(metadata: [String: String], file: String) throws -> ChannelNormalization? {
        guard let json = metadata[metadataKey] else { return nil }
        let decoded: ChannelNormalization
        do { decoded = try JSONDecoder().decode(ChannelNormalization.self, from: Data(json.utf8)) } catch {
            throw DataError.malformed(file: file, place: "metadata '\(metadataKey)'", detail: "not {\"mean\": [...], \"std\": [...]}")
        }
        // Decoding bypasses init's checks; run them.
        do { return try ChannelNormalization(mean: decoded.mean, std: decoded.std) } catch let error as DataError {
            throw DataError.malformed(file: file, place: "metadata '\(metadataKey)'", detail: error.message)
        }
    }

    /// A loader transform that normalises each example's input, after `before` (an
    /// augmentation, which sees `0...1` inputs) when given.
    public func transform(after before: DataLoader.Transform? = nil) -> DataLoader.Transform {
        let normalization = self
        return { example, seed in
            var result = try before?(example, seed) ?? example
            result.input = try normalization.apply(result.input)
            return result
        }
    }
}
