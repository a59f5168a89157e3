import CPixelKernels
import PerceptImage

/// `ColorJitter` on 8-bit RGB(A) images in at most two passes instead of four: the steps
/// before the contrast change run row by row, each finished row adding to the channel sums
/// that contrast needs while it is still in cache, then contrast and the remaining steps run.
/// Brightness and contrast are 256-entry tables (neighbouring ones composed), saturation is the
/// same Float arithmetic as the general path (bit-exact), and hue turns in integers, within one
/// level of the Float HSV round trip.
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
                let contrastFactor: Float? = if contrastIndex < steps.count, case .contrast(let factor) = steps[contrastIndex] { factor } else { nil }
                var current = UnsafePointer(input.baseAddress!)
                var sums: [UInt64]?
                if !before.isEmpty {
                    sums = before.run(from: current, to: target.baseAddress!, rows: image.height, rowLength: rowLength, channels: channels,
                                      summing: contrastFactor != nil)
                    current = UnsafePointer(target.baseAddress!)
                }
                guard let factor = contrastFactor else {
                    if before.isEmpty { target.baseAddress!.initialize(from: current, count: source.count) }
                    return
                }
                // Closures, not `Double.init`: an unapplied `Double.init` on UInt64 picks `init(bitPattern:)`.
                let channelSums = sums?.map { Double($0) }
                    ?? byteChannelSums(UnsafeBufferPointer(start: current, count: source.count), channels: channels).map { Double($0) }
                let mean = lumaMean(channelSums: channelSums, pixels: pixels, maximum: 255)
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
    /// may be the same memory). With `summing`, returns the sums of the first three channels of
    /// the output (each row summed as it is finished; `channels` must be 3 or 4).
    @discardableResult
    func run(from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, rows: Int, rowLength: Int, channels: Int,
             summing: Bool = false) -> [UInt64]? {
        let pixels = rowLength / channels
        var sums = [UInt64](repeating: 0, count: 3), rowSums = sums
        for row in 0..<rows {
            var from = source + row * rowLength
            let to = target + row * rowLength
            for step in steps {
                switch step {
                case .table(let table): pk_table_u8(from, to, pixels, channels, table)
                case .saturation(let factor):
                    // The arithmetic of `ColourMap(SaturationScale)`, operation for operation.
                    pk_saturation_u8(from, to, pixels, channels, factor)
                case .hue(let turn): pk_hue_turn_u8(from, to, pixels, channels, turn.shift)
                case .contrast: break
                }
                from = UnsafePointer(to)
            }
            if summing {
                rowSums.withUnsafeMutableBufferPointer { pk_channel_sums_u8(to, pixels, channels, $0.baseAddress) }
                for channel in 0..<3 { sums[channel] += rowSums[channel] }
            }
        }
        return summing ? sums : nil
    }
}

/// A hue rotation of 8-bit RGB in integers (`pk_hue_turn_u8`). Turning hue keeps each
/// pixel's largest and smallest channel values; only which channel holds them and the middle
/// value change. Hue is held in sixths of a turn with 24 fraction bits (the error stays below
/// 0.01 of a level).
struct HueTurn {
    private static let turn = 6 << 24
    /// The turn in sixths with 24 fraction bits, `0..<6·2²⁴`.
    let shift: Int32

    /// A turn by `turns` (−0.5...0.5) of the hue circle.
    init(turns: Double) {
        var shift = Int((turns * Double(Self.turn)).rounded()) % Self.turn
        if shift < 0 { shift += Self.turn }
        self.shift = Int32(shift)
    }
}
