import PCLBridge

/// A failure inside PCL, reported by the bridge with PCL's own message.
public struct PointCloudProcessingError: Error, Equatable, CustomStringConvertible {
    /// The operation that failed (for example "voxel grid").
    public var operation: String
    /// What PCL or the bridge reported.
    public var message: String

    public var description: String { "\(operation): \(message)" }
}

/// A cloud copied once into PCL's layout, so several PCL operations can run without converting again.
///
/// Operations return masks, indices or new clouds; the `PointCloud` extensions wrap them for
/// one-off use. Not safe to share between threads (searches build a k-d tree on first use).
/// ```swift
/// let pcl = try PCLCloud(cloud)
/// let ground = try pcl.segmentPlane(distance: 0.03)
/// ```
public final class PCLCloud {
    let handle: OpaquePointer

    /// Converts `cloud`'s coordinates (and intensity, when `includeIntensity` and present).
    public init(_ cloud: PointCloud, includeIntensity: Bool = true) throws {
        let intensity = includeIntensity ? cloud.intensity : nil
        var made: OpaquePointer?
        let message = PCLCloud.errorMessage { error, capacity in
            cloud.x.withUnsafeBufferPointer { x in
                cloud.y.withUnsafeBufferPointer { y in
                    cloud.z.withUnsafeBufferPointer { z in
                        made = withOptionalBuffer(intensity) { intensityPointer in
                            pcl_bridge_cloud_create(x.baseAddress, y.baseAddress, z.baseAddress, intensityPointer,
                                                    cloud.count, error, capacity)
                        }
                        return made == nil ? 1 : 0
                    }
                }
            }
        }
        guard let made else { throw PointCloudProcessingError(operation: "conversion to PCL", message: message ?? "failed") }
        handle = made
    }

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { pcl_bridge_cloud_destroy(handle) }

    /// The number of points.
    public var count: Int { pcl_bridge_cloud_size(handle) }

    /// The points as a `PointCloud` (coordinates, and intensity when this cloud has it).
    public func pointCloud() -> PointCloud {
        let count = count
        var x = [Float](repeating: 0, count: count), y = x, z = x
        var intensity: [Float]? = pcl_bridge_cloud_has_intensity(handle) != 0 ? x : nil
        x.withUnsafeMutableBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                z.withUnsafeMutableBufferPointer { pz in
                    if intensity != nil {
                        intensity!.withUnsafeMutableBufferPointer { pi in
                            pcl_bridge_cloud_copy(handle, px.baseAddress, py.baseAddress, pz.baseAddress, pi.baseAddress)
                        }
                    } else {
                        pcl_bridge_cloud_copy(handle, px.baseAddress, py.baseAddress, pz.baseAddress, nil)
                    }
                }
            }
        }
        var cloud = PointCloud(x: x, y: y, z: z)
        cloud.intensity = intensity
        return cloud
    }

    /// Runs a bridge call with an error buffer; returns the message when it reports failure.
    static func errorMessage(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(pcl_bridge_error_capacity))
        let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        guard status != 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs a bridge call and throws PCL's message as a `PointCloudProcessingError`.
    func run(_ operation: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        if let message = PCLCloud.errorMessage(body) { throw PointCloudProcessingError(operation: operation, message: message) }
    }

    /// Runs a bridge call that fills a per-point byte mask, returning it as Bools.
    func mask(_ operation: String, _ body: (UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<CChar>, Int) -> Int32) throws -> [Bool] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            try run(operation) { body(buffer.baseAddress!, $0, $1) }
        }
        return bytes.map { $0 != 0 }
    }
}

/// Calls `body` with a pointer to `values`' storage, or nil when there are no values.
func withOptionalBuffer<Result>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> Result) -> Result {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}
