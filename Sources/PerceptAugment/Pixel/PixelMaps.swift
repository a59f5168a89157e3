import CPixelKernels
import PerceptImage

/// A curve per colour channel applied to every sample (alpha untouched); 8-bit images go
/// through a 256-entry table. Values are normalised to `0...1` for the curve.
struct ChannelCurves: SampleEdit {
    /// One curve per colour channel, or one for all.
    let curves: [(Float) -> Float]

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        let colour = channels == 2 || channels == 4 ? channels - 1 : channels
        let perChannel = (0..<colour).map { curves[min($0, curves.count - 1)] }
        if Value.self == UInt8.self {
            let tables = perChannel.map(byteTable)
            samples.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: UInt8.self) { bytes in
                    if curves.count == 1, let base = bytes.baseAddress {
                        // One curve for every colour sample: one pass, alpha copied.
                        pk_table_u8(base, base, bytes.count / channels, channels, tables[0])
                        return
                    }
                    for channel in 0..<colour {
                        tables[channel].withUnsafeBufferPointer { table in
                            for index in stride(from: channel, to: bytes.count, by: channels) { bytes[index] = table[Int(bytes[index])] }
                        }
                    }
                }
            }
            return
        }
        for channel in 0..<colour {
            let curve = perChannel[channel]
            for index in stride(from: channel, to: samples.count, by: channels) {
                samples[index] = Value(roundingClamped: curve(samples[index].floatValue / maximum) * maximum)
            }
        }
    }
}

extension Image {
    /// The image after `curves` (one per colour channel, or one for all; see ``ChannelCurves``).
    /// One curve over 8-bit samples is one table pass from these bytes into new ones, so the
    /// samples are not first copied to be edited in place.
    func applyingCurves(_ curves: [(Float) -> Float]) throws -> Image {
        guard curves.count == 1, case .uint8(let bytes) = samples else { return try editing(ChannelCurves(curves: curves)) }
        let table = byteTable(curves[0])
        let mapped = [UInt8](unsafeUninitializedCapacity: bytes.count) { target, initialized in
            bytes.withUnsafeBufferPointer { source in
                if let from = source.baseAddress, let to = target.baseAddress { pk_table_u8(from, to, bytes.count / channels, channels, table) }
            }
            initialized = bytes.count
        }
        return try Image(width: width, height: height, channels: channels, samples: .uint8(mapped))
    }
}

/// The 256-entry table of `curve` (on values normalised to `0...1`) for 8-bit samples.
func byteTable(_ curve: (Float) -> Float) -> [UInt8] {
    (0..<256).map { UInt8(roundingClamped: curve(Float($0) / 255) * 255) }
}

/// A change of one pixel's red, green and blue, normalised to `0...1`.
protocol ColourFunction {
    mutating func apply(_ red: inout Float, _ green: inout Float, _ blue: inout Float)
}

/// A `ColourFunction` applied to every pixel of an RGB(A) image; gray images are left alone.
/// Generic rather than a closure so the per-pixel call is specialised and inlined.
struct ColourMap<Function: ColourFunction>: SampleEdit {
    let function: Function

    func edit<Value: ImageSample>(_ samples: inout [Value], width: Int, height: Int, channels: Int, maximum: Float) {
        guard channels >= 3 else { return }
        let scale = 1 / maximum
        var function = function
        samples.withUnsafeMutableBufferPointer { buffer in
            for pixel in stride(from: 0, to: buffer.count, by: channels) {
                var red = buffer[pixel].floatValue * scale, green = buffer[pixel + 1].floatValue * scale
                var blue = buffer[pixel + 2].floatValue * scale
                function.apply(&red, &green, &blue)
                buffer[pixel] = Value(roundingClamped: red * maximum)
                buffer[pixel + 1] = Value(roundingClamped: green * maximum)
                buffer[pixel + 2] = Value(roundingClamped: blue * maximum)
            }
        }
    }
}

/// Moves each colour towards (factor < 1) or away from (factor > 1) its luma.
struct SaturationScale: ColourFunction {
    let factor: Float

    @inline(__always)
    func apply(_ red: inout Float, _ green: inout Float, _ blue: inout Float) {
        let gray = luma(red, green, blue)
        red = gray + (red - gray) * factor
        green = gray + (green - gray) * factor
        blue = gray + (blue - gray) * factor
    }
}

/// Luma in all three channels.
struct GrayColour: ColourFunction {
    @inline(__always)
    func apply(_ red: inout Float, _ green: inout Float, _ blue: inout Float) {
        let gray = luma(red, green, blue)
        (red, green, blue) = (gray, gray, gray)
    }
}

/// A fixed HSV change (see `adjustHSV`).
struct HSVShift: ColourFunction {
    var degrees: Float
    var saturationShift: Float = 0
    var valueShift: Float = 0
    var gains = HSVGains()

    @inline(__always)
    func apply(_ red: inout Float, _ green: inout Float, _ blue: inout Float) {
        adjustHSV(&red, &green, &blue, degrees: degrees, saturationShift: saturationShift, valueShift: valueShift, gains: gains)
    }
}

/// Factors on hue, saturation and value applied before the shifts (Ultralytics' `RandomHSV`
/// multiplies all three); 1 leaves a channel alone.
struct HSVGains: Equatable {
    var hue: Float = 1
    var saturation: Float = 1
    var value: Float = 1
}

/// Luma with BT.601 weights, as `Image.grayscale`.
@inline(__always)
func luma(_ red: Float, _ green: Float, _ blue: Float) -> Float { 0.299 * red + 0.587 * green + 0.114 * blue }

/// Hue rotated by `degrees`, saturation shifted by `saturationShift` and value by
/// `valueShift`, all in HSV with channels in `0...1`, after each is multiplied by its gain.
@inline(__always)
func adjustHSV(_ red: inout Float, _ green: inout Float, _ blue: inout Float, degrees: Float,
               saturationShift: Float = 0, valueShift: Float = 0, gains: HSVGains = HSVGains()) {
    let maximum = max(red, green, blue), minimum = min(red, green, blue), range = maximum - minimum
    var hue: Float = 0
    if range > 0 {
        if maximum == red {
            hue = (green - blue) / range
        } else if maximum == green {
            hue = (blue - red) / range + 2
        } else {
            hue = (red - green) / range + 4
        }
    }
    // Wrap into 0..<360 without libm: hue is within one turn of that range.
    hue = hue * 60 * gains.hue + degrees
    if hue < 0 { hue += 360 }
    if hue >= 360 { hue -= 360 }
    let saturation = min(max((maximum > 0 ? range / maximum : 0) * gains.saturation + saturationShift, 0), 1)
    let value = min(max(maximum * gains.value + valueShift, 0), 1)
    let sector = hue / 60, chroma = value * saturation
    let whole = min(Int(sector), 5)
    let second = chroma * (1 - abs(sector - Float(whole & ~1) - 1)), offset = value - chroma
    switch whole {
    case 0: (red, green, blue) = (chroma, second, 0)
    case 1: (red, green, blue) = (second, chroma, 0)
    case 2: (red, green, blue) = (0, chroma, second)
    case 3: (red, green, blue) = (0, second, chroma)
    case 4: (red, green, blue) = (second, 0, chroma)
    default: (red, green, blue) = (chroma, 0, second)
    }
    red += offset
    green += offset
    blue += offset
}

extension Image {
    /// The mean luma (or gray level) normalised to `0...1`, from the channel means (luma is
    /// linear, so this is the mean of the per-pixel luma).
    func meanLuma() -> Float {
        lumaMean(channelSums: channelSums(), pixels: width * height, maximum: sampleType.maximumValue)
    }

    /// The sum of each channel's samples (of RGBA 8-bit images, the colour channels only).
    func channelSums() -> [Double] {
        func sums<Value: ImageSample>(_ values: [Value]) -> [Double] {
            var totals = [Double](repeating: 0, count: channels)
            for channel in 0..<channels {
                for index in stride(from: channel, to: values.count, by: channels) { totals[channel] += Double(values[index].floatValue) }
            }
            return totals
        }
        return switch samples {
        case .uint8(let values): values.withUnsafeBufferPointer { byteChannelSums($0, channels: channels).map(Double.init) }
        case .uint16(let values): sums(values)
        case .float32(let values): sums(values)
        }
    }
}

/// The mean luma normalised to `0...1` from the sums of each channel over `pixels` pixels
/// (gray images: the first channel's mean).
func lumaMean(channelSums sums: [Double], pixels: Int, maximum: Double) -> Float {
    let total = sums.count >= 3 ? 0.299 * sums[0] + 0.587 * sums[1] + 0.114 * sums[2] : sums[0]
    return Float(total / Double(max(1, pixels)) / maximum)
}

/// The exact sum of each channel of interleaved 8-bit samples (of RGBA, the three colour
/// channels only).
func byteChannelSums(_ values: UnsafeBufferPointer<UInt8>, channels: Int) -> [Int] {
    if channels == 3 || channels == 4, let base = values.baseAddress {
        var sums = [UInt64](repeating: 0, count: 3)
        sums.withUnsafeMutableBufferPointer { pk_channel_sums_u8(base, values.count / channels, channels, $0.baseAddress) }
        return sums.map { Int($0) }
    }
    return (0..<channels).map { channel in
        var total = 0
        for index in stride(from: channel, to: values.count, by: channels) { total &+= Int(values[index]) }
        return total
    }
}
