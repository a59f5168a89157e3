import PCLBridge

/// A point found by a search: its index in the searched cloud and its squared distance.
public struct Neighbor: Sendable, Equatable {
    /// Index of the point in the searched cloud.
    public var index: Int
    /// Squared Euclidean distance to the query.
    public var squaredDistance: Float
}

extension PCLCloud {
    /// The `k` nearest points to each query, nearest first (fewer when the cloud is smaller).
    public func nearestNeighbors(of queries: [SIMD3<Float>], k: Int) throws -> [[Neighbor]] {
        guard k >= 1 else { throw PointCloudError.invalidParameter(name: "k", expected: "at least 1", found: "\(k)") }
        let (qx, qy, qz) = (queries.map(\.x), queries.map(\.y), queries.map(\.z))
        var indices = [Int32](repeating: -1, count: queries.count * k)
        var distances = [Float](repeating: -1, count: queries.count * k)
        try run("k-nearest-neighbour search") { error, capacity in
            pcl_bridge_nearest(handle, qx, qy, qz, queries.count, Int32(k), &indices, &distances, error, capacity)
        }
        return (0..<queries.count).map { query in
            (0..<k).compactMap { slot in
                let position = query * k + slot
                return indices[position] < 0 ? nil : Neighbor(index: Int(indices[position]), squaredDistance: distances[position])
            }
        }
    }

    /// The points within `radius` of each query, nearest first (at most `maximum` when given).
    public func neighbors(of queries: [SIMD3<Float>], within radius: Double, maximum: Int? = nil) throws -> [[Neighbor]] {
        let (qx, qy, qz) = (queries.map(\.x), queries.map(\.y), queries.map(\.z))
        var offsets = [Int](repeating: 0, count: queries.count + 1)
        var indices: UnsafeMutablePointer<Int32>?
        var distances: UnsafeMutablePointer<Float>?
        defer {
            pcl_bridge_free(indices)
            pcl_bridge_free(distances)
        }
        try run("radius search") { error, capacity in
            pcl_bridge_radius_search(handle, qx, qy, qz, queries.count, radius, Int32(clamping: maximum ?? 0),
                                     &offsets, &indices, &distances, error, capacity)
        }
        guard let indices, let distances else { return queries.map { _ in [] } }
        return (0..<queries.count).map { query in
            (offsets[query]..<offsets[query + 1]).map { Neighbor(index: Int(indices[$0]), squaredDistance: distances[$0]) }
        }
    }
}
