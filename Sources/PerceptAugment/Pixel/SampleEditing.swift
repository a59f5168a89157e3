import PerceptImage

/// An in-place edit of an image's samples, written once for every sample type.
protocol SampleEdit {
    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float)
}

extension Image {
    /// The image after `edit` has changed its samples in place.
    func editing(_ edit: some SampleEdit) throws -> Image {
        let maximum = Float(sampleType.maximumValue)
        switch samples {
        case .uint8(var values):
            edit.edit(&values, width: width, height: height, channels: channels, maximum: maximum)
            return try Image(width: width, height: height, channels: channels, samples: .uint8(values))
        case .uint16(var values):
            edit.edit(&values, width: width, height: height, channels: channels, maximum: maximum)
            return try Image(width: width, height: height, channels: channels, samples: .uint16(values))
        case .float32(var values):
            edit.edit(&values, width: width, height: height, channels: channels, maximum: maximum)
            return try Image(width: width, height: height, channels: channels, samples: .float32(values))
        }
    }

    /// The image with each `[x, y, width, height]` rectangle set to `values` (per channel;
    /// the last value repeats).
    func fillingRectangles(_ rectangles: [[Int]], values: [Double]) throws -> Image {
        try editing(RectangleFill(rectangles: rectangles, values: values.map(Float.init)))
    }

    /// The colour channels (alpha excluded).
    var colourChannels: Int { hasAlpha ? channels - 1 : channels }
}

/// Sets rectangles to a constant.
private struct RectangleFill: SampleEdit {
    let rectangles: [[Int]]
    let values: [Float]

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        let fill = (0..<channels).map { Value(roundingClamped: values.isEmpty ? 0 : values[min($0, values.count - 1)]) }
        for rectangle in rectangles where rectangle.count == 4 {
            let left = max(0, rectangle[0]), top = max(0, rectangle[1])
            let right = min(width, rectangle[0] + rectangle[2]), bottom = min(height, rectangle[1] + rectangle[3])
            guard left < right, top < bottom else { continue }
            for y in top..<bottom {
                for x in left..<right {
                    for channel in 0..<channels { samples[(y * width + x) * channels + channel] = fill[channel] }
                }
            }
        }
    }
}
