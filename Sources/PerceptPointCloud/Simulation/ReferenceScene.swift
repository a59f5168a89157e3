/// The benchmark's reference scene: a 20 m × 20 m ground plane, three boxes standing on it and
/// uniformly scattered outliers, labelled with SemanticKITTI ids (road, car, unlabeled) and an
/// instance per box.
public enum ReferenceScene {
    /// The boxes of the scene, as they stand on the ground.
    public static let boxes = [
        BoundingBox3D(minimum: SIMD3(2, 1.5, 0), maximum: SIMD3(4, 2.5, 1.5)),
        BoundingBox3D(minimum: SIMD3(-4.5, -3.5, 0), maximum: SIMD3(-3.5, -2.5, 2)),
        BoundingBox3D(minimum: SIMD3(4.25, -6.5, 0), maximum: SIMD3(5.75, -3.5, 1)),
    ]

    /// `groundPoints` on the plane (with 5 mm noise), `pointsPerBox` on each box's sides and top,
    /// and `outliers` anywhere in the 20 × 20 × 5 m volume above the ground.
    public static func make(seed: UInt64 = 1, groundPoints: Int = 70_000, pointsPerBox: Int = 9_000,
                            outliers: Int = 3_000) -> PointCloud {
        var generator = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Float] = [], z: [Float] = [], labels: [UInt32] = [], instances: [UInt32] = []
        func add(_ point: SIMD3<Float>, label: SemanticClass, instance: UInt32) {
            x.append(point.x); y.append(point.y); z.append(point.z)
            labels.append(label.rawValue); instances.append(instance)
        }
        for _ in 0..<groundPoints {
            add(SIMD3(generator.uniform(-10...10), generator.uniform(-10...10), 0.005 * generator.gaussian()), label: .road, instance: 0)
        }
        for (number, box) in boxes.enumerated() {
            for _ in 0..<pointsPerBox { add(surfacePoint(of: box, using: &generator), label: .car, instance: UInt32(number + 1)) }
        }
        for _ in 0..<outliers {
            add(SIMD3(generator.uniform(-10...10), generator.uniform(-10...10), generator.uniform(0.3...5)), label: .unlabeled, instance: 0)
        }
        var cloud = PointCloud(x: x, y: y, z: z)
        cloud.labels = labels
        cloud.instances = instances
        return cloud
    }

    /// A uniform point on the four sides and the top of `box` (its bottom rests on the ground).
    static func surfacePoint(of box: BoundingBox3D, using generator: inout SeededGenerator) -> SIMD3<Float> {
        let size = box.size
        let areas: [Float] = [size.y * size.z, size.y * size.z, size.x * size.z, size.x * size.z, size.x * size.y]
        var pick = generator.uniform(0...areas.reduce(0, +))
        var face = 0
        while face < areas.count - 1 && pick > areas[face] { pick -= areas[face]; face += 1 }
        var point = SIMD3(generator.uniform(box.minimum.x...box.maximum.x), generator.uniform(box.minimum.y...box.maximum.y),
                          generator.uniform(box.minimum.z...box.maximum.z))
        switch face {
        case 0: point.x = box.minimum.x
        case 1: point.x = box.maximum.x
        case 2: point.y = box.minimum.y
        case 3: point.y = box.maximum.y
        default: point.z = box.maximum.z
        }
        return point
    }
}

/// SemanticKITTI's semantic class ids used by the simulator and the reference scene.
public enum SemanticClass: UInt32, Sendable, CaseIterable {
    case unlabeled = 0, car = 10, person = 30, road = 40, building = 50, vegetation = 70, terrain = 72, pole = 80
}
