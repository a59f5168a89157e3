import PerceptImage
import PerceptTensor

/// Images as tensors and back: HWC samples ↔ CHW Float32 in `0...1` (full intensity is 1),
/// and gray/RGB conversion to the channel count a model wants.
extension Image {
    /// The image as a `[C, H, W]` Float32 tensor, each sample divided by its type's full
    /// intensity (255, 65535 or 1).
    ///
    /// ```swift
    /// let input = try Image(contentsOf: url).withChannels(3).tensor()   // [3, H, W]
    /// ```
    public func tensor() -> Tensor {
        placed(canvasWidth: width, canvasHeight: height, left: 0, top: 0, fill: [Float](repeating: 0, count: channels))
    }

    /// The image placed on a `canvasWidth` × `canvasHeight` canvas with its top-left pixel at
    /// (`left`, `top`) and the rest filled with `fill` (one value per channel, in `0...1`), as a
    /// `[C, H, W]` Float32 tensor: the values of padding the image with `fill` · full intensity
    /// and calling ``tensor()``, in one pass without the padded image (a letterboxed input).
    ///
    /// ```swift
    /// let input = try rgb.tensor(canvasWidth: 320, canvasHeight: 256, left: 0, top: 8, fill: [Float](repeating: 114 / 255, count: 3))
    /// ```
    public func tensor(canvasWidth: Int, canvasHeight: Int, left: Int, top: Int, fill: [Float]) throws -> Tensor {
        guard left >= 0, top >= 0, left + width <= canvasWidth, top + height <= canvasHeight, fill.count == channels else {
            throw DataError.invalidArgument("a \(width)x\(height) image with \(channels) channels does not fit a \(canvasWidth)x\(canvasHeight) canvas at (\(left), \(top)) with \(fill.count) fill values")
        }
        return placed(canvasWidth: canvasWidth, canvasHeight: canvasHeight, left: left, top: top, fill: fill)
    }

    /// The writer behind both `tensor` forms; the caller has checked that the image and `fill` fit.
    private func placed(canvasWidth: Int, canvasHeight: Int, left: Int, top: Int, fill: [Float]) -> Tensor {
        var result = Tensor.zeros([channels, canvasHeight, canvasWidth])
        let plane = canvasWidth * canvasHeight, (width, height, channels) = (width, height, channels)
        // zeros() is contiguous float32, so the closure runs and cannot throw.
        try? result.withUnsafeMutableFloats { output in
            for channel in 0..<channels where fill[channel] != 0 {
                UnsafeMutableBufferPointer(rebasing: output[(channel * plane)..<((channel + 1) * plane)]).update(repeating: fill[channel])
            }
            func place<T>(_ values: [T], _ convert: (T) -> Float) {
                values.withUnsafeBufferPointer { input in
                    for y in 0..<height {
                        let source = y * width * channels, target = (top + y) * canvasWidth + left
                        for x in 0..<width {
                            for channel in 0..<channels {
                                output[channel * plane + target + x] = convert(input[source + x * channels + channel])
                            }
                        }
                    }
                }
            }
            switch samples {
            case .uint8(let values): place(values) { Float($0) / 255 }
            case .uint16(let values): place(values) { Float($0) / 65535 }
            case .float32(let values): place(values) { $0 }
            }
        }
        return result
    }

    /// An 8-bit image from a `[C, H, W]` (or `[H, W]`) Float32 tensor in `0...1`: values are
    /// scaled by 255, rounded and clamped. Throws for another rank, dtype or more than 4 channels.
    public init(tensor: Tensor) throws {
        let shape = tensor.rank == 2 ? [1] + tensor.shape : tensor.shape
        guard shape.count == 3, (1...4).contains(shape[0]), tensor.dtype == .float32 else {
            throw DataError.invalidArgument(
                "an image needs a float32 [C, H, W] tensor with 1 to 4 channels, got \(tensor.dtype) \(tensor.shape)")
        }
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let plane = width * height
        var samples = [UInt8](repeating: 0, count: plane * channels)
        try tensor.withUnsafeFloats { input in
            for channel in 0..<channels {
                for pixel in 0..<plane {
                    let value = (input[channel * plane + pixel] * 255).rounded()
                    samples[pixel * channels + channel] = value.isNaN ? 0 : UInt8(max(0, min(255, value)))
                }
            }
        }
        try self.init(width: width, height: height, channels: channels, samples: .uint8(samples))
    }

    /// The image with exactly `channels` channels, 1 (gray) or 3 (RGB): alpha is dropped, RGB
    /// becomes luma (BT.601) and gray is copied into red, green and blue.
    public func withChannels(_ channels: Int) throws -> Image {
        let opaque = removingAlpha()
        switch channels {
        case 1: return opaque.grayscale()
        case 3: return opaque.rgb()
        default: throw DataError.invalidArgument("images convert to 1 (gray) or 3 (RGB) channels, not \(channels)")
        }
    }
}
