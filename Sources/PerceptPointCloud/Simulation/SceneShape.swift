/// A solid in a simulated scene that a LiDAR beam can hit.
public enum SceneShape: Sendable, Equatable {
    /// The infinite ground plane z = `height`.
    case ground(height: Float)
    /// An axis-aligned box.
    case box(BoundingBox3D)
    /// A vertical cylinder with its axis through `center` (x, y), from `bottom` to `top`.
    case cylinder(center: SIMD2<Float>, radius: Float, bottom: Float, top: Float)
    /// A sphere.
    case sphere(center: SIMD3<Float>, radius: Float)

    /// The smallest positive distance along the ray (`direction` of unit length) at which it
    /// enters the shape, or nil when it misses.
    public func intersection(origin: SIMD3<Float>, direction: SIMD3<Float>) -> Float? {
        let epsilon: Float = 1e-4
        switch self {
        case let .ground(height):
            guard direction.z != 0 else { return nil }
            let t = (height - origin.z) / direction.z
            return t > epsilon ? t : nil
        case let .box(box):
            var near = -Float.infinity, far = Float.infinity
            for axis in 0..<3 {
                if direction[axis] == 0 {
                    if origin[axis] < box.minimum[axis] || origin[axis] > box.maximum[axis] { return nil }
                    continue
                }
                let a = (box.minimum[axis] - origin[axis]) / direction[axis]
                let b = (box.maximum[axis] - origin[axis]) / direction[axis]
                near = max(near, min(a, b))
                far = min(far, max(a, b))
            }
            guard near <= far, far > epsilon else { return nil }
            return near > epsilon ? near : nil
        case let .cylinder(center, radius, bottom, top):
            var best: Float?
            let offset = SIMD2(origin.x, origin.y) - center
            let flat = SIMD2(direction.x, direction.y)
            let a = (flat * flat).sum(), b = 2 * (offset * flat).sum(), c = (offset * offset).sum() - radius * radius
            let discriminant = b * b - 4 * a * c
            if a > 0, discriminant >= 0 {
                let t = (-b - discriminant.squareRoot()) / (2 * a)
                let z = origin.z + t * direction.z
                if t > epsilon, z >= bottom, z <= top { best = t }
            }
            for cap in [top, bottom] where direction.z != 0 {
                let t = (cap - origin.z) / direction.z
                let hit = SIMD2(origin.x + t * direction.x, origin.y + t * direction.y) - center
                if t > epsilon, (hit * hit).sum() <= radius * radius, t < (best ?? .infinity) { best = t }
            }
            return best
        case let .sphere(center, radius):
            let offset = origin - center
            let b = (offset * direction).sum(), c = (offset * offset).sum() - radius * radius
            let discriminant = b * b - c
            guard discriminant >= 0 else { return nil }
            let t = -b - discriminant.squareRoot()
            return t > epsilon ? t : nil
        }
    }
}

/// A shape with the SemanticKITTI class and instance id its points receive.
public struct SceneObject: Sendable, Equatable {
    /// The geometry.
    public var shape: SceneShape
    /// The semantic class of every point on it (for the ground, see `LidarScene.groundClass`).
    public var semanticClass: SemanticClass
    /// The instance id (0 for stuff such as buildings and vegetation).
    public var instance: UInt32

    /// An object from its shape, class and instance.
    public init(shape: SceneShape, semanticClass: SemanticClass, instance: UInt32) {
        self.shape = shape
        self.semanticClass = semanticClass
        self.instance = instance
    }
}
