#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A spinning multi-beam LiDAR: beams spread evenly over the vertical field of view, each firing
/// `horizontalSteps` times per turn.
public struct LidarSensor: Sendable, Equatable {
    /// Number of beams (rows).
    public var beams: Int
    /// Lowest and highest beam elevation in degrees.
    public var verticalFieldOfView: ClosedRange<Float>
    /// Firings per beam per turn (columns).
    public var horizontalSteps: Int
    /// Hits farther than this, in metres, return nothing.
    public var maximumRange: Float
    /// Standard deviation of the range noise in metres; the noise is clipped at three deviations.
    public var rangeNoise: Float
    /// Probability that a hit returns nothing.
    public var dropout: Float
    /// Height of the sensor above the ground in metres.
    public var mountingHeight: Float

    /// A sensor like a Velodyne HDL-64E unless told otherwise.
    public init(beams: Int = 64, verticalFieldOfView: ClosedRange<Float> = -24.8...2, horizontalSteps: Int = 2048,
                maximumRange: Float = 80, rangeNoise: Float = 0.01, dropout: Float = 0, mountingHeight: Float = 1.73) {
        self.beams = beams
        self.verticalFieldOfView = verticalFieldOfView
        self.horizontalSteps = horizontalSteps
        self.maximumRange = maximumRange
        self.rangeNoise = rangeNoise
        self.dropout = dropout
        self.mountingHeight = mountingHeight
    }

    /// Elevation of `beam` in radians (beam 0 is the highest).
    public func elevation(ofBeam beam: Int) -> Float {
        let step = beams > 1 ? (verticalFieldOfView.upperBound - verticalFieldOfView.lowerBound) / Float(beams - 1) : 0
        return (verticalFieldOfView.upperBound - Float(beam) * step) * .pi / 180
    }

    /// The unit direction of `beam` at horizontal `step`.
    public func direction(beam: Int, step: Int) -> SIMD3<Float> {
        let elevation = elevation(ofBeam: beam)
        let azimuth = Float(step) / Float(horizontalSteps) * 2 * .pi
        return SIMD3(cosf(elevation) * cosf(azimuth), cosf(elevation) * sinf(azimuth), sinf(elevation))
    }

    /// Checks the settings a user can give.
    public func validate() throws {
        func require(_ condition: Bool, _ name: String, _ expected: String, _ found: Any) throws {
            if !condition { throw PointCloudError.invalidParameter(name: name, expected: expected, found: "\(found)") }
        }
        try require(beams >= 1, "beams", "at least 1", beams)
        try require(horizontalSteps >= 1, "horizontal steps", "at least 1", horizontalSteps)
        try require(maximumRange > 0, "maximum range", "positive", maximumRange)
        try require(rangeNoise >= 0, "range noise", "≥ 0", rangeNoise)
        try require((0...1).contains(dropout), "dropout", "between 0 and 1", dropout)
    }
}

/// Casts a sensor's beams against a scene and keeps the nearest hit of each.
public enum LidarSimulator {
    /// One turn of `sensor` standing at (`position`.x, `position`.y) on the ground. Points are in the
    /// sensor's frame (KITTI's velodyne frame), with intensity, labels (semantic) and instances.
    /// The generator supplies the noise and dropout, so the same seed gives the same scan.
    public static func scan(_ scene: LidarScene, sensor: LidarSensor, position: SIMD2<Float> = .zero,
                            using generator: inout SeededGenerator) throws -> PointCloud {
        try sensor.validate()
        let origin = SIMD3(position.x, position.y, sensor.mountingHeight)
        var cloud = PointCloud()
        var intensity: [Float] = [], labels: [UInt32] = [], instances: [UInt32] = []
        for beam in 0..<sensor.beams {
            for step in 0..<sensor.horizontalSteps {
                let direction = sensor.direction(beam: beam, step: step)
                guard let hit = scene.firstHit(origin: origin, direction: direction), hit.distance <= sensor.maximumRange else { continue }
                // Both draws happen for every hit, so dropout does not shift the noise of later points.
                let keep = generator.uniform(0...1) >= sensor.dropout
                let noise = min(3, max(-3, generator.gaussian())) * sensor.rangeNoise
                guard keep else { continue }
                let point = direction * max(0, hit.distance + noise)
                cloud.x.append(point.x)
                cloud.y.append(point.y)
                cloud.z.append(point.z)
                // A simple return strength: falls with distance, stronger for hard man-made surfaces.
                let reflectivity: Float = [.car, .pole, .building].contains(hit.semanticClass) ? 0.8 : 0.4
                intensity.append(min(1, reflectivity * (1 - hit.distance / (sensor.maximumRange * 1.25))))
                labels.append(hit.semanticClass.rawValue)
                instances.append(hit.instance)
            }
        }
        cloud.width = cloud.count
        cloud.intensity = intensity
        cloud.labels = labels
        cloud.instances = instances
        return cloud
    }
}
