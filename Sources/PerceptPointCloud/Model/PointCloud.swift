/// A point cloud stored as a structure of arrays: one array per coordinate and per attribute.
///
/// Optional attributes are either absent (`nil`) or hold exactly one value per point.
/// ```swift
/// var cloud = PointCloud(x: [0, 1], y: [0, 0], z: [0, 0])
/// cloud.intensity = [0.5, 0.9]
/// let first = cloud.subset([0])
/// ```
public struct PointCloud: Sendable, Equatable {
    /// The x coordinates, in metres.
    public var x: [Float]
    /// The y coordinates, in metres.
    public var y: [Float]
    /// The z coordinates, in metres.
    public var z: [Float]
    /// Reflectance or intensity per point.
    public var intensity: [Float]?
    /// Colour per point, 8 bits per channel.
    public var colors: [PointColor]?
    /// Surface normal per point.
    public var normals: [SIMD3<Float>]?
    /// Semantic class id per point (SemanticKITTI ids, or segmentation output).
    public var labels: [UInt32]?
    /// Object instance id per point (0 for stuff without instances).
    public var instances: [UInt32]?
    /// Columns of an organised cloud (the point count when unorganised).
    public var width: Int
    /// Rows of an organised cloud (1 when unorganised).
    public var height: Int
    /// The sensor pose the points were acquired from.
    public var viewpoint: Viewpoint

    /// A cloud from coordinates; the arrays must have equal lengths.
    public init(x: [Float], y: [Float], z: [Float], width: Int? = nil, height: Int = 1, viewpoint: Viewpoint = .origin) {
        self.x = x
        self.y = y
        self.z = z
        self.width = width ?? x.count
        self.height = height
        self.viewpoint = viewpoint
    }

    /// An empty cloud.
    public init() { self.init(x: [], y: [], z: []) }

    /// The number of points.
    public var count: Int { x.count }

    /// True when the cloud has no points.
    public var isEmpty: Bool { x.isEmpty }

    /// True when the points form an image-like grid of `height` rows.
    public var isOrganised: Bool { height > 1 }

    /// The names of the attributes present, in a fixed order (`x`, `y`, `z` first).
    public var fieldNames: [String] {
        var names = ["x", "y", "z"]
        if intensity != nil { names.append("intensity") }
        if colors != nil { names.append("rgb") }
        if normals != nil { names += ["normal_x", "normal_y", "normal_z"] }
        if labels != nil { names.append("label") }
        if instances != nil { names.append("instance") }
        return names
    }

    /// The position of point `index`.
    public func point(_ index: Int) -> SIMD3<Float> { SIMD3(x[index], y[index], z[index]) }

    /// Checks that every attribute holds one value per point and that width × height is the count.
    public func validate() throws {
        let expected = count
        func check(_ name: String, _ found: Int?) throws {
            if let found, found != expected {
                throw PointCloudError.attributeCountMismatch(field: name, expected: expected, found: found)
            }
        }
        try check("y", y.count)
        try check("z", z.count)
        try check("intensity", intensity?.count)
        try check("rgb", colors?.count)
        try check("normal", normals?.count)
        try check("label", labels?.count)
        try check("instance", instances?.count)
        if width * height != expected {
            throw PointCloudError.attributeCountMismatch(field: "width × height", expected: expected, found: width * height)
        }
    }
}

/// An 8-bit RGB colour.
public struct PointColor: Sendable, Equatable, Hashable {
    /// Red.
    public var red: UInt8
    /// Green.
    public var green: UInt8
    /// Blue.
    public var blue: UInt8

    /// A colour from its three channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour packed as PCL packs it: 0x00RRGGBB.
    public var packed: UInt32 { UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue) }

    /// A colour from PCL's packed 0x??RRGGBB form (the top byte, alpha, is ignored).
    public init(packed: UInt32) {
        self.init(red: UInt8(truncatingIfNeeded: packed >> 16), green: UInt8(truncatingIfNeeded: packed >> 8),
                  blue: UInt8(truncatingIfNeeded: packed))
    }
}

/// A sensor pose: translation and orientation quaternion, as in PCD's VIEWPOINT line.
public struct Viewpoint: Sendable, Equatable {
    /// Sensor position.
    public var translation: SIMD3<Float>
    /// Orientation as a quaternion (w, x, y, z).
    public var rotation: SIMD4<Float>

    /// A pose from its translation and quaternion (w first).
    public init(translation: SIMD3<Float>, rotation: SIMD4<Float>) {
        self.translation = translation
        self.rotation = rotation
    }

    /// The identity pose at the origin.
    public static let origin = Viewpoint(translation: .zero, rotation: SIMD4(1, 0, 0, 0))
}
