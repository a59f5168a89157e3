/// A drawing colour, each component in `0...1`; gray images get its luma.
public struct DrawColor: Equatable, Sendable {
    /// Red, green, blue and alpha in `0...1`.
    public var red: Double, green: Double, blue: Double, alpha: Double

    /// A colour from components in `0...1`.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// Opaque white.
    public static let white = DrawColor(red: 1, green: 1, blue: 1)
    /// Opaque black.
    public static let black = DrawColor(red: 0, green: 0, blue: 0)
    /// Saturated red.
    public static let red = DrawColor(red: 1, green: 0, blue: 0)
    /// Saturated green.
    public static let green = DrawColor(red: 0, green: 1, blue: 0)
    /// Saturated blue.
    public static let blue = DrawColor(red: 0, green: 0, blue: 1)

    /// A distinct colour for class `index` (a fixed palette that cycles), for previews.
    public static func category(_ index: Int) -> DrawColor {
        let (red, green, blue) = rgbFromHSV(hue: Float((index * 47) % 360), saturation: 0.9, value: 1)
        return DrawColor(red: Double(red), green: Double(green), blue: Double(blue))
    }

    /// The sample values for an image with `channels` channels and full scale `maximum`.
    func samples(channels: Int, maximum: Double) -> [Float] {
        let luma = 0.299 * red + 0.587 * green + 0.114 * blue
        let components: [Double] = switch channels {
        case 1: [luma]
        case 2: [luma, alpha]
        case 3: [red, green, blue]
        default: [red, green, blue, alpha]
        }
        return components.map { Float(min(max($0, 0), 1) * maximum) }
    }
}

extension Image {
    /// Draws the outline of `box` (`thickness` pixels, inside the box edges).
    public mutating func drawRectangle(_ box: BoundingBox, color: DrawColor, thickness: Int = 2) {
        let left = Int(box.minX.rounded(.down)), top = Int(box.minY.rounded(.down))
        let right = Int(box.maxX.rounded(.up)) - 1, bottom = Int(box.maxY.rounded(.up)) - 1
        var pixels: [(Int, Int)] = []
        for offset in 0..<max(thickness, 1) {
            for x in (left + offset)...max(left + offset, right - offset) {
                pixels += [(x, top + offset), (x, bottom - offset)]
            }
            for y in (top + offset)...max(top + offset, bottom - offset) {
                pixels += [(left + offset, y), (right - offset, y)]
            }
        }
        paint(pixels, color: color)
    }

    /// Draws a straight line (Bresenham), `thickness` pixels wide.
    public mutating func drawLine(from start: Point, to end: Point, color: DrawColor, thickness: Int = 2) {
        paint(linePixels(from: start, to: end, thickness: thickness), color: color)
    }

    /// Draws the closed outline of `polygon`.
    public mutating func drawPolygon(_ polygon: Polygon, color: DrawColor, thickness: Int = 2) {
        let points = polygon.points
        var pixels: [(Int, Int)] = []
        for index in points.indices {
            pixels += linePixels(from: points[index], to: points[(index + 1) % points.count], thickness: thickness)
        }
        paint(pixels, color: color)
    }

    /// Draws a filled disc of `radius` pixels centred on `point`.
    public mutating func drawPoint(_ point: Point, color: DrawColor, radius: Int = 3) {
        let centerX = Int(point.x.rounded(.down)), centerY = Int(point.y.rounded(.down))
        var pixels: [(Int, Int)] = []
        for dy in -radius...radius {
            for dx in -radius...radius where dx * dx + dy * dy <= radius * radius {
                pixels.append((centerX + dx, centerY + dy))
            }
        }
        paint(pixels, color: color)
    }

    /// Writes `text` in the built-in 5×7 font with its top-left corner at `origin`, each font
    /// pixel drawn as `scale × scale` pixels, over an optional background box.
    public mutating func drawText(_ text: String, at origin: Point, color: DrawColor, scale: Int = 2,
                                  background: DrawColor? = nil) {
        let scale = max(scale, 1)
        let left = Int(origin.x.rounded(.down)), top = Int(origin.y.rounded(.down))
        if let background {
            let width = (text.count * BitmapFont.advance + 1) * scale, height = (BitmapFont.glyphHeight + 2) * scale
            var pixels: [(Int, Int)] = []
            for y in top..<top + height { for x in left..<left + width { pixels.append((x, y)) } }
            paint(pixels, color: background)
        }
        var pixels: [(Int, Int)] = []
        for (index, character) in text.enumerated() {
            let glyphLeft = left + (index * BitmapFont.advance + 1) * scale
            for (row, bits) in BitmapFont.rows(for: character).enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            pixels.append((glyphLeft + column * scale + dx, top + (row + 1) * scale + dy))
                        }
                    }
                }
            }
        }
        paint(pixels, color: color)
    }

    /// The pixels of a line, widened to a square brush of `thickness`.
    private func linePixels(from start: Point, to end: Point, thickness: Int) -> [(Int, Int)] {
        var x = Int(start.x.rounded(.down)), y = Int(start.y.rounded(.down))
        let endX = Int(end.x.rounded(.down)), endY = Int(end.y.rounded(.down))
        let deltaX = abs(endX - x), deltaY = -abs(endY - y)
        let stepX = x < endX ? 1 : -1, stepY = y < endY ? 1 : -1
        var error = deltaX + deltaY
        let brush = max(thickness, 1), low = -(brush - 1) / 2
        var pixels: [(Int, Int)] = []
        while true {
            for dy in low..<low + brush { for dx in low..<low + brush { pixels.append((x + dx, y + dy)) } }
            if x == endX && y == endY { break }
            let doubled = 2 * error
            if doubled >= deltaY { error += deltaY; x += stepX }
            if doubled <= deltaX { error += deltaX; y += stepY }
        }
        return pixels
    }

    /// Sets every listed pixel inside the image to `color`; pixels outside are skipped.
    private mutating func paint(_ pixels: [(Int, Int)], color: DrawColor) {
        let values = color.samples(channels: channels, maximum: sampleType.maximumValue)
        let indices = pixels.compactMap { x, y in
            x >= 0 && y >= 0 && x < width && y < height ? (y * width + x) * channels : nil
        }
        mutateSamples(PaintPixels(indices: indices, values: values, channels: channels))
    }
}

/// Writes one colour at a list of pixel offsets.
private struct PaintPixels: SampleMutation {
    let indices: [Int], values: [Float], channels: Int

    func mutate<Sample: ImageSample>(_ samples: inout [Sample]) {
        let converted = values.map { Sample(roundingClamped: $0) }
        for index in indices {
            for channel in 0..<channels { samples[index + channel] = converted[channel] }
        }
    }
}
