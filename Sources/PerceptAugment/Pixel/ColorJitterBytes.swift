import PerceptImage

/// `ColorJitter` on 8-bit RGB(A) images in at most two passes instead of four: the steps
/// before the contrast change run row by row while the channel sums that contrast needs are
/// gathered, then contrast and the remaining steps run. Brightness and contrast are 256-entry
/// tables (neighbouring ones composed), saturation is the same Float arithmetic as the general
/// path (bit-exact), and hue turns in integers, within one level of the Float HSV round trip.
extension ColorJitter {
    /// The jittered image, or nil when the image is not 8-bit with three or four channels.
    func jitteredBytes(_ image: Image, parameters: Parameters) throws -> Image? {
        guard image.channels >= 3, case .uint8(let source) = image.samples else { return nil }
        let steps = parameters.order.compactMap { step -> ByteColourStep? in
            switch step {
            case 0: .table(byteTable { [factor = Float(parameters.brightness)] in $0 * factor })
            case 1: .contrast(Float(parameters.contrast))
            case 2: .saturation(Float(parameters.saturation))
            default: Float(parameters.hue * 360) == 0 ? nil : .hue(HueTurn(turns: parameters.hue))
            }
        }
        let contrastIndex = steps.firstIndex { if case .contrast = $0 { true } else { false } } ?? steps.count
        let channels = image.channels, pixels = image.width * image.height
        let rowLength = image.width * channels
        // Every step writes every sample of a row, so the output needs no zero fill.
        let output = [UInt8](unsafeUninitializedCapacity: source.count) { target, initialized in
            initialized = source.count
            source.withUnsafeBufferPointer { input in
                let before = ByteColourProgram(Array(steps[..<contrastIndex]))
                var current = UnsafePointer(input.baseAddress!)
                if !before.isEmpty {
                    before.run(from: current, to: target.baseAddress!, rows: image.height, rowLength: rowLength, channels: channels)
                    current = UnsafePointer(target.baseAddress!)
                }
                guard contrastIndex < steps.count, case .contrast(let factor) = steps[contrastIndex] else {
                    if before.isEmpty { target.baseAddress!.initialize(from: current, count: source.count) }
                    return
                }
                let sums = byteChannelSums(UnsafeBufferPointer(start: current, count: source.count), channels: channels)
                let mean = lumaMean(channelSums: sums.map(Double.init), pixels: pixels, maximum: 255)
                let contrast = ByteColourStep.table(byteTable { ($0 - mean) * factor + mean })
                let after = ByteColourProgram([contrast] + steps[(contrastIndex + 1)...])
                after.run(from: current, to: target.baseAddress!, rows: image.height, rowLength: rowLength, channels: channels)
            }
        }
        return try Image(width: image.width, height: image.height, channels: channels, samples: .uint8(output))
    }
}

/// One ColorJitter step on 8-bit colour channels.
enum ByteColourStep {
    /// The same table for every colour channel.
    case table([UInt8])
    /// Contrast by this factor about the mean luma (resolved to a table once the mean is known).
    case contrast(Float)
    /// Saturation scaled by this factor.
    case saturation(Float)
    /// Hue turned.
    case hue(HueTurn)
}

/// Steps run row by row (a row stays in cache between steps), with neighbouring tables
/// composed into one.
struct ByteColourProgram {
    let steps: [ByteColourStep]

    init(_ steps: [ByteColourStep]) {
        var merged: [ByteColourStep] = []
        for step in steps {
            if case .table(let second) = step, case .table(let first)? = merged.last {
                merged[merged.count - 1] = .table(first.map { second[Int($0)] })
            } else {
                merged.append(step)
            }
        }
        self.steps = merged
    }

    var isEmpty: Bool { steps.isEmpty }

    /// Runs the steps on `rows` rows of `rowLength` samples from `source` into `target` (which
    /// may be the same memory).
    func run(from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, rows: Int, rowLength: Int, channels: Int) {
        let pixels = rowLength / channels
        for row in 0..<rows {
            var from = source + row * rowLength
            let to = target + row * rowLength
            for step in steps {
                switch step {
                case .table(let table): applyTable(table, from: from, to: to, pixels: pixels, channels: channels)
                case .saturation(let factor): scaleSaturation(factor, from: from, to: to, pixels: pixels, channels: channels)
                case .hue(let turn): turn.apply(from: from, to: to, pixels: pixels, channels: channels)
                case .contrast: break
                }
                from = UnsafePointer(to)
            }
        }
    }

    private func applyTable(_ table: [UInt8], from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, pixels: Int, channels: Int) {
        table.withUnsafeBufferPointer { table in
            if channels == 3 {
                for index in 0..<pixels * 3 { to[index] = table[Int(from[index])] }
                return
            }
            for pixel in 0..<pixels {
                let at = pixel * channels
                to[at] = table[Int(from[at])]
                to[at + 1] = table[Int(from[at + 1])]
                to[at + 2] = table[Int(from[at + 2])]
                to[at + 3] = from[at + 3]
            }
        }
    }

    /// The arithmetic of `ColourMap(SaturationScale)`, operation for operation, so the result
    /// is identical.
    private func scaleSaturation(_ factor: Float, from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, pixels: Int, channels: Int) {
        let scale: Float = 1 / 255
        for pixel in 0..<pixels {
            let at = pixel * channels
            let red = Float(from[at]) * scale, green = Float(from[at + 1]) * scale, blue = Float(from[at + 2]) * scale
            let gray = luma(red, green, blue)
            to[at] = UInt8(roundingClamped: (gray + (red - gray) * factor) * 255)
            to[at + 1] = UInt8(roundingClamped: (gray + (green - gray) * factor) * 255)
            to[at + 2] = UInt8(roundingClamped: (gray + (blue - gray) * factor) * 255)
            if channels == 4 { to[at + 3] = from[at + 3] }
        }
    }
}

/// A hue rotation of 8-bit RGB in integers. Turning hue keeps each pixel's largest and
/// smallest channel values; only which channel holds them and the middle value change. Hue is
/// held in sixths of a turn with 24 fraction bits (the error stays below 0.01 of a level).
struct HueTurn {
    private static let fractionBits = 24, sector = 1 << 24, turn = 6 << 24
    /// `sector / chroma`, rounded, for chroma 1...255.
    private static let reciprocals: [Int] = (0..<256).map { $0 == 0 ? 0 : (sector + $0 / 2) / $0 }
    /// For each sector of the turned hue, the channels of the largest, middle and smallest
    /// value, two bits each, eight bits per sector.
    private static let placements: Int = [(0, 1, 2), (1, 0, 2), (1, 2, 0), (2, 1, 0), (2, 0, 1), (0, 2, 1)].enumerated()
        .reduce(0) { $0 | (($1.element.0 | $1.element.1 << 2 | $1.element.2 << 4) << ($1.offset * 8)) }
    private let shift: Int

    /// A turn by `turns` (−0.5...0.5) of the hue circle.
    init(turns: Double) {
        var shift = Int((turns * Double(Self.turn)).rounded()) % Self.turn
        if shift < 0 { shift += Self.turn }
        self.shift = shift
    }

    func apply(from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, pixels: Int, channels: Int) {
        let placements = Self.placements
        Self.reciprocals.withUnsafeBufferPointer { reciprocals in
            for pixel in 0..<pixels {
                let at = pixel &* channels
                let red = Int(from[at]), green = Int(from[at + 1]), blue = Int(from[at + 2])
                let largest = max(max(red, green), blue), smallest = min(min(red, green), blue), chroma = largest &- smallest
                let middle = red &+ green &+ blue &- largest &- smallest
                // The hue's sector as the Float path finds it: red wins ties, then green.
                let sector = red == largest ? (green >= blue ? 0 : 5) : green == largest ? (blue >= red ? 2 : 1) : (red >= green ? 4 : 3)
                let along = (middle &- smallest) &* reciprocals[chroma]
                var hue = (sector & 1 == 0 ? sector &* Self.sector &+ along : (sector &+ 1) &* Self.sector &- along) &+ shift
                if hue >= Self.turn { hue &-= Self.turn }
                let turned = hue >> Self.fractionBits, fraction = hue & (Self.sector - 1)
                let rise = turned & 1 == 0 ? fraction : Self.sector &- fraction
                let newMiddle = smallest &+ (chroma &* rise &+ Self.sector / 2) >> Self.fractionBits
                let places = placements >> (turned &* 8)
                let output = to + at
                if channels == 4 { output[3] = from[at + 3] }
                output[places & 3] = UInt8(truncatingIfNeeded: largest)
                output[(places >> 2) & 3] = UInt8(truncatingIfNeeded: newMiddle)
                output[(places >> 4) & 3] = UInt8(truncatingIfNeeded: smallest)
            }
        }
    }
}
