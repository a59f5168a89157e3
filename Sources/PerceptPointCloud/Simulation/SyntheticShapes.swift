import Foundation

/// Ten parametric solids for a ModelNet-like classification dataset made without downloads
/// (`percept cloud synth-shapes`). Every shape is a surface of revolution: a profile of
/// (radius, height) points turned about z in `segments` steps, which also gives the cube
/// (4 steps), the pyramid (a 4-step cone) and the prism (3 steps). Points come from
/// ``OFFMesh/sampleSurface(count:using:)``, so they are spread by area.
public enum SyntheticShape: String, CaseIterable, Sendable {
    case sphere, cube, cylinder, cone, torus, pyramid, capsule, ellipsoid, prism
    case planeWithHole = "plane_with_hole"

    /// The shape's triangle mesh, about unit size, centred near the origin.
    public var mesh: OFFMesh {
        switch self {
        case .sphere: Self.revolve(Self.arc(from: .pi, to: 0, radius: 1, centre: 0), segments: 32)
        case .ellipsoid: Self.scaled(Self.revolve(Self.arc(from: .pi, to: 0, radius: 1, centre: 0), segments: 32), by: SIMD3(1, 0.55, 0.35))
        case .cube: Self.revolve([(0, -1), (Float(2).squareRoot(), -1), (Float(2).squareRoot(), 1), (0, 1)], segments: 4)
        case .cylinder: Self.revolve([(0, -1), (0.7, -1), (0.7, 1), (0, 1)], segments: 32)
        case .prism: Self.revolve([(0, -0.8), (1.1, -0.8), (1.1, 0.8), (0, 0.8)], segments: 3)
        case .cone: Self.revolve([(0, -0.8), (1, -0.8), (0, 1)], segments: 32)
        case .pyramid: Self.revolve([(0, -0.8), (1.2, -0.8), (0, 0.9)], segments: 4)
        case .capsule:
            Self.revolve(Self.arc(from: .pi, to: .pi / 2, radius: 0.45, centre: -0.6) + Self.arc(from: .pi / 2, to: 0, radius: 0.45, centre: 0.6), segments: 32)
        case .torus:
            Self.revolve((0...24).map { step -> (Float, Float) in
                let angle = Float(step) / 24 * 2 * .pi
                return (1 + 0.3 * Foundation.cos(angle), 0.3 * Foundation.sin(angle))
            }, segments: 32)
        case .planeWithHole: Self.revolve([(0.4, 0), (1.2, 0)], segments: 32)
        }
    }

    /// `points` points on the shape's surface, uniformly scaled by 0.6–1.4, rotated at random
    /// about every axis and moved by Gaussian noise of `noise` (per coordinate).
    public func sample(points: Int, noise: Float, using generator: inout SeededGenerator) throws -> PointCloud {
        var cloud = try mesh.sampleSurface(count: points, using: &generator)
        cloud = cloud.scaled(by: SIMD3(repeating: generator.uniform(0.6...1.4)))
        for axis in [Axis.x, .y, .z] { cloud = cloud.randomlyRotated(about: axis, using: &generator) }
        for index in 0..<cloud.count {
            cloud.x[index] += noise * generator.gaussian()
            cloud.y[index] += noise * generator.gaussian()
            cloud.z[index] += noise * generator.gaussian()
        }
        return cloud
    }

    /// Points (radius, height) along a circular arc of `radius` centred on the axis at height `centre`.
    private static func arc(from start: Float, to end: Float, radius: Float, centre: Float) -> [(Float, Float)] {
        (0...12).map { step in
            let angle = start + (end - start) * Float(step) / 12
            return (radius * Foundation.sin(angle), centre + radius * Foundation.cos(angle))
        }
    }

    /// The surface swept by turning `profile` about z in `segments` steps (two triangles per step and profile edge).
    private static func revolve(_ profile: [(Float, Float)], segments: Int) -> OFFMesh {
        var vertices: [SIMD3<Float>] = [], triangles: [SIMD3<Int32>] = []
        for step in 0..<segments {
            let angle = Float(step) / Float(segments) * 2 * .pi
            for (radius, height) in profile {
                vertices.append(SIMD3(radius * Foundation.cos(angle), radius * Foundation.sin(angle), height))
            }
        }
        let rows = profile.count
        for step in 0..<segments {
            let next = (step + 1) % segments
            for row in 0..<(rows - 1) {
                let a = Int32(step * rows + row), b = Int32(step * rows + row + 1)
                let c = Int32(next * rows + row), d = Int32(next * rows + row + 1)
                triangles += [SIMD3(a, c, b), SIMD3(b, c, d)]
            }
        }
        return OFFMesh(vertices: vertices, triangles: triangles)
    }

    private static func scaled(_ mesh: OFFMesh, by factors: SIMD3<Float>) -> OFFMesh {
        OFFMesh(vertices: mesh.vertices.map { $0 * factors }, triangles: mesh.triangles)
    }
}
