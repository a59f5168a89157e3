import Foundation
import PerceptImage

/// Smooth random displacement (Albumentations `ElasticTransform`): uniform noise in
/// `-1...1` blurred by a Gaussian of `sigma` pixels and scaled by `alpha` pixels.
public struct ElasticTransform: FieldTransform {
    /// The field's strength and smoothness plus the seed of its noise.
    public struct Parameters: TransformParameters, Equatable {
        /// Displacement scale in pixels.
        public var alpha: Double
        /// Smoothing in pixels.
        public var sigma: Double
        /// Seed of the noise the field is made from.
        public var fieldSeed: UInt64
    }

    public let name = "ElasticTransform"
    /// The chance of distorting.
    public var probability: Double
    /// Displacement scale in pixels.
    public var alpha: Double
    /// Smoothing in pixels.
    public var sigma: Double
    /// Image sampling.
    public var interpolation: Interpolation
    /// What fills the outside.
    public var border: BorderMode

    /// An elastic distortion.
    public init(alpha: Double = 1, sigma: Double = 50, interpolation: Interpolation = .bilinear, border: BorderMode = .zero,
                probability: Double = 0.5) throws {
        guard alpha >= 0, sigma > 0 else {
            throw AugmentError.invalidArgument(transform: "ElasticTransform", message: "alpha must be >= 0 and sigma > 0, found \(alpha) and \(sigma)")
        }
        self.alpha = alpha
        self.sigma = sigma
        self.interpolation = interpolation
        self.border = border
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(alpha: alpha, sigma: sigma, fieldSeed: random.next())
    }

    public func field(_ parameters: Parameters, size: ImageSize) -> DisplacementField {
        // The noise is blurred on a grid a quarter-sigma apart and interpolated up: the
        // result is smooth at that scale anyway, and a full-size blur of sigma 50 is slow.
        let step = max(1, Int(parameters.sigma / 4))
        let gridWidth = size.width / step + 2, gridHeight = size.height / step + 2
        var random = AugmentRandom(seed: parameters.fieldSeed)
        let noiseX = (0..<gridWidth * gridHeight).map { _ in random.uniform(-1...1) }
        let noiseY = (0..<gridWidth * gridHeight).map { _ in random.uniform(-1...1) }
        let smoothX = gaussianBlur(noiseX, width: gridWidth, height: gridHeight, sigma: parameters.sigma / Double(step))
        let smoothY = gaussianBlur(noiseY, width: gridWidth, height: gridHeight, sigma: parameters.sigma / Double(step))
        var sourceX = [Float](repeating: 0, count: size.width * size.height), sourceY = sourceX
        for y in 0..<size.height {
            let gridY = Double(y) / Double(step), row = min(Int(gridY), gridHeight - 2), fractionY = gridY - Double(row)
            for x in 0..<size.width {
                let gridX = Double(x) / Double(step), column = min(Int(gridX), gridWidth - 2), fractionX = gridX - Double(column)
                func sample(_ grid: [Double]) -> Double {
                    let top = grid[row * gridWidth + column] * (1 - fractionX) + grid[row * gridWidth + column + 1] * fractionX
                    let bottom = grid[(row + 1) * gridWidth + column] * (1 - fractionX) + grid[(row + 1) * gridWidth + column + 1] * fractionX
                    return top * (1 - fractionY) + bottom * fractionY
                }
                sourceX[y * size.width + x] = Float(Double(x) + parameters.alpha * sample(smoothX))
                sourceY[y * size.width + x] = Float(Double(y) + parameters.alpha * sample(smoothY))
            }
        }
        return DisplacementField(width: size.width, height: size.height, sourceX: sourceX, sourceY: sourceY)
    }
}

/// A separable Gaussian blur of a grid of values with replicated edges, truncated at 3 sigma.
func gaussianBlur(_ values: [Double], width: Int, height: Int, sigma: Double) -> [Double] {
    let radius = max(1, Int((3 * sigma).rounded(.up)))
    var weights = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
    let total = weights.reduce(0, +)
    weights = weights.map { $0 / total }
    var rows = [Double](repeating: 0, count: values.count), result = rows
    for y in 0..<height {
        for x in 0..<width {
            var sum = 0.0
            for offset in -radius...radius { sum += weights[offset + radius] * values[y * width + min(max(x + offset, 0), width - 1)] }
            rows[y * width + x] = sum
        }
    }
    for y in 0..<height {
        for x in 0..<width {
            var sum = 0.0
            for offset in -radius...radius { sum += weights[offset + radius] * rows[min(max(y + offset, 0), height - 1) * width + x] }
            result[y * width + x] = sum
        }
    }
    return result
}

/// Stretches and squeezes the cells of a grid (Albumentations `GridDistortion`): each of
/// `steps` columns and rows gets a length factor `1 + U(-limit, limit)`.
public struct GridDistortion: FieldTransform {
    /// The drawn length factor of each grid column and row.
    public struct Parameters: TransformParameters, Equatable {
        /// Column factors.
        public var columnSteps: [Double]
        /// Row factors.
        public var rowSteps: [Double]
    }

    public let name = "GridDistortion"
    /// The chance of distorting.
    public var probability: Double
    /// Grid cells per side.
    public var steps: Int
    /// Range of the length change of a cell.
    public var distortLimit: ClosedRange<Double>
    /// Image sampling.
    public var interpolation: Interpolation
    /// What fills the outside.
    public var border: BorderMode

    /// A grid distortion.
    public init(steps: Int = 5, distortLimit: ClosedRange<Double> = -0.3...0.3, interpolation: Interpolation = .bilinear,
                border: BorderMode = .zero, probability: Double = 0.5) throws {
        guard steps >= 1, distortLimit.lowerBound > -1 else {
            throw AugmentError.invalidArgument(transform: "GridDistortion",
                                               message: "num_steps must be >= 1 and distort_limit > -1, found \(steps) and \(distortLimit)")
        }
        self.steps = steps
        self.distortLimit = distortLimit
        self.interpolation = interpolation
        self.border = border
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> Parameters {
        Parameters(columnSteps: (0...steps).map { _ in 1 + random.uniform(distortLimit) },
                   rowSteps: (0...steps).map { _ in 1 + random.uniform(distortLimit) })
    }

    public func field(_ parameters: Parameters, size: ImageSize) -> DisplacementField {
        let columns = Self.positions(length: size.width, factors: parameters.columnSteps)
        let rows = Self.positions(length: size.height, factors: parameters.rowSteps)
        var sourceX = [Float](repeating: 0, count: size.width * size.height), sourceY = sourceX
        for y in 0..<size.height {
            for x in 0..<size.width {
                sourceX[y * size.width + x] = columns[x]
                sourceY[y * size.width + x] = rows[y]
            }
        }
        return DisplacementField(width: size.width, height: size.height, sourceX: sourceX, sourceY: sourceY)
    }

    /// The source position of each output position along an axis: cell `i` of the output
    /// covers `step` pixels and reads `step * factors[i]` source pixels.
    static func positions(length: Int, factors: [Double]) -> [Float] {
        let cells = max(1, factors.count - 1)
        let step = max(1, length / cells)
        var positions = [Float](repeating: 0, count: length)
        var previous = 0.0, start = 0, cell = 0
        while start < length {
            let end = min(start + step, length)
            let factor = factors[min(cell, factors.count - 1)]
            for position in start..<end { positions[position] = Float(previous + Double(position - start) * factor) }
            previous += Double(step) * factor
            start = end
            cell += 1
        }
        return positions
    }
}
