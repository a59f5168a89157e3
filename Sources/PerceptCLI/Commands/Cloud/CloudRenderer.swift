import Foundation
import Percept

/// Draws a cloud as an RGB picture: top-down or in perspective, coloured by height, intensity or label.
struct CloudRenderer {
    /// Camera placements.
    enum View: String, CaseIterable {
        case bev, perspective
    }

    /// What decides a point's colour.
    enum Coloring: String, CaseIterable {
        case height, intensity, label
    }

    var view: View
    var coloring: Coloring
    var width: Int
    var height: Int

    /// The picture as row-major RGB bytes.
    func render(_ cloud: PointCloud) throws -> [UInt8] {
        let values: [Float]
        switch coloring {
        case .height: values = cloud.z
        case .intensity:
            guard let intensity = cloud.intensity else { throw PointCloudError.missingAttribute(field: "intensity", operation: "--color intensity") }
            values = intensity
        case .label:
            guard cloud.labels != nil else { throw PointCloudError.missingAttribute(field: "label", operation: "--color label") }
            values = []
        }
        let finiteValues = values.filter(\.isFinite).sorted()
        // The 2nd and 98th percentiles, so a few outliers do not flatten the colour scale.
        let low = finiteValues.isEmpty ? 0 : finiteValues[finiteValues.count / 50]
        let high = finiteValues.isEmpty ? 1 : finiteValues[finiteValues.count * 49 / 50]
        var pixels = [UInt8](repeating: 18, count: width * height * 3)
        var depth = [Float](repeating: .infinity, count: width * height)
        guard let bounds = framingBounds(cloud) else { return pixels }
        let project = projection(bounds)
        for index in 0..<cloud.count {
            guard let (column, row, distance) = project(cloud.point(index)) else { continue }
            let color = coloring == .label ? Self.labelColor(cloud.labels?[index] ?? 0)
                : colormap(high > low ? (values[index] - low) / (high - low) : 0.5)
            // Points are drawn 2 × 2 so sparse scans still read as surfaces.
            for dy in 0...1 {
                for dx in 0...1 {
                    let x = column + dx, y = row + dy
                    guard x >= 0, x < width, y >= 0, y < height else { continue }
                    let pixel = y * width + x
                    guard distance < depth[pixel] else { continue }
                    depth[pixel] = distance
                    pixels[pixel * 3] = color.0
                    pixels[pixel * 3 + 1] = color.1
                    pixels[pixel * 3 + 2] = color.2
                }
            }
        }
        return pixels
    }

    /// The 1st to 99th percentile of each coordinate, so a few far returns do not shrink the scene.
    private func framingBounds(_ cloud: PointCloud) -> BoundingBox3D? {
        let axes = [cloud.x, cloud.y, cloud.z].map { $0.filter(\.isFinite).sorted() }
        guard let count = axes.first?.count, count > 0 else { return nil }
        let low = count / 100, high = count - 1 - count / 100
        return BoundingBox3D(minimum: SIMD3(axes[0][low], axes[1][low], axes[2][low]),
                             maximum: SIMD3(axes[0][high], axes[1][high], axes[2][high]))
    }

    /// Maps a point to a pixel and a depth (smaller is drawn on top).
    private func projection(_ bounds: BoundingBox3D) -> (SIMD3<Float>) -> (Int, Int, Float)? {
        let size = bounds.size
        switch view {
        case .bev:
            let scale = min(Float(width - 4) / max(size.x, 1e-3), Float(height - 4) / max(size.y, 1e-3))
            let center = bounds.center
            return { point in
                guard point.x.isFinite, point.y.isFinite, point.z.isFinite else { return nil }
                // x to the right, y up, the highest point on top.
                guard let column = self.pixel((point.x - center.x) * scale + Float(self.width) / 2),
                      let row = self.pixel(-(point.y - center.y) * scale + Float(self.height) / 2) else { return nil }
                return (column, row, -point.z)
            }
        case .perspective:
            let target = bounds.center
            let radius = max((size * size).sum().squareRoot() / 2, 1e-3)
            // A camera behind and above the scene's centre, looking at it down 35 degrees.
            let pitch: Float = 35 * .pi / 180, yaw: Float = -60 * .pi / 180
            let forward = SIMD3(cosf(pitch) * cosf(yaw), cosf(pitch) * sinf(yaw), -sinf(pitch))
            let eye = target - forward * radius * 1.3
            let right = normalize(SIMD3(forward.y, -forward.x, 0))
            let up = cross(right, forward)
            let focal = Float(min(width, height)) * 1.1
            return { point in
                guard point.x.isFinite, point.y.isFinite, point.z.isFinite else { return nil }
                let offset = point - eye
                let depth = (offset * forward).sum()
                guard depth > 0.05 else { return nil }
                guard let column = self.pixel((offset * right).sum() / depth * focal + Float(self.width) / 2),
                      let row = self.pixel(-(offset * up).sum() / depth * focal + Float(self.height) / 2) else { return nil }
                return (column, row, depth)
            }
        }
    }

    /// A pixel coordinate, or nil far outside the picture (where converting to Int could trap).
    private func pixel(_ value: Float) -> Int? {
        value > -2 && value < Float(max(width, height) + 2) ? Int(value.rounded(.down)) : nil
    }

    private func normalize(_ vector: SIMD3<Float>) -> SIMD3<Float> { vector / max((vector * vector).sum().squareRoot(), 1e-9) }

    private func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    /// A blue–cyan–yellow–red ramp for `value` in 0…1.
    private func colormap(_ value: Float) -> (UInt8, UInt8, UInt8) {
        let stops: [SIMD3<Float>] = [SIMD3(48, 18, 140), SIMD3(30, 130, 230), SIMD3(40, 200, 170), SIMD3(240, 220, 50), SIMD3(220, 50, 30)]
        let position = min(max(value.isFinite ? value : 0, 0), 1) * Float(stops.count - 1)
        let lower = min(Int(position), stops.count - 2)
        let mixed = stops[lower] + (stops[lower + 1] - stops[lower]) * (position - Float(lower))
        return (UInt8(mixed.x), UInt8(mixed.y), UInt8(mixed.z))
    }

    /// SemanticKITTI's colours for its ids; segmentation labels (1 ground, 2 + k clusters) get
    /// grey and a cycle of distinct hues.
    static func labelColor(_ label: UInt32) -> (UInt8, UInt8, UInt8) {
        switch label {
        case 0: return (90, 90, 90)
        case 1: return (150, 120, 90)
        case SemanticClass.car.rawValue: return (100, 150, 245)
        case SemanticClass.person.rawValue: return (255, 30, 30)
        case SemanticClass.road.rawValue: return (255, 0, 255)
        case SemanticClass.building.rawValue: return (255, 200, 0)
        case SemanticClass.vegetation.rawValue: return (0, 175, 0)
        case SemanticClass.terrain.rawValue: return (150, 240, 80)
        case SemanticClass.pole.rawValue: return (255, 240, 150)
        default:
            let palette: [(UInt8, UInt8, UInt8)] = [(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
                                                     (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212)]
            return palette[Int(label) % palette.count]
        }
    }
}
