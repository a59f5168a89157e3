import Foundation
@testable import PerceptPointCloud

/// The committed point-cloud fixtures.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pointclouds")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

/// A fresh empty folder under the system's temporary folder.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("percept-cloud-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A small cloud with every attribute set, for round trips.
func sampleCloud() -> PointCloud {
    var cloud = PointCloud(x: [0, 1.5, -3.75, 1e-5, 100.25], y: [0, -2.25, 4.5, 0.1, -0.0625], z: [0, 0.125, 10, 3, -7.5])
    cloud.intensity = [0, 0.5, 1, 0.25, 12.5]
    cloud.colors = [PointColor(packed: 0xFF0000), PointColor(packed: 0x00FF00), PointColor(packed: 0x0000FF),
                    PointColor(packed: 0xFFFFFF), PointColor(packed: 0x808080)]
    cloud.normals = [SIMD3(0, 0, 1), SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0.6, 0.8, 0), SIMD3(0, -1, 0)]
    cloud.labels = [0, 1, 40, 10, 65535]
    cloud.instances = [0, 3, 0, 7, 1]
    return cloud
}

/// The error a throwing expression raised, or nil.
func thrownError<T>(_ body: () throws -> T) -> Error? {
    do { _ = try body(); return nil } catch { return error }
}

/// True when every coordinate of `a` is within `tolerance` of `b`'s.
func isClose(_ a: SIMD3<Float>, _ b: SIMD3<Float>, within tolerance: Float) -> Bool {
    let difference = a - b
    return all(difference .< SIMD3(repeating: tolerance)) && all(difference .> SIMD3(repeating: -tolerance))
}
