/// What lies outside an image when an operation reads past its edge.
public enum BorderMode: Equatable, Sendable {
    /// A constant value per channel, in the sample type's units (missing channels are 0).
    case constant([Double])
    /// Mirror without repeating the edge pixel (`dcb|abcd|cba`; OpenCV's REFLECT_101,
    /// Albumentations' default).
    case reflect
    /// Repeat the edge pixel (`aaa|abcd|ddd`).
    case replicate

    /// Black (or transparent) outside.
    public static let zero = BorderMode.constant([])

    /// The source index for position `index` on an axis of `length` pixels, or nil for the
    /// constant border.
    @inline(__always)
    func sourceIndex(_ index: Int, length: Int) -> Int? {
        if index >= 0, index < length { return index }
        switch self {
        case .constant:
            return nil
        case .replicate:
            return min(max(index, 0), length - 1)
        case .reflect:
            guard length > 1 else { return 0 }
            let period = 2 * length - 2
            var folded = index % period
            if folded < 0 { folded += period }
            return folded < length ? folded : period - folded
        }
    }

    /// The constant fill for each of `channels`, as Floats.
    func fill(channels: Int) -> [Float] {
        guard case .constant(let values) = self else { return [Float](repeating: 0, count: channels) }
        return (0..<channels).map { $0 < values.count ? Float(values[$0]) : 0 }
    }
}

extension Image {
    /// The `width × height` region whose top-left pixel is `(x, y)`; it must lie inside.
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) throws -> Image {
        guard x >= 0, y >= 0, cropWidth > 0, cropHeight > 0, x + cropWidth <= width, y + cropHeight <= height else {
            throw ImageError.invalidArgument(
                "crop \(cropWidth)x\(cropHeight) at (\(x), \(y)) does not fit inside the \(width)x\(height) image")
        }
        return applying(Crop(sourceWidth: width, channels: channels, x: x, y: y, width: cropWidth, height: cropHeight),
                        width: cropWidth, height: cropHeight)
    }

    /// The image with `top`, `bottom`, `left` and `right` pixels added, filled by `mode`.
    public func padded(top: Int, bottom: Int, left: Int, right: Int, mode: BorderMode = .zero) throws -> Image {
        guard top >= 0, bottom >= 0, left >= 0, right >= 0 else {
            throw ImageError.invalidArgument("padding must be non-negative, found top \(top), bottom \(bottom), left \(left), right \(right)")
        }
        guard width > 0, height > 0 || mode != .reflect && mode != .replicate else {
            throw ImageError.invalidArgument("cannot pad an empty image by reflection or replication")
        }
        let newWidth = width + left + right, newHeight = height + top + bottom
        return applying(Remap(sourceWidth: width, sourceHeight: height, channels: channels, outputWidth: newWidth,
                              outputHeight: newHeight, offsetX: -left, offsetY: -top, border: mode),
                        width: newWidth, height: newHeight)
    }
}

/// Copies a window that lies inside the source, row by row.
private struct Crop: SampleKernel {
    let sourceWidth: Int, channels: Int, x: Int, y: Int, width: Int, height: Int

    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample] {
        let rowLength = width * channels, count = rowLength * height
        return [Sample](unsafeUninitializedCapacity: count) { output, initialized in
            input.withUnsafeBufferPointer { source in
                for row in 0..<height {
                    let from = source.baseAddress! + ((y + row) * sourceWidth + x) * channels
                    (output.baseAddress! + row * rowLength).initialize(from: from, count: rowLength)
                }
            }
            initialized = count
        }
    }
}

/// Copies a shifted window of the source, reading outside it through a border mode.
private struct Remap: SampleKernel {
    let sourceWidth: Int, sourceHeight: Int, channels: Int
    let outputWidth: Int, outputHeight: Int, offsetX: Int, offsetY: Int
    let border: BorderMode

    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample] {
        let fill = border.fill(channels: channels).map { Sample(roundingClamped: $0) }
        let columns = (0..<outputWidth).map { border.sourceIndex($0 + offsetX, length: sourceWidth) }
        let count = outputWidth * outputHeight * channels
        return [Sample](unsafeUninitializedCapacity: count) { output, initialized in
            input.withUnsafeBufferPointer { source in
                for y in 0..<outputHeight {
                    let row = border.sourceIndex(y + offsetY, length: sourceHeight)
                    for x in 0..<outputWidth {
                        let target = (y * outputWidth + x) * channels
                        if let row, let column = columns[x] {
                            let from = (row * sourceWidth + column) * channels
                            for channel in 0..<channels { output.initializeElement(at: target + channel, to: source[from + channel]) }
                        } else {
                            for channel in 0..<channels { output.initializeElement(at: target + channel, to: fill[channel]) }
                        }
                    }
                }
            }
            initialized = count
        }
    }
}
