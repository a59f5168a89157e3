#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Point augmentations. Each returns a new cloud whose labels, instances, colours and intensity
/// still belong to the same points; normals turn with the points.
extension PointCloud {
    /// The cloud with every point (and normal) multiplied by the 3 × 3 matrix given by its `columns`.
    public func transformed(columns: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)) -> PointCloud {
        var result = self
        for index in 0..<count {
            let moved = columns.0 * x[index] + columns.1 * y[index] + columns.2 * z[index]
            result.x[index] = moved.x
            result.y[index] = moved.y
            result.z[index] = moved.z
        }
        if let normals {
            // Normals transform by the inverse transpose; for rotations and flips that is the matrix itself,
            // and for scaling it is the reciprocal scale, so the general form is used.
            let inverseTranspose = Self.inverseTranspose(columns)
            result.normals = normals.map { normal in
                let turned = inverseTranspose.0 * normal.x + inverseTranspose.1 * normal.y + inverseTranspose.2 * normal.z
                let length = (turned * turned).sum().squareRoot()
                return length > 0 ? turned / length : turned
            }
        }
        return result
    }

    private static func inverseTranspose(_ m: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)) -> (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        // The cofactor matrix divided by the determinant is the inverse transpose.
        func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
            SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        }
        let determinant = (m.0 * cross(m.1, m.2)).sum()
        return (cross(m.1, m.2) / determinant, cross(m.2, m.0) / determinant, cross(m.0, m.1) / determinant)
    }

    /// The cloud rotated by `angle` radians about `axis` (right-handed).
    public func rotated(about axis: Axis, by angle: Float) -> PointCloud {
        let (c, s) = (cosf(angle), sinf(angle))
        switch axis {
        case .x: return transformed(columns: (SIMD3(1, 0, 0), SIMD3(0, c, s), SIMD3(0, -s, c)))
        case .y: return transformed(columns: (SIMD3(c, 0, -s), SIMD3(0, 1, 0), SIMD3(s, 0, c)))
        case .z: return transformed(columns: (SIMD3(c, s, 0), SIMD3(-s, c, 0), SIMD3(0, 0, 1)))
        }
    }

    /// A uniformly random rotation: about `axis` when given, otherwise over all orientations.
    public func randomlyRotated(about axis: Axis?, using generator: inout SeededGenerator) -> PointCloud {
        if let axis { return rotated(about: axis, by: generator.uniform(0...(2 * .pi))) }
        // A uniform unit quaternion (Shoemake) turned into a rotation matrix.
        let (u1, u2, u3) = (generator.uniform(0...1), generator.uniform(0...(2 * .pi)), generator.uniform(0...(2 * .pi)))
        let (a, b) = ((1 - u1).squareRoot(), u1.squareRoot())
        let (w, qx, qy, qz) = (b * cosf(u3), a * sinf(u2), a * cosf(u2), b * sinf(u3))
        return transformed(columns: (
            SIMD3(1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy + w * qz), 2 * (qx * qz - w * qy)),
            SIMD3(2 * (qx * qy - w * qz), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz + w * qx)),
            SIMD3(2 * (qx * qz + w * qy), 2 * (qy * qz - w * qx), 1 - 2 * (qx * qx + qy * qy))))
    }

    /// The cloud scaled by `factors` along x, y and z.
    public func scaled(by factors: SIMD3<Float>) -> PointCloud {
        transformed(columns: (SIMD3(factors.x, 0, 0), SIMD3(0, factors.y, 0), SIMD3(0, 0, factors.z)))
    }

    /// The cloud scaled uniformly by a factor drawn from `range`.
    public func randomlyScaled(in range: ClosedRange<Float>, using generator: inout SeededGenerator) -> PointCloud {
        scaled(by: SIMD3(repeating: generator.uniform(range)))
    }

    /// The cloud mirrored across the plane where `axis` is 0.
    public func flipped(_ axis: Axis) -> PointCloud {
        var factors = SIMD3<Float>(repeating: 1)
        factors[axis.rawValue] = -1
        return scaled(by: factors)
    }

    /// The cloud moved by `offset`.
    public func translated(by offset: SIMD3<Float>) -> PointCloud {
        var result = self
        result.x = x.map { $0 + offset.x }
        result.y = y.map { $0 + offset.y }
        result.z = z.map { $0 + offset.z }
        return result
    }

    /// Every coordinate moved by Gaussian noise of deviation `sigma`, clipped to ±`clip`.
    public func jittered(sigma: Float, clip: Float, using generator: inout SeededGenerator) -> PointCloud {
        func noise() -> Float { min(clip, max(-clip, sigma * generator.gaussian())) }
        var result = self
        for index in 0..<count {
            result.x[index] += noise()
            result.y[index] += noise()
            result.z[index] += noise()
        }
        return result
    }

    /// The cloud without a random `fraction` of its points (each dropped independently), with the
    /// original index of each kept point.
    public func droppingRandomPoints(fraction: Float, using generator: inout SeededGenerator) throws -> SampledCloud {
        guard (0...1).contains(fraction) else {
            throw PointCloudError.invalidParameter(name: "dropout fraction", expected: "between 0 and 1", found: "\(fraction)")
        }
        let kept = (0..<count).filter { _ in generator.uniform(0...1) >= fraction }
        return SampledCloud(cloud: subset(kept), sourceIndices: kept)
    }
}
