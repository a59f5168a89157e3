extension Image {
    /// Luma from RGB with ITU-R BT.601 weights (0.299, 0.587, 0.114, as OpenCV and Pillow);
    /// alpha is kept. A gray image is returned unchanged.
    public func grayscale() -> Image {
        guard channels >= 3 else { return self }
        return applying(ChannelMix(channels: channels, pixels: width * height, outputChannels: channels == 4 ? 2 : 1) { pixel, out in
            out[0] = 0.299 * pixel[0] + 0.587 * pixel[1] + 0.114 * pixel[2]
            if pixel.count == 4 { out[1] = pixel[3] }
        }, width: width, height: height, channels: channels == 4 ? 2 : 1)
    }

    /// Gray copied into red, green and blue; alpha is kept. An RGB(A) image is unchanged.
    public func rgb() -> Image {
        guard channels <= 2 else { return self }
        return applying(ChannelMix(channels: channels, pixels: width * height, outputChannels: channels + 2) { pixel, out in
            out[0] = pixel[0]
            out[1] = pixel[0]
            out[2] = pixel[0]
            if pixel.count == 2 { out[3] = pixel[1] }
        }, width: width, height: height, channels: channels + 2)
    }

    /// The image without its alpha channel (unchanged when it has none).
    public func removingAlpha() -> Image {
        guard hasAlpha else { return self }
        return applying(ChannelMix(channels: channels, pixels: width * height, outputChannels: channels - 1) { pixel, out in
            for channel in 0..<out.count { out[channel] = pixel[channel] }
        }, width: width, height: height, channels: channels - 1)
    }

    /// Hue, saturation and value of an RGB(A) image as a 3-channel Float32 image: hue in
    /// degrees `0..<360`, saturation and value in `0...1`. Alpha is dropped.
    public func hsv() throws -> Image {
        guard channels >= 3 else {
            throw ImageError.invalidArgument("HSV needs an RGB or RGBA image, found \(channels) channel(s)")
        }
        let scale = Float(1 / sampleType.maximumValue)
        let rgb = removingAlpha().converted(to: .float32, scale: scale)
        return rgb.applying(ChannelMix(channels: 3, pixels: width * height, outputChannels: 3) { pixel, out in
            let red = pixel[0], green = pixel[1], blue = pixel[2]
            let maximum = max(red, green, blue), minimum = min(red, green, blue), range = maximum - minimum
            var hue: Float = 0
            if range > 0 {
                if maximum == red {
                    hue = 60 * ((green - blue) / range)
                } else if maximum == green {
                    hue = 60 * ((blue - red) / range + 2)
                } else {
                    hue = 60 * ((red - green) / range + 4)
                }
                if hue < 0 { hue += 360 }
            }
            out[0] = hue
            out[1] = maximum > 0 ? range / maximum : 0
            out[2] = maximum
        }, width: width, height: height)
    }

    /// An RGB image of `sampleType` from a Float32 HSV image as `hsv()` makes.
    public static func fromHSV(_ hsv: Image, sampleType: SampleType = .uint8) throws -> Image {
        guard hsv.channels == 3, hsv.sampleType == .float32 else {
            throw ImageError.invalidArgument("expected a 3-channel Float32 HSV image, found \(hsv.channels) channel(s) of \(hsv.sampleType.rawValue)")
        }
        let rgb = hsv.applying(ChannelMix(channels: 3, pixels: hsv.width * hsv.height, outputChannels: 3) { pixel, out in
            let (red, green, blue) = rgbFromHSV(hue: pixel[0], saturation: pixel[1], value: pixel[2])
            out[0] = red
            out[1] = green
            out[2] = blue
        }, width: hsv.width, height: hsv.height)
        return rgb.converted(to: sampleType, scale: Float(sampleType.maximumValue))
    }

    /// The samples converted to `type`, rescaled so full intensity stays full intensity
    /// (255 ↔ 65535 ↔ 1.0); integer results are rounded and clamped.
    public func converted(to type: SampleType) -> Image {
        converted(to: type, scale: Float(type.maximumValue / sampleType.maximumValue))
    }

    /// The samples multiplied by `scale` and stored as `type`.
    func converted(to type: SampleType, scale: Float) -> Image {
        if type == sampleType && scale == 1 { return self }
        let floats: [Float] = switch samples {
        case .uint8(let values): values.map { Float($0) * scale }
        case .uint16(let values): values.map { Float($0) * scale }
        case .float32(let values): values.map { $0 * scale }
        }
        let converted: ImageSamples = switch type {
        case .uint8: .uint8(floats.map { UInt8(roundingClamped: $0) })
        case .uint16: .uint16(floats.map { UInt16(roundingClamped: $0) })
        case .float32: .float32(floats)
        }
        return Image(uncheckedWidth: width, height: height, channels: channels, samples: converted)
    }
}

/// Red, green and blue in `0...1` for a hue in degrees and saturation and value in `0...1`.
func rgbFromHSV(hue degrees: Float, saturation: Float, value: Float) -> (Float, Float, Float) {
    let hue = (degrees.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360) / 60
    let chroma = value * saturation
    let second = chroma * (1 - abs(hue.truncatingRemainder(dividingBy: 2) - 1))
    let offset = value - chroma
    let (red, green, blue): (Float, Float, Float) = switch Int(hue) {
    case 0: (chroma, second, 0)
    case 1: (second, chroma, 0)
    case 2: (0, chroma, second)
    case 3: (0, second, chroma)
    case 4: (second, 0, chroma)
    default: (chroma, 0, second)
    }
    return (red + offset, green + offset, blue + offset)
}

/// Maps each pixel's channels (as Floats) to a new set of channels.
private struct ChannelMix: SampleKernel {
    let channels: Int, pixels: Int, outputChannels: Int
    let mix: (_ pixel: [Float], _ output: inout [Float]) -> Void

    init(channels: Int, pixels: Int, outputChannels: Int, _ mix: @escaping ([Float], inout [Float]) -> Void) {
        self.channels = channels
        self.pixels = pixels
        self.outputChannels = outputChannels
        self.mix = mix
    }

    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample] {
        var pixel = [Float](repeating: 0, count: channels), mixed = [Float](repeating: 0, count: outputChannels)
        return [Sample](unsafeUninitializedCapacity: pixels * outputChannels) { output, initialized in
            input.withUnsafeBufferPointer { source in
                for index in 0..<pixels {
                    for channel in 0..<channels { pixel[channel] = source[index * channels + channel].floatValue }
                    mix(pixel, &mixed)
                    for channel in 0..<outputChannels {
                        output.initializeElement(at: index * outputChannels + channel, to: Sample(roundingClamped: mixed[channel]))
                    }
                }
            }
            initialized = pixels * outputChannels
        }
    }
}
