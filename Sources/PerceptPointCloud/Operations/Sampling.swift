/// A cloud drawn from another, with the index in the original of each of its points.
public struct SampledCloud: Sendable, Equatable {
    /// The sampled points, every attribute carried along.
    public var cloud: PointCloud
    /// `sourceIndices[i]` is the original index of `cloud`'s point i.
    public var sourceIndices: [Int]
}

extension PointCloud {
    /// `count` points chosen uniformly without replacement; when the cloud has fewer, every point
    /// once and then random repeats, so the result always has `count` points (as PointNet needs).
    public func randomSample(count target: Int, using generator: inout SeededGenerator) throws -> SampledCloud {
        guard target >= 0 else { throw PointCloudError.invalidParameter(name: "count", expected: "≥ 0", found: "\(target)") }
        guard !isEmpty || target == 0 else { throw PointCloudError.invalidParameter(name: "cloud", expected: "at least one point", found: "none") }
        var order = Array(0..<count)
        // A partial Fisher–Yates shuffle: only the first `target` positions are needed.
        for position in 0..<min(target, count) {
            order.swapAt(position, position + generator.index(below: count - position))
        }
        var chosen = Array(order.prefix(target))
        while chosen.count < target { chosen.append(generator.index(below: count)) }
        return SampledCloud(cloud: subset(chosen), sourceIndices: chosen)
    }

    /// Farthest-point sampling: starting from `start`, repeatedly the point farthest from those chosen.
    /// Clouds with fewer than `count` points are returned whole.
    public func farthestPointSample(count target: Int, start: Int = 0) throws -> SampledCloud {
        guard target >= 0 else { throw PointCloudError.invalidParameter(name: "count", expected: "≥ 0", found: "\(target)") }
        guard target < count else { return SampledCloud(cloud: self, sourceIndices: Array(0..<count)) }
        guard (0..<count).contains(start) else {
            throw PointCloudError.invalidParameter(name: "start", expected: "an index below \(count)", found: "\(start)")
        }
        var nearest = [Float](repeating: .infinity, count: count)
        var chosen = [Int]()
        chosen.reserveCapacity(target)
        var current = start
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                z.withUnsafeBufferPointer { zs in
                    for _ in 0..<target {
                        chosen.append(current)
                        let (cx, cy, cz) = (xs[current], ys[current], zs[current])
                        var farthest = 0
                        var farthestDistance: Float = -1
                        for index in 0..<count {
                            let dx = xs[index] - cx, dy = ys[index] - cy, dz = zs[index] - cz
                            let distance = min(nearest[index], dx * dx + dy * dy + dz * dz)
                            nearest[index] = distance
                            if distance > farthestDistance { farthestDistance = distance; farthest = index }
                        }
                        current = farthest
                    }
                }
            }
        }
        return SampledCloud(cloud: subset(chosen), sourceIndices: chosen)
    }

    /// The cloud centred on its centroid and scaled so its farthest point lies on the unit sphere;
    /// also returns the centre and scale, so `original = normalised * scale + center`.
    public func normalizedToUnitSphere() -> (cloud: PointCloud, center: SIMD3<Float>, scale: Float) {
        let center = centroid ?? .zero
        var radius: Float = 0
        for index in 0..<count {
            let offset = point(index) - center
            let length = (offset * offset).sum().squareRoot()
            if length.isFinite { radius = max(radius, length) }
        }
        let scale = radius > 0 ? radius : 1
        var result = self
        result.x = x.map { ($0 - center.x) / scale }
        result.y = y.map { ($0 - center.y) / scale }
        result.z = z.map { ($0 - center.z) / scale }
        return (result, center, scale)
    }
}
