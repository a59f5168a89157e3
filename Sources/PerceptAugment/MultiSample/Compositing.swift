import PerceptImage

extension Image {
    /// The image with `patch` copied in with its top-left at `(x, y)`; where `mask` (the
    /// patch's size) is given, only its inside pixels are copied. Both images need the same
    /// sample type and channel count.
    func pasting(_ patch: Image, x: Int, y: Int, mask: Mask? = nil, transform: String) throws -> Image {
        guard patch.channels == channels, patch.sampleType == sampleType else {
            throw AugmentError.unsupported(transform: transform,
                                           message: "samples must share channels and sample type, found \(channels) \(sampleType.rawValue) and \(patch.channels) \(patch.sampleType.rawValue)")
        }
        let placement = Placement(x: x, y: y, width: patch.width, height: patch.height, mask: mask?.values)
        switch (samples, patch.samples) {
        case (.uint8(var values), .uint8(let source)):
            placement.copy(source, into: &values, width: width, height: height, channels: channels)
            return try Image(width: width, height: height, channels: channels, samples: .uint8(values))
        case (.uint16(var values), .uint16(let source)):
            placement.copy(source, into: &values, width: width, height: height, channels: channels)
            return try Image(width: width, height: height, channels: channels, samples: .uint16(values))
        case (.float32(var values), .float32(let source)):
            placement.copy(source, into: &values, width: width, height: height, channels: channels)
            return try Image(width: width, height: height, channels: channels, samples: .float32(values))
        default:
            return self
        }
    }

    /// A `width × height` image of `sampleType` and `channels` filled with `fill` per channel.
    static func filled(width: Int, height: Int, channels: Int, sampleType: SampleType, fill: [Double]) throws -> Image {
        try Image(width: width, height: height, channels: channels, sampleType: sampleType)
            .fillingRectangles([[0, 0, width, height]], values: fill)
    }
}

/// Where a patch goes, and which of its pixels.
private struct Placement {
    let x: Int, y: Int, width: Int, height: Int
    let mask: [UInt8]?

    func copy<Value: ImageSample>(_ source: [Value], into target: inout [Value], width canvasWidth: Int, height canvasHeight: Int, channels: Int) {
        for row in max(0, -y)..<min(height, canvasHeight - y) {
            for column in max(0, -x)..<min(width, canvasWidth - x) {
                let patchIndex = row * width + column
                if let mask, mask[patchIndex] == 0 { continue }
                let to = ((row + y) * canvasWidth + column + x) * channels, from = patchIndex * channels
                for channel in 0..<channels { target[to + channel] = source[from + channel] }
            }
        }
    }
}

/// A region of a canvas in whole pixels, `[minX, maxX) × [minY, maxY)`.
struct PixelRegion: Equatable {
    var minX: Int, minY: Int, maxX: Int, maxY: Int

    var isEmpty: Bool { minX >= maxX || minY >= maxY }
    var width: Int { maxX - minX }
    var height: Int { maxY - minY }
    var box: BoundingBox { BoundingBox(minX: Double(minX), minY: Double(minY), maxX: Double(maxX), maxY: Double(maxY)) }

    func intersection(_ other: PixelRegion) -> PixelRegion {
        PixelRegion(minX: max(minX, other.minX), minY: max(minY, other.minY), maxX: min(maxX, other.maxX), maxY: min(maxY, other.maxY))
    }
}

extension Sample {
    /// This sample moved by `Resize` to `size` (targets included), or itself when it already
    /// has that size.
    func resized(to size: ImageSize, context: inout AugmentContext) throws -> Sample {
        guard image.size != size else { return self }
        let resize = try Resize(width: size.width, height: size.height)
        return try resize.apply(self, parameters: FrameParameters(resizing: image.size, width: size.width, height: size.height),
                                context: &context)
    }
}
