import PCLBridge

/// A coordinate axis.
public enum Axis: Int, Sendable, CaseIterable {
    case x = 0, y = 1, z = 2
}

extension PCLCloud {
    /// PCL's voxel grid: one centroid per occupied voxel of edge `leafSize` (intensity averaged).
    /// A leaf so small that PCL's 32-bit voxel index would overflow is an error.
    public func voxelGrid(leafSize: SIMD3<Float>, minimumPointsPerVoxel: Int = 0) throws -> PCLCloud {
        guard all(leafSize .> 0) else {
            throw PointCloudError.invalidParameter(name: "leaf size", expected: "positive", found: "\(leafSize)")
        }
        var output: OpaquePointer?
        try run("voxel grid") {
            pcl_bridge_voxel_grid(handle, leafSize.x, leafSize.y, leafSize.z, UInt32(max(0, minimumPointsPerVoxel)), &output, $0, $1)
        }
        guard let output else { throw PointCloudProcessingError(operation: "voxel grid", message: "no output cloud") }
        return PCLCloud(handle: output)
    }

    /// Statistical outlier removal: true for the points to keep.
    public func statisticalInliers(neighbors: Int, standardDeviations: Double) throws -> [Bool] {
        try mask("statistical outlier removal") {
            pcl_bridge_statistical_outliers(handle, Int32(clamping: neighbors), standardDeviations, $0, $1, $2)
        }
    }

    /// Radius outlier removal: true for points with at least `minimumNeighbors` within `radius`.
    public func radiusInliers(radius: Double, minimumNeighbors: Int) throws -> [Bool] {
        try mask("radius outlier removal") {
            pcl_bridge_radius_outliers(handle, radius, Int32(clamping: minimumNeighbors), $0, $1, $2)
        }
    }

    /// Pass-through: true for points whose `axis` coordinate lies in `range`.
    public func passThrough(axis: Axis, range: ClosedRange<Float>) throws -> [Bool] {
        try mask("pass-through") {
            pcl_bridge_pass_through(handle, Int32(axis.rawValue), range.lowerBound, range.upperBound, $0, $1, $2)
        }
    }

    /// Crop box: true for points inside `box`.
    public func cropBox(_ box: BoundingBox3D) throws -> [Bool] {
        let minimum = [box.minimum.x, box.minimum.y, box.minimum.z], maximum = [box.maximum.x, box.maximum.y, box.maximum.z]
        return try mask("crop box") { keep, error, capacity in
            pcl_bridge_crop_box(handle, minimum, maximum, keep, error, capacity)
        }
    }
}

extension PointCloud {
    /// Voxel-grid downsampling through PCL. The result holds coordinates and averaged intensity;
    /// per-point labels, colours and normals do not survive averaging and are dropped.
    public func voxelDownsampled(leafSize: Float, minimumPointsPerVoxel: Int = 0) throws -> PointCloud {
        var result = try PCLCloud(self).voxelGrid(leafSize: SIMD3(repeating: leafSize), minimumPointsPerVoxel: minimumPointsPerVoxel).pointCloud()
        result.viewpoint = viewpoint
        return result
    }

    /// The points PCL's statistical outlier removal keeps, with all their attributes.
    public func removingStatisticalOutliers(neighbors: Int = 50, standardDeviations: Double = 1) throws -> PointCloud {
        try subset(mask: PCLCloud(self, includeIntensity: false).statisticalInliers(neighbors: neighbors, standardDeviations: standardDeviations))
    }

    /// The points with at least `minimumNeighbors` others within `radius`, with all their attributes.
    public func removingRadiusOutliers(radius: Double, minimumNeighbors: Int) throws -> PointCloud {
        try subset(mask: PCLCloud(self, includeIntensity: false).radiusInliers(radius: radius, minimumNeighbors: minimumNeighbors))
    }

    /// The points whose `axis` coordinate lies in `range`.
    public func passThrough(axis: Axis, range: ClosedRange<Float>) throws -> PointCloud {
        try subset(mask: PCLCloud(self, includeIntensity: false).passThrough(axis: axis, range: range))
    }

    /// The points inside `box`.
    public func cropped(to box: BoundingBox3D) throws -> PointCloud {
        try subset(mask: PCLCloud(self, includeIntensity: false).cropBox(box))
    }
}
