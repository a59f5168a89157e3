import PCLBridge

/// A plane found by RANSAC: ax + by + cz + d = 0 with a unit normal (a, b, c), and its inliers.
public struct PlaneModel: Sendable, Equatable {
    /// a, b, c, d.
    public var coefficients: SIMD4<Float>
    /// True for the points within the distance threshold of the plane.
    public var inliers: [Bool]

    /// The plane's unit normal.
    public var normal: SIMD3<Float> { SIMD3(coefficients.x, coefficients.y, coefficients.z) }

    /// The number of inliers.
    public var inlierCount: Int { inliers.lazy.filter { $0 }.count }

    /// Signed distance from `point` to the plane.
    public func distance(to point: SIMD3<Float>) -> Float {
        (normal * point).sum() + coefficients.w
    }
}

extension PCLCloud {
    /// RANSAC plane fit. With `axis`, only planes whose normal lies within `axisTolerance` degrees
    /// of it are accepted (use (0, 0, 1) for ground).
    public func segmentPlane(distance: Double, iterations: Int = 1000, probability: Double = 0.99,
                             axis: SIMD3<Float>? = nil, axisTolerance degrees: Double = 10) throws -> PlaneModel {
        var coefficients = [Float](repeating: 0, count: 4)
        let axisValues = axis.map { [$0.x, $0.y, $0.z] }
        let inliers = try mask("RANSAC plane") { inliers, error, capacity in
            coefficients.withUnsafeMutableBufferPointer { output in
                withOptionalBuffer(axisValues) { axisPointer in
                    pcl_bridge_ransac_plane(handle, distance, Int32(clamping: iterations), probability, axisPointer,
                                            degrees * .pi / 180, inliers, output.baseAddress, error, capacity)
                }
            }
        }
        return PlaneModel(coefficients: SIMD4(coefficients[0], coefficients[1], coefficients[2], coefficients[3]), inliers: inliers)
    }

    /// Euclidean clusters among the points where `include` is true (all when nil): the point
    /// indices of each cluster, largest first.
    public func euclideanClusters(tolerance: Double, minimumSize: Int = 1, maximumSize: Int = Int(Int32.max),
                                  include: [Bool]? = nil) throws -> [[Int]] {
        if let include, include.count != count {
            throw PointCloudError.attributeCountMismatch(field: "include mask", expected: count, found: include.count)
        }
        let includeBytes = include.map { $0.map { UInt8($0 ? 1 : 0) } }
        return try clusters("Euclidean clustering") { ids, clusterCount, error, capacity in
            guard let includeBytes else {
                return pcl_bridge_euclidean_clusters(handle, nil, tolerance, Int32(clamping: minimumSize),
                                                     Int32(clamping: maximumSize), ids, clusterCount, error, capacity)
            }
            return pcl_bridge_euclidean_clusters(handle, includeBytes, tolerance, Int32(clamping: minimumSize),
                                                 Int32(clamping: maximumSize), ids, clusterCount, error, capacity)
        }
    }

    /// Region growing over normals from `neighbors` nearest points: smooth regions whose normals
    /// differ by less than `smoothness` degrees, largest first.
    public func regionGrowing(neighbors: Int = 30, smoothness degrees: Double = 3, curvatureThreshold: Double = 1,
                              minimumSize: Int = 50, maximumSize: Int = Int(Int32.max)) throws -> [[Int]] {
        try clusters("region growing") { ids, clusterCount, error, capacity in
            pcl_bridge_region_growing(handle, Int32(clamping: neighbors), degrees * .pi / 180, curvatureThreshold,
                                      Int32(clamping: minimumSize), Int32(clamping: maximumSize), ids, clusterCount, error, capacity)
        }
    }

    private func clusters(_ operation: String,
                          _ body: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>, Int) -> Int32) throws -> [[Int]] {
        var ids = [Int32](repeating: -1, count: count)
        var clusterCount = 0
        try ids.withUnsafeMutableBufferPointer { buffer in
            try run(operation) { body(buffer.baseAddress!, &clusterCount, $0, $1) }
        }
        var members = [[Int]](repeating: [], count: clusterCount)
        for (index, id) in ids.enumerated() where id >= 0 { members[Int(id)].append(index) }
        // Region growing does not order its regions; ties keep the order of their first point.
        return members.sorted { $0.count != $1.count ? $0.count > $1.count : $0.first ?? 0 < $1.first ?? 0 }
    }

    /// Normals from the `neighbors` nearest points (or, when `neighbors` is nil, those within
    /// `radius`), flipped towards `viewpoint`; with each point's surface curvature.
    public func normals(neighbors: Int? = 20, radius: Double = 0, viewpoint: SIMD3<Float> = .zero) throws -> (normals: [SIMD3<Float>], curvature: [Float]) {
        var nx = [Float](repeating: 0, count: count), ny = nx, nz = nx, curvature = nx
        let view = [viewpoint.x, viewpoint.y, viewpoint.z]
        try run("normal estimation") { error, capacity in
            pcl_bridge_normals(handle, Int32(clamping: neighbors ?? 0), radius, view, &nx, &ny, &nz, &curvature, error, capacity)
        }
        return ((0..<count).map { SIMD3(nx[$0], ny[$0], nz[$0]) }, curvature)
    }
}

extension PointCloud {
    /// RANSAC plane fit through PCL (see `PCLCloud.segmentPlane`).
    public func segmentPlane(distance: Double, iterations: Int = 1000, probability: Double = 0.99,
                             axis: SIMD3<Float>? = nil, axisTolerance: Double = 10) throws -> PlaneModel {
        try PCLCloud(self, includeIntensity: false).segmentPlane(distance: distance, iterations: iterations, probability: probability,
                                                                 axis: axis, axisTolerance: axisTolerance)
    }

    /// Euclidean clusters through PCL: point indices per cluster, largest first.
    public func euclideanClusters(tolerance: Double, minimumSize: Int = 1, maximumSize: Int = Int(Int32.max),
                                  include: [Bool]? = nil) throws -> [[Int]] {
        try PCLCloud(self, includeIntensity: false).euclideanClusters(tolerance: tolerance, minimumSize: minimumSize,
                                                                      maximumSize: maximumSize, include: include)
    }

    /// This cloud with normals estimated through PCL and oriented towards `viewpoint`
    /// (the cloud's own viewpoint when nil).
    public func withNormals(neighbors: Int? = 20, radius: Double = 0, viewpoint: SIMD3<Float>? = nil) throws -> PointCloud {
        var result = self
        result.normals = try PCLCloud(self, includeIntensity: false)
            .normals(neighbors: neighbors, radius: radius, viewpoint: viewpoint ?? self.viewpoint.translation).normals
        return result
    }
}
