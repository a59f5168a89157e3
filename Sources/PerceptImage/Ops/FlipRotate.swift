import CPixelKernels

/// Mirror directions.
public enum FlipDirection: String, Sendable, CaseIterable, Codable {
    /// Left and right swap.
    case horizontal
    /// Top and bottom swap.
    case vertical
}

extension Image {
    /// The image mirrored left-right or top-bottom.
    public func flipped(_ direction: FlipDirection) -> Image {
        if direction == .horizontal, case .uint8(let bytes) = samples {
            let output = [UInt8](unsafeUninitializedCapacity: bytes.count) { target, initialized in
                bytes.withUnsafeBufferPointer { pk_flip_rows_u8($0.baseAddress, target.baseAddress, width, height, channels) }
                initialized = bytes.count
            }
            return Image(uncheckedWidth: width, height: height, channels: channels, samples: .uint8(output))
        }
        return applying(Flip(width: width, height: height, channels: channels, direction: direction),
                 width: width, height: height)
    }

    /// The image turned clockwise by `quarterTurns` × 90° (negative turns go anticlockwise).
    public func rotated90(quarterTurns: Int = 1) -> Image {
        switch ((quarterTurns % 4) + 4) % 4 {
        case 1: transposed().flipped(.horizontal)
        case 2: flipped(.horizontal).flipped(.vertical)
        case 3: transposed().flipped(.vertical)
        default: self
        }
    }

    /// The image mirrored about its main diagonal (rows become columns).
    public func transposed() -> Image {
        applying(Transpose(width: width, height: height, channels: channels), width: height, height: width)
    }

    /// The image as it should be displayed given an EXIF orientation (1–8); other values
    /// leave it unchanged.
    public func applyingEXIFOrientation(_ orientation: Int) -> Image {
        switch orientation {
        case 2: flipped(.horizontal)
        case 3: rotated90(quarterTurns: 2)
        case 4: flipped(.vertical)
        case 5: transposed()
        case 6: rotated90(quarterTurns: 1)
        case 7: rotated90(quarterTurns: 1).flipped(.vertical)
        case 8: rotated90(quarterTurns: 3)
        default: self
        }
    }
}

/// Mirrors rows (horizontal) or the order of rows (vertical).
private struct Flip: SampleKernel {
    let width: Int, height: Int, channels: Int
    let direction: FlipDirection

    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample] {
        let rowLength = width * channels
        return [Sample](unsafeUninitializedCapacity: input.count) { output, initialized in
            input.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    switch direction {
                    case .vertical:
                        let from = (height - 1 - y) * rowLength, to = y * rowLength
                        (output.baseAddress! + to).initialize(from: source.baseAddress! + from, count: rowLength)
                    case .horizontal:
                        let row = y * rowLength
                        for x in 0..<width {
                            let from = row + (width - 1 - x) * channels, to = row + x * channels
                            for channel in 0..<channels { output[to + channel] = source[from + channel] }
                        }
                    }
                }
            }
            initialized = input.count
        }
    }
}

/// Swaps x and y.
private struct Transpose: SampleKernel {
    let width: Int, height: Int, channels: Int

    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample] {
        [Sample](unsafeUninitializedCapacity: input.count) { output, initialized in
            input.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    for x in 0..<width {
                        let from = (y * width + x) * channels, to = (x * height + y) * channels
                        for channel in 0..<channels { output[to + channel] = source[from + channel] }
                    }
                }
            }
            initialized = input.count
        }
    }
}
