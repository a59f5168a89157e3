/// A street scene for the simulated LiDAR: a road along x (|y| < `roadHalfWidth`, terrain beyond),
/// cars, people, poles, vegetation and buildings.
public struct LidarScene: Sendable, Equatable {
    /// Every object except the ground, which is the plane z = 0.
    public var objects: [SceneObject]
    /// Half the road's width; ground farther from the x axis is terrain.
    public var roadHalfWidth: Float

    /// A scene from its objects.
    public init(objects: [SceneObject], roadHalfWidth: Float = 4) {
        self.objects = objects
        self.roadHalfWidth = roadHalfWidth
    }

    /// The class of ground at (x, y): road near the x axis, terrain beyond.
    public func groundClass(y: Float) -> SemanticClass { abs(y) < roadHalfWidth ? .road : .terrain }

    /// The nearest hit along a ray: distance, class and instance; nil when nothing is hit.
    public func firstHit(origin: SIMD3<Float>, direction: SIMD3<Float>) -> (distance: Float, semanticClass: SemanticClass, instance: UInt32)? {
        var best: (distance: Float, semanticClass: SemanticClass, instance: UInt32)?
        if let t = SceneShape.ground(height: 0).intersection(origin: origin, direction: direction) {
            best = (t, groundClass(y: origin.y + t * direction.y), 0)
        }
        for object in objects {
            if let t = object.shape.intersection(origin: origin, direction: direction), t < (best?.distance ?? .infinity) {
                best = (t, object.semanticClass, object.instance)
            }
        }
        return best
    }

    /// A random street `length` metres long starting at x = -20, the same for the same seed.
    /// Things (cars, people, poles) get instance ids 1, 2, 3, … in creation order.
    public static func random(seed: UInt64, length: Float = 120) -> LidarScene {
        var generator = SeededGenerator(seed: seed)
        var objects: [SceneObject] = []
        var instance: UInt32 = 0
        func thing(_ shape: SceneShape, _ semanticClass: SemanticClass) {
            instance += 1
            objects.append(SceneObject(shape: shape, semanticClass: semanticClass, instance: instance))
        }
        var x: Float = -20
        while x < length - 20 {
            x += generator.uniform(6...14)
            let lane: Float = generator.uniform(0...1) < 0.5 ? -2 : 2
            // Lanes at y = ±2 leave the sensor's path along y = 0 clear.
            let carLength = generator.uniform(3.8...4.8), width = generator.uniform(1.7...1.9), height = generator.uniform(1.4...1.7)
            thing(.box(BoundingBox3D(minimum: SIMD3(x, lane - width / 2, 0), maximum: SIMD3(x + carLength, lane + width / 2, height))), .car)
        }
        for side: Float in [-1, 1] {
            var along: Float = -20
            while along < length - 20 {
                along += generator.uniform(5...11)
                let kind = generator.uniform(0...1)
                if kind < 0.35 {
                    thing(.cylinder(center: SIMD2(along, side * generator.uniform(5...6.5)), radius: 0.15, bottom: 0, top: generator.uniform(5...7)), .pole)
                } else if kind < 0.6 {
                    thing(.cylinder(center: SIMD2(along, side * generator.uniform(4.8...7)), radius: generator.uniform(0.25...0.35),
                                    bottom: 0, top: generator.uniform(1.6...1.9)), .person)
                } else {
                    let radius = generator.uniform(1...2.2)
                    objects.append(SceneObject(shape: .sphere(center: SIMD3(along, side * generator.uniform(8...10), generator.uniform(1...2.5)),
                                                              radius: radius), semanticClass: .vegetation, instance: 0))
                }
            }
            var start: Float = -20
            while start < length - 20 {
                let width = generator.uniform(8...20), depth = generator.uniform(6...12), height = generator.uniform(6...15)
                let near = side * 12, far = side * (12 + depth)
                objects.append(SceneObject(shape: .box(BoundingBox3D(minimum: SIMD3(start, min(near, far), 0),
                                                                     maximum: SIMD3(start + width, max(near, far), height))),
                                           semanticClass: .building, instance: 0))
                start += width + generator.uniform(2...6)
            }
        }
        return LidarScene(objects: objects)
    }
}
