import PerceptImage

/// Histogram equalisation of each colour channel of an 8-bit image (Albumentations
/// `Equalize`, `by_channels`); other sample types are equalised at 8 bits.
public struct Equalize: PixelTransform {
    public let name = "Equalize"
    /// The chance of equalising.
    public var probability: Double

    /// An equalisation.
    public init(probability: Double = 0.5) { self.probability = probability }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> NoParameters { NoParameters() }

    public func image(_ image: Image, parameters: NoParameters) throws -> Image {
        let bytes = image.converted(to: .uint8)
        guard case .uint8(var values) = bytes.samples else { return image }
        let channels = image.channels, colour = image.colourChannels
        for channel in 0..<colour {
            var histogram = [Int](repeating: 0, count: 256)
            for index in stride(from: channel, to: values.count, by: channels) { histogram[Int(values[index])] += 1 }
            let table = equalizingTable(histogram)
            for index in stride(from: channel, to: values.count, by: channels) { values[index] = table[Int(values[index])] }
        }
        return try Image(width: image.width, height: image.height, channels: channels, samples: .uint8(values)).converted(to: image.sampleType)
    }
}

/// The table that spreads a histogram's cumulative counts evenly over 0–255 (OpenCV's rule:
/// the first occupied level maps to 0).
func equalizingTable(_ histogram: [Int]) -> [UInt8] {
    let total = histogram.reduce(0, +)
    guard let first = histogram.firstIndex(where: { $0 > 0 }), total > histogram[first] else {
        return (0..<256).map { UInt8($0) }
    }
    let scale = 255 / Double(total - histogram[first])
    var running = 0
    return histogram.indices.map { level in
        if level > first { running += histogram[level] }
        return UInt8(min(255, max(0, (Double(running) * scale).rounded())))
    }
}

/// Contrast-limited adaptive histogram equalisation of the luma (Albumentations `CLAHE`,
/// which works on LAB lightness; here the luma change is added to each colour channel).
public struct CLAHE: PixelTransform {
    /// The drawn clip limit.
    public struct Parameters: TransformParameters, Equatable {
        /// Clip limit, a multiple of the mean bin count.
        public var clipLimit: Double
    }

    public let name = "CLAHE"
    /// The chance of running.
    public var probability: Double
    /// Clip limit range.
    public var clipLimit: ClosedRange<Double>
    /// Tiles across and down.
    public var tiles: (columns: Int, rows: Int)

    /// A CLAHE.
    public init(clipLimit: ClosedRange<Double> = 1...4, tiles: (columns: Int, rows: Int) = (8, 8), probability: Double = 0.5) throws {
        guard clipLimit.lowerBound >= 1, tiles.columns >= 1, tiles.rows >= 1 else {
            throw AugmentError.invalidArgument(transform: "CLAHE", message: "clip_limit must be >= 1 and tile_grid_size >= 1")
        }
        self.clipLimit = clipLimit
        self.tiles = tiles
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(clipLimit: random.uniform(clipLimit))
    }

    public func image(_ image: Image, parameters: Parameters) throws -> Image {
        let bytes = image.converted(to: .uint8)
        guard case .uint8(var values) = bytes.samples else { return image }
        let width = image.width, height = image.height, channels = image.channels
        let lumaValues = (0..<width * height).map { pixel -> UInt8 in
            let base = pixel * channels
            return channels >= 3 ? UInt8(luma(Float(values[base]), Float(values[base + 1]), Float(values[base + 2])).rounded()) : values[base]
        }
        let tileWidth = max(1, (width + tiles.columns - 1) / tiles.columns), tileHeight = max(1, (height + tiles.rows - 1) / tiles.rows)
        let columns = (width + tileWidth - 1) / tileWidth, rows = (height + tileHeight - 1) / tileHeight
        var tables: [[UInt8]] = []
        for row in 0..<rows {
            for column in 0..<columns {
                var histogram = [Int](repeating: 0, count: 256), count = 0
                for y in row * tileHeight..<min(height, (row + 1) * tileHeight) {
                    for x in column * tileWidth..<min(width, (column + 1) * tileWidth) {
                        histogram[Int(lumaValues[y * width + x])] += 1
                        count += 1
                    }
                }
                tables.append(clippedTable(histogram, count: count, clipLimit: parameters.clipLimit))
            }
        }
        for y in 0..<height {
            let gridY = (Double(y) + 0.5) / Double(tileHeight) - 0.5
            let row0 = min(max(Int(gridY.rounded(.down)), 0), rows - 1), row1 = min(row0 + 1, rows - 1)
            let fractionY = min(max(gridY - Double(row0), 0), 1)
            for x in 0..<width {
                let gridX = (Double(x) + 0.5) / Double(tileWidth) - 0.5
                let column0 = min(max(Int(gridX.rounded(.down)), 0), columns - 1), column1 = min(column0 + 1, columns - 1)
                let fractionX = min(max(gridX - Double(column0), 0), 1)
                let level = Int(lumaValues[y * width + x])
                func mapped(_ row: Int, _ column: Int) -> Double { Double(tables[row * columns + column][level]) }
                let top = mapped(row0, column0) * (1 - fractionX) + mapped(row0, column1) * fractionX
                let bottom = mapped(row1, column0) * (1 - fractionX) + mapped(row1, column1) * fractionX
                let change = top * (1 - fractionY) + bottom * fractionY - Double(level)
                for channel in 0..<image.colourChannels {
                    let index = (y * width + x) * channels + channel
                    values[index] = UInt8(min(255, max(0, (Double(values[index]) + change).rounded())))
                }
            }
        }
        return try Image(width: width, height: height, channels: channels, samples: .uint8(values)).converted(to: image.sampleType)
    }

    /// An equalising table after clipping the histogram at `clipLimit` times the mean bin and
    /// spreading the excess evenly.
    private func clippedTable(_ histogram: [Int], count: Int, clipLimit: Double) -> [UInt8] {
        let limit = max(1, Int(clipLimit * Double(count) / 256))
        var clipped = histogram.map { min($0, limit) }
        let excess = histogram.reduce(0, +) - clipped.reduce(0, +)
        for level in clipped.indices { clipped[level] += excess / 256 + (level < excess % 256 ? 1 : 0) }
        var running = 0
        let scale = 255 / Double(max(1, count))
        return clipped.map { bin in
            running += bin
            return UInt8(min(255, (Double(running) * scale).rounded()))
        }
    }
}
