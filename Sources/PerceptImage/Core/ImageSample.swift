/// A sample type an `Image` can hold; lets one generic loop serve UInt8, UInt16 and Float.
public protocol ImageSample: Numeric, Sendable {
    /// The sample as a Float (exact for UInt8 and UInt16).
    var floatValue: Float { get }
    /// The nearest representable sample, clamped to the type's range.
    init(roundingClamped value: Float)
}

extension UInt8: ImageSample {
    @inlinable public var floatValue: Float { Float(self) }
    @inlinable public init(roundingClamped value: Float) {
        self = value >= 255 ? 255 : (value > 0 ? UInt8(value + 0.5) : 0)
    }
}

extension UInt16: ImageSample {
    @inlinable public var floatValue: Float { Float(self) }
    @inlinable public init(roundingClamped value: Float) {
        self = value >= 65535 ? 65535 : (value > 0 ? UInt16(value + 0.5) : 0)
    }
}

extension Float: ImageSample {
    @inlinable public var floatValue: Float { self }
    @inlinable public init(roundingClamped value: Float) { self = value }
}

/// An operation written once, generically, and run on whichever sample type an image holds.
protocol SampleKernel {
    /// Produces the output samples from the input samples.
    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample]
}

extension ImageSamples {
    /// Runs `kernel` on the samples, keeping their type.
    func applying(_ kernel: some SampleKernel) -> ImageSamples {
        switch self {
        case .uint8(let values): .uint8(kernel.run(values))
        case .uint16(let values): .uint16(kernel.run(values))
        case .float32(let values): .float32(kernel.run(values))
        }
    }
}

extension Image {
    /// A new image of the given shape whose samples come from `kernel` run on these samples.
    func applying(_ kernel: some SampleKernel, width: Int, height: Int, channels: Int? = nil) -> Image {
        Image(uncheckedWidth: width, height: height, channels: channels ?? self.channels,
              samples: samples.applying(kernel))
    }
}

/// An in-place change written once, generically, for whichever sample type an image holds.
protocol SampleMutation {
    /// Changes the samples in place.
    func mutate<Sample: ImageSample>(_ samples: inout [Sample])
}

extension Image {
    /// Runs `mutation` on the samples without copying them (the enum payload is moved out
    /// first so the array is uniquely referenced).
    mutating func mutateSamples(_ mutation: some SampleMutation) {
        switch samples {
        case .uint8(var values):
            samples = .uint8([])
            mutation.mutate(&values)
            samples = .uint8(values)
        case .uint16(var values):
            samples = .uint16([])
            mutation.mutate(&values)
            samples = .uint16(values)
        case .float32(var values):
            samples = .float32([])
            mutation.mutate(&values)
            samples = .float32(values)
        }
    }
}

/// Stores one value at one index.
struct SetSample: SampleMutation {
    let index: Int
    let value: Float

    func mutate<Sample: ImageSample>(_ samples: inout [Sample]) {
        samples[index] = Sample(roundingClamped: value)
    }
}
