/// The numeric type of an image's samples.
public enum SampleType: String, Sendable, CaseIterable, Codable {
    /// 8-bit unsigned, 0–255.
    case uint8
    /// 16-bit unsigned, 0–65535.
    case uint16
    /// 32-bit float, 0–1 for full intensity.
    case float32

    /// Bytes per sample.
    public var byteCount: Int {
        switch self {
        case .uint8: 1
        case .uint16: 2
        case .float32: 4
        }
    }

    /// Bits per sample, as image headers report it.
    public var bitDepth: Int { byteCount * 8 }

    /// The value that means "full intensity": 255, 65535, or 1 for floating point.
    public var maximumValue: Double {
        switch self {
        case .uint8: 255
        case .uint16: 65535
        case .float32: 1
        }
    }
}

/// An image's samples in one contiguous array, row-major, channels interleaved (HWC).
public enum ImageSamples: Equatable, Sendable {
    /// 8-bit samples.
    case uint8([UInt8])
    /// 16-bit samples.
    case uint16([UInt16])
    /// 32-bit float samples.
    case float32([Float])

    /// The type of every sample.
    public var sampleType: SampleType {
        switch self {
        case .uint8: .uint8
        case .uint16: .uint16
        case .float32: .float32
        }
    }

    /// The number of samples.
    public var count: Int {
        switch self {
        case .uint8(let values): values.count
        case .uint16(let values): values.count
        case .float32(let values): values.count
        }
    }

    /// Zero-filled samples of `type`.
    public init(zeros count: Int, type: SampleType) {
        switch type {
        case .uint8: self = .uint8([UInt8](repeating: 0, count: count))
        case .uint16: self = .uint16([UInt16](repeating: 0, count: count))
        case .float32: self = .float32([Float](repeating: 0, count: count))
        }
    }
}

/// A raster image: `height` rows of `width` pixels with 1–4 interleaved channels
/// (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA). A value type; copies share storage until written.
///
///     var image = Image(width: 640, height: 480, channels: 3, sampleType: .uint8)
///     image[x: 10, y: 20, channel: 0] = 255
public struct Image: Equatable, Sendable {
    /// Pixels per row.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Interleaved channels per pixel, 1 to 4.
    public let channels: Int
    /// The samples, `height * width * channels` of them.
    public internal(set) var samples: ImageSamples

    /// A black (zero) image; a negative size counts as 0 and channels are clamped to 1–4.
    public init(width: Int, height: Int, channels: Int, sampleType: SampleType = .uint8) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.channels = min(max(channels, 1), 4)
        samples = ImageSamples(zeros: self.width * self.height * self.channels, type: sampleType)
    }

    /// An image over existing samples; throws when the count does not match the size.
    public init(width: Int, height: Int, channels: Int, samples: ImageSamples) throws {
        guard width >= 0, height >= 0 else {
            throw ImageError.invalidArgument("image size must be non-negative, found \(width)x\(height)")
        }
        guard (1...4).contains(channels) else {
            throw ImageError.invalidArgument("an image has 1 to 4 channels, found \(channels)")
        }
        guard samples.count == width * height * channels else {
            throw ImageError.invalidArgument(
                "\(width)x\(height)x\(channels) needs \(width * height * channels) samples, found \(samples.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// Builds an image without checking; callers inside the module guarantee the count.
    init(uncheckedWidth width: Int, height: Int, channels: Int, samples: ImageSamples) {
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// The sample type.
    public var sampleType: SampleType { samples.sampleType }
    /// Whether the last channel is alpha (2 or 4 channels).
    public var hasAlpha: Bool { channels == 2 || channels == 4 }
    /// The size in pixels.
    public var size: ImageSize { ImageSize(width: width, height: height) }
    /// Samples per row.
    public var rowStride: Int { width * channels }

    /// One sample as a Double, in the sample type's own range (0–255, 0–65535 or float).
    public subscript(x x: Int, y y: Int, channel channel: Int) -> Double {
        get {
            let index = (y * width + x) * channels + channel
            switch samples {
            case .uint8(let values): return Double(values[index])
            case .uint16(let values): return Double(values[index])
            case .float32(let values): return Double(values[index])
            }
        }
        set { mutateSamples(SetSample(index: (y * width + x) * channels + channel, value: Float(newValue))) }
    }
}

/// A width and height in pixels.
public struct ImageSize: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Pixels per row.
    public var width: Int
    /// Rows.
    public var height: Int

    /// A size of `width` by `height` pixels.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `WIDTHxHEIGHT`.
    public var description: String { "\(width)x\(height)" }
}
