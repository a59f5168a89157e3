#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A spherical projection: one pixel per (elevation, azimuth) cell, holding the nearest point.
public struct RangeImage: Sendable, Equatable {
    /// Columns (azimuth steps).
    public var width: Int
    /// Rows (elevation steps, top row highest).
    public var height: Int
    /// Range in metres per pixel, row-major; 0 where no point fell.
    public var range: [Float]
    /// The index of the point shown in each pixel, or -1.
    public var pointIndex: [Int32]
}

/// A bird's-eye-view grid over the x-y plane: per cell, the highest point and the point count.
public struct BirdsEyeView: Sendable, Equatable {
    /// Cells along x.
    public var width: Int
    /// Cells along y.
    public var height: Int
    /// The lower corner of the grid in metres.
    public var origin: SIMD2<Float>
    /// Cell edge in metres.
    public var cellSize: Float
    /// Highest z per cell (row-major, row 0 at the largest y); -infinity where empty.
    public var maximumHeight: [Float]
    /// Points per cell.
    public var density: [Int32]
    /// The index of each cell's highest point, or -1.
    public var topPoint: [Int32]
}

extension PointCloud {
    /// Projects points seen from the origin into a `height` × `width` range image covering
    /// `verticalFieldOfView` (degrees, low...high) and all 360° of azimuth.
    public func rangeImage(width: Int, height: Int, verticalFieldOfView: ClosedRange<Float>) throws -> RangeImage {
        guard width > 0, height > 0 else {
            throw PointCloudError.invalidParameter(name: "range image size", expected: "positive", found: "\(width) × \(height)")
        }
        var image = RangeImage(width: width, height: height, range: [Float](repeating: 0, count: width * height),
                               pointIndex: [Int32](repeating: -1, count: width * height))
        let low = verticalFieldOfView.lowerBound * .pi / 180, high = verticalFieldOfView.upperBound * .pi / 180
        for index in 0..<count {
            let (px, py, pz) = (x[index], y[index], z[index])
            let distance = (px * px + py * py + pz * pz).squareRoot()
            guard distance > 0, distance.isFinite else { continue }
            let elevation = asinf(pz / distance)
            let azimuth = atan2f(py, px)
            let row = Int(((high - elevation) / (high - low) * Float(height)).rounded(.down))
            // Wrapped, since atan2's correctly rounded π lies just above Float.pi.
            let column = (Int(((.pi - azimuth) / (2 * .pi) * Float(width)).rounded(.down)) % width + width) % width
            guard (0..<height).contains(row) else { continue }
            let pixel = row * width + column
            if image.pointIndex[pixel] < 0 || distance < image.range[pixel] {
                image.range[pixel] = distance
                image.pointIndex[pixel] = Int32(index)
            }
        }
        return image
    }

    /// A bird's-eye-view grid of `cellSize` cells over `xRange` × `yRange`; points outside are ignored.
    public func birdsEyeView(xRange: ClosedRange<Float>, yRange: ClosedRange<Float>, cellSize: Float) throws -> BirdsEyeView {
        guard cellSize > 0 else { throw PointCloudError.invalidParameter(name: "cell size", expected: "positive", found: "\(cellSize)") }
        let width = max(1, Int(((xRange.upperBound - xRange.lowerBound) / cellSize).rounded(.up)))
        let height = max(1, Int(((yRange.upperBound - yRange.lowerBound) / cellSize).rounded(.up)))
        var view = BirdsEyeView(width: width, height: height, origin: SIMD2(xRange.lowerBound, yRange.lowerBound), cellSize: cellSize,
                                maximumHeight: [Float](repeating: -.infinity, count: width * height),
                                density: [Int32](repeating: 0, count: width * height),
                                topPoint: [Int32](repeating: -1, count: width * height))
        for index in 0..<count where xRange.contains(x[index]) && yRange.contains(y[index]) && z[index].isFinite {
            let column = min(width - 1, Int((x[index] - xRange.lowerBound) / cellSize))
            let row = height - 1 - min(height - 1, Int((y[index] - yRange.lowerBound) / cellSize))
            let cell = row * width + column
            view.density[cell] += 1
            if z[index] > view.maximumHeight[cell] {
                view.maximumHeight[cell] = z[index]
                view.topPoint[cell] = Int32(index)
            }
        }
        return view
    }
}
