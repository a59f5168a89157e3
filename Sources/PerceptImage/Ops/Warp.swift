import Foundation

/// A 3×3 projective transform of the plane (row-major), mapping source points to output
/// points. Affine transforms are the ones whose last row is `0 0 1`. The same value moves
/// an image (`Image.warped`) and its boxes, polygons and keypoints (`apply`).
public struct ProjectiveTransform: Equatable, Sendable {
    /// The nine entries, row-major.
    public var matrix: [Double]

    /// A transform from nine row-major entries (or six, for an affine 2×3 matrix).
    public init(_ entries: [Double]) throws {
        switch entries.count {
        case 9: matrix = entries
        case 6: matrix = entries + [0, 0, 1]
        default: throw ImageError.invalidArgument("a transform needs 6 (affine) or 9 (projective) numbers, found \(entries.count)")
        }
    }

    private init(unchecked entries: [Double]) { matrix = entries }

    /// The identity.
    public static let identity = ProjectiveTransform(unchecked: [1, 0, 0, 0, 1, 0, 0, 0, 1])

    /// A shift by `x, y`.
    public static func translation(x: Double, y: Double) -> ProjectiveTransform {
        ProjectiveTransform(unchecked: [1, 0, x, 0, 1, y, 0, 0, 1])
    }

    /// A scaling about the origin.
    public static func scale(x: Double, y: Double) -> ProjectiveTransform {
        ProjectiveTransform(unchecked: [x, 0, 0, 0, y, 0, 0, 0, 1])
    }

    /// A rotation by `degrees` (counter-clockwise as seen on screen, as OpenCV) about `center`.
    public static func rotation(degrees: Double, center: Point) -> ProjectiveTransform {
        let radians = degrees * .pi / 180, cosine = cos(radians), sine = sin(radians)
        let rotate = ProjectiveTransform(unchecked: [cosine, sine, 0, -sine, cosine, 0, 0, 0, 1])
        return translation(x: center.x, y: center.y).concatenating(rotate).concatenating(translation(x: -center.x, y: -center.y))
    }

    /// The transform that applies `other` first, then `self`.
    public func concatenating(_ other: ProjectiveTransform) -> ProjectiveTransform {
        var result = [Double](repeating: 0, count: 9)
        for row in 0..<3 {
            for column in 0..<3 {
                result[row * 3 + column] = (0..<3).reduce(0) { $0 + matrix[row * 3 + $1] * other.matrix[$1 * 3 + column] }
            }
        }
        return ProjectiveTransform(unchecked: result)
    }

    /// The inverse, or nil when the matrix is singular.
    public func inverted() -> ProjectiveTransform? {
        let m = matrix
        let cofactors = [
            m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
            m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
            m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3],
        ]
        let determinant = m[0] * cofactors[0] + m[1] * cofactors[3] + m[2] * cofactors[6]
        guard abs(determinant) > 1e-12 else { return nil }
        return ProjectiveTransform(unchecked: cofactors.map { $0 / determinant })
    }

    /// The image of `point`.
    public func apply(_ point: Point) -> Point {
        let m = matrix
        let w = m[6] * point.x + m[7] * point.y + m[8]
        return Point(x: (m[0] * point.x + m[1] * point.y + m[2]) / w, y: (m[3] * point.x + m[4] * point.y + m[5]) / w)
    }

    /// The box around the images of the box's four corners.
    public func apply(_ box: BoundingBox) -> BoundingBox {
        let corners = [Point(x: box.minX, y: box.minY), Point(x: box.maxX, y: box.minY),
                       Point(x: box.maxX, y: box.maxY), Point(x: box.minX, y: box.maxY)]
        return BoundingBox(enclosing: corners.map(apply)) ?? box
    }
}

extension Image {
    /// The image moved by `transform` onto a `width × height` canvas. Each output pixel
    /// samples the source at the inverse-mapped position (pixel centres at integer
    /// coordinates, as OpenCV's warpAffine/warpPerspective); outside reads use `border`.
    public func warped(by transform: ProjectiveTransform, width outputWidth: Int, height outputHeight: Int,
                       interpolation: Interpolation = .bilinear, border: BorderMode = .zero) throws -> Image {
        guard outputWidth > 0, outputHeight > 0 else {
            throw ImageError.invalidArgument("warp output size must be positive, found \(outputWidth)x\(outputHeight)")
        }
        guard let inverse = transform.inverted() else {
            throw ImageError.invalidArgument("the transform \(transform.matrix) is singular and cannot be inverted")
        }
        guard width > 0, height > 0 else { throw ImageError.invalidArgument("cannot warp an empty image") }
        let kernel = WarpKernel(sourceWidth: width, sourceHeight: height, channels: channels, outputWidth: outputWidth,
                                outputHeight: outputHeight, inverse: inverse.matrix, nearest: interpolation == .nearest, border: border)
        return applying(kernel, width: outputWidth, height: outputHeight)
    }
}

/// Inverse-maps every output pixel into the source and samples it (bilinear or nearest).
private struct WarpKernel: SampleKernel {
    let sourceWidth: Int, sourceHeight: Int, channels: Int, outputWidth: Int, outputHeight: Int
    let inverse: [Double]
    let nearest: Bool
    let border: BorderMode

    func run<Sample: ImageSample>(_ input: [Sample]) -> [Sample] {
        let fill = border.fill(channels: channels)
        let count = outputWidth * outputHeight * channels
        return [Sample](unsafeUninitializedCapacity: count) { output, initialized in
            let output = output
            input.withUnsafeBufferPointer { source in
                fill.withUnsafeBufferPointer { fill in
                    forEachRowBlock(rows: outputHeight, workPerRow: outputWidth * channels * 4) { rows in
                        for y in rows {
                            for x in 0..<outputWidth {
                                sample(source, at: x, y, fill: fill, into: output.baseAddress! + (y * outputWidth + x) * channels)
                            }
                        }
                    }
                }
            }
            initialized = count
        }
    }

    /// Computes one output pixel's channels and stores them at `target`.
    @inline(__always)
    private func sample<Sample: ImageSample>(_ source: UnsafeBufferPointer<Sample>, at x: Int, _ y: Int,
                                              fill: UnsafeBufferPointer<Float>, into target: UnsafeMutablePointer<Sample>) {
        let m = inverse, fx = Double(x), fy = Double(y)
        let w = m[6] * fx + m[7] * fy + m[8]
        let sourceX = (m[0] * fx + m[1] * fy + m[2]) / w, sourceY = (m[3] * fx + m[4] * fy + m[5]) / w
        guard sourceX.isFinite, sourceY.isFinite, abs(sourceX) < 1e9, abs(sourceY) < 1e9 else {
            for channel in 0..<channels { target[channel] = Sample(roundingClamped: fill[channel]) }
            return
        }
        if nearest {
            let column = border.sourceIndex(Int(sourceX.rounded()), length: sourceWidth)
            let row = border.sourceIndex(Int(sourceY.rounded()), length: sourceHeight)
            for channel in 0..<channels {
                if let row, let column {
                    target[channel] = source[(row * sourceWidth + column) * channels + channel]
                } else {
                    target[channel] = Sample(roundingClamped: fill[channel])
                }
            }
            return
        }
        let left = Int(sourceX.rounded(.down)), top = Int(sourceY.rounded(.down))
        let fractionX = Float(sourceX - Double(left)), fractionY = Float(sourceY - Double(top))
        if left >= 0, top >= 0, left + 1 < sourceWidth, top + 1 < sourceHeight {
            // Inside: the four neighbours are read directly.
            let upper = (top * sourceWidth + left) * channels, lower = upper + sourceWidth * channels
            for channel in 0..<channels {
                let topLeft = source[upper + channel].floatValue, topRight = source[upper + channels + channel].floatValue
                let bottomLeft = source[lower + channel].floatValue, bottomRight = source[lower + channels + channel].floatValue
                let upperValue = topLeft + fractionX * (topRight - topLeft)
                let lowerValue = bottomLeft + fractionX * (bottomRight - bottomLeft)
                target[channel] = Sample(roundingClamped: upperValue + fractionY * (lowerValue - upperValue))
            }
            return
        }
        let column0 = border.sourceIndex(left, length: sourceWidth), column1 = border.sourceIndex(left + 1, length: sourceWidth)
        let row0 = border.sourceIndex(top, length: sourceHeight), row1 = border.sourceIndex(top + 1, length: sourceHeight)
        for channel in 0..<channels {
            @inline(__always) func tap(_ row: Int?, _ column: Int?) -> Float {
                guard let row, let column else { return fill[channel] }
                return source[(row * sourceWidth + column) * channels + channel].floatValue
            }
            let upper = tap(row0, column0) + fractionX * (tap(row0, column1) - tap(row0, column0))
            let lower = tap(row1, column0) + fractionX * (tap(row1, column1) - tap(row1, column0))
            target[channel] = Sample(roundingClamped: upper + fractionY * (lower - upper))
        }
    }
}
