/// Selecting, joining and summarising points.
extension PointCloud {
    /// The points at `indices`, in that order, with every attribute; the result is unorganised.
    public func subset<Indices: Collection>(_ indices: Indices) -> PointCloud where Indices.Element == Int {
        func pick<Value>(_ values: [Value]?) -> [Value]? { values.map { array in indices.map { array[$0] } } }
        var result = PointCloud(x: indices.map { x[$0] }, y: indices.map { y[$0] }, z: indices.map { z[$0] },
                                viewpoint: viewpoint)
        result.intensity = pick(intensity)
        result.colors = pick(colors)
        result.normals = pick(normals)
        result.labels = pick(labels)
        result.instances = pick(instances)
        return result
    }

    /// The points whose mask entry is true; throws when the mask length differs from the count.
    public func subset(mask: [Bool]) throws -> PointCloud {
        guard mask.count == count else {
            throw PointCloudError.attributeCountMismatch(field: "mask", expected: count, found: mask.count)
        }
        return subset(mask.indices.filter { mask[$0] })
    }

    /// This cloud followed by `other`; an attribute survives only when both clouds have it.
    public func appending(_ other: PointCloud) -> PointCloud {
        func join<Value>(_ first: [Value]?, _ second: [Value]?) -> [Value]? {
            guard let first, let second else { return nil }
            return first + second
        }
        var result = PointCloud(x: x + other.x, y: y + other.y, z: z + other.z, viewpoint: viewpoint)
        result.intensity = join(intensity, other.intensity)
        result.colors = join(colors, other.colors)
        result.normals = join(normals, other.normals)
        result.labels = join(labels, other.labels)
        result.instances = join(instances, other.instances)
        return result
    }

    /// The clouds one after another (see `appending`); empty for an empty list.
    public static func concatenating(_ clouds: [PointCloud]) -> PointCloud {
        guard let first = clouds.first else { return PointCloud() }
        return clouds.dropFirst().reduce(first) { $0.appending($1) }
    }

    /// The smallest axis-aligned box holding every finite point, or nil when there is none.
    public var bounds: BoundingBox3D? {
        var lower = SIMD3<Float>(repeating: .infinity)
        var upper = SIMD3<Float>(repeating: -.infinity)
        var found = false
        for index in 0..<count {
            let point = point(index)
            guard point.x.isFinite, point.y.isFinite, point.z.isFinite else { continue }
            lower = pointwiseMin(lower, point)
            upper = pointwiseMax(upper, point)
            found = true
        }
        return found ? BoundingBox3D(minimum: lower, maximum: upper) : nil
    }

    /// The mean of the finite points (accumulated in Double), or nil when there is none.
    public var centroid: SIMD3<Float>? {
        var sum = SIMD3<Double>.zero
        var finite = 0
        for index in 0..<count where x[index].isFinite && y[index].isFinite && z[index].isFinite {
            sum += SIMD3(Double(x[index]), Double(y[index]), Double(z[index]))
            finite += 1
        }
        guard finite > 0 else { return nil }
        let mean = sum / Double(finite)
        return SIMD3(Float(mean.x), Float(mean.y), Float(mean.z))
    }

    /// The indices of points whose three coordinates are finite.
    public var finiteIndices: [Int] {
        (0..<count).filter { x[$0].isFinite && y[$0].isFinite && z[$0].isFinite }
    }
}

/// An axis-aligned box in 3D.
public struct BoundingBox3D: Sendable, Equatable, Codable {
    /// The corner with the smallest coordinates.
    public var minimum: SIMD3<Float>
    /// The corner with the largest coordinates.
    public var maximum: SIMD3<Float>

    /// A box from its two corners.
    public init(minimum: SIMD3<Float>, maximum: SIMD3<Float>) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Edge lengths along x, y and z.
    public var size: SIMD3<Float> { maximum - minimum }

    /// The centre of the box.
    public var center: SIMD3<Float> { (minimum + maximum) / 2 }

    /// True when `point` lies inside or on the box.
    public func contains(_ point: SIMD3<Float>) -> Bool {
        all(point .>= minimum) && all(point .<= maximum)
    }
}
