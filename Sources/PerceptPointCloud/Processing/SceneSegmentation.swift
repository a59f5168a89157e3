/// One object found by clustering: its id (as written in the label field), size and extent.
public struct ClusterSummary: Sendable, Equatable {
    /// The label value of its points (2 + its rank by size).
    public var id: UInt32
    /// Its point indices in the segmented cloud.
    public var members: [Int]
    /// The mean of its points.
    public var centroid: SIMD3<Float>
    /// Its axis-aligned bounding box.
    public var bounds: BoundingBox3D
}

/// The outcome of ground removal and clustering: a label per point (0 unclustered or noise,
/// 1 ground, 2 + k for cluster k, largest first), the ground plane and the clusters.
public struct SceneSegmentation: Sendable, Equatable {
    /// One label per point.
    public var labels: [UInt32]
    /// The ground plane, when ground removal ran and found one.
    public var ground: PlaneModel?
    /// The clusters, largest first.
    public var clusters: [ClusterSummary]

    /// The label of ground points.
    public static let groundLabel: UInt32 = 1
    /// The label of the first (largest) cluster; cluster k gets `firstClusterLabel + k`.
    public static let firstClusterLabel: UInt32 = 2
}

extension PointCloud {
    /// Splits the ground off with RANSAC (a plane within `groundTolerance` degrees of horizontal,
    /// when `groundDistance` is given) and clusters the rest with Euclidean clustering (when
    /// `clusterTolerance` is given), converting the cloud to PCL once.
    public func segmentGroundAndObjects(groundDistance: Double?, groundIterations: Int = 1000, groundTolerance: Double = 15,
                                        clusterTolerance: Double?, minimumClusterSize: Int = 30,
                                        maximumClusterSize: Int = Int(Int32.max)) throws -> SceneSegmentation {
        let pcl = try PCLCloud(self, includeIntensity: false)
        var labels = [UInt32](repeating: 0, count: count)
        var ground: PlaneModel?
        if let groundDistance {
            let plane = try pcl.segmentPlane(distance: groundDistance, iterations: groundIterations, axis: SIMD3(0, 0, 1),
                                             axisTolerance: groundTolerance)
            for (index, isGround) in plane.inliers.enumerated() where isGround { labels[index] = SceneSegmentation.groundLabel }
            ground = plane
        }
        var clusters: [ClusterSummary] = []
        if let clusterTolerance {
            let groups = try pcl.euclideanClusters(tolerance: clusterTolerance, minimumSize: minimumClusterSize,
                                                   maximumSize: maximumClusterSize, include: ground.map { $0.inliers.map { !$0 } })
            for (rank, members) in groups.enumerated() {
                let id = SceneSegmentation.firstClusterLabel + UInt32(rank)
                for index in members { labels[index] = id }
                let points = subset(members)
                guard let centroid = points.centroid, let bounds = points.bounds else { continue }
                clusters.append(ClusterSummary(id: id, members: members, centroid: centroid, bounds: bounds))
            }
        }
        return SceneSegmentation(labels: labels, ground: ground, clusters: clusters)
    }
}
