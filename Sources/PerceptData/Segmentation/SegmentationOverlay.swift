import PerceptImage

/// Pictures of class-id masks: each class in its preview colour (`DrawColor.category`),
/// background left out, blended over the image.
public enum SegmentationOverlay {
    /// `image` (converted to RGB) with every non-background pixel mixed `opacity` of the way
    /// towards its class's colour; `classIDs` is row-major at the image's size.
    public static func overlay(_ image: Image, classIDs: [UInt8], opacity: Double = 0.5) throws -> Image {
        let rgb = image.removingAlpha().rgb()
        guard classIDs.count == rgb.width * rgb.height, case .uint8(var samples) = rgb.samples else {
            throw ImageError.invalidArgument("an overlay needs an 8-bit image and one class id per pixel: \(rgb.width)x\(rgb.height) image, \(classIDs.count) ids")
        }
        let colours = (0..<256).map { index -> [Double] in
            let colour = DrawColor.category(index)
            return [colour.red * 255, colour.green * 255, colour.blue * 255]
        }
        for (pixel, id) in classIDs.enumerated() where id != 0 {
            for channel in 0..<3 {
                let mixed = Double(samples[pixel * 3 + channel]) * (1 - opacity) + colours[Int(id)][channel] * opacity
                samples[pixel * 3 + channel] = UInt8(max(0, min(255, mixed.rounded())))
            }
        }
        return try Image(width: rgb.width, height: rgb.height, channels: 3, samples: .uint8(samples))
    }
}
