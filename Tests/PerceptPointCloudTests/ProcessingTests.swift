import Foundation
import Testing
@testable import PerceptPointCloud

@Suite("PCL-backed processing")
struct ProcessingTests {
    /// A plane through (0, 0, 0.4) tilted 5° about x, 5 mm noise, with 500 scattered outliers.
    private func tiltedPlane() -> (cloud: PointCloud, normal: SIMD3<Float>, offset: Float) {
        var generator = SeededGenerator(seed: 7)
        let angle = Float(5) * .pi / 180
        let normal = SIMD3<Float>(0, -sinf(angle), cosf(angle))
        let along = SIMD3<Float>(0, cosf(angle), sinf(angle))
        var x: [Float] = [], y: [Float] = [], z: [Float] = []
        for index in 0..<20_500 {
            let point: SIMD3<Float>
            if index < 20_000 {
                point = SIMD3(0, 0, 0.4) + SIMD3(generator.uniform(-5...5), 0, 0) + along * generator.uniform(-5...5) + normal * 0.005 * generator.gaussian()
            } else {
                point = SIMD3(generator.uniform(-5...5), generator.uniform(-5...5), generator.uniform(1...4))
            }
            x.append(point.x); y.append(point.y); z.append(point.z)
        }
        return (PointCloud(x: x, y: y, z: z), normal, -0.4 * normal.z)
    }

    @Test("RANSAC finds a tilted plane within 1 degree and 2 cm")
    func ransacPlane() throws {
        let (cloud, normal, offset) = tiltedPlane()
        let plane = try cloud.segmentPlane(distance: 0.03, iterations: 1000)
        let sign: Float = (plane.normal * normal).sum() < 0 ? -1 : 1
        let angle = acosf(min(1, abs((plane.normal * normal).sum()))) * 180 / .pi
        #expect(angle < 1)
        #expect(abs(plane.coefficients.w * sign - offset) < 0.02)
        #expect(plane.inlierCount >= 19_500 && plane.inlierCount < 20_200)
    }

    @Test("the axis constraint picks the ground over a larger wall")
    func ransacAxis() throws {
        var generator = SeededGenerator(seed: 3)
        var cloud = PointCloud()
        for index in 0..<9_000 {
            let onWall = index < 5_000
            cloud.x.append(onWall ? 2 : generator.uniform(-3...3))
            cloud.y.append(generator.uniform(-3...3))
            cloud.z.append(onWall ? generator.uniform(0...6) : 0)
        }
        cloud.width = cloud.count
        let free = try cloud.segmentPlane(distance: 0.02)
        #expect(abs(free.normal.x) > 0.99)
        let ground = try cloud.segmentPlane(distance: 0.02, axis: SIMD3(0, 0, 1), axisTolerance: 5)
        #expect(abs(ground.normal.z) > 0.99)
        #expect(ground.inlierCount >= 4_000)
    }

    @Test("ground removal and Euclidean clustering find the reference scene's three boxes")
    func clusters() throws {
        let scene = ReferenceScene.make()
        let pcl = try PCLCloud(scene)
        let ground = try pcl.segmentPlane(distance: 0.03, iterations: 1000, axis: SIMD3(0, 0, 1))
        let clusters = try pcl.euclideanClusters(tolerance: 0.10, minimumSize: 50, include: ground.inliers.map { !$0 })
        #expect(clusters.count == 3)
        for box in ReferenceScene.boxes {
            let matches = clusters.contains { members in
                guard let bounds = scene.subset(members).bounds else { return false }
                return isClose(bounds.minimum, box.minimum, within: 0.12) && isClose(bounds.maximum, box.maximum, within: 0.12)
            }
            #expect(matches, "no cluster matches the box \(box)")
        }
    }

    @Test("the voxel grid keeps one point per occupied voxel, as an independent count says")
    func voxelCount() throws {
        let scene = ReferenceScene.make(groundPoints: 20_000, pointsPerBox: 3_000, outliers: 500)
        for leaf: Float in [0.05, 0.2] {
            let inverse = 1 / leaf
            var keys = Set<SIMD3<Int32>>()
            for index in 0..<scene.count {
                keys.insert(SIMD3(Int32(floorf(scene.x[index] * inverse)), Int32(floorf(scene.y[index] * inverse)),
                                  Int32(floorf(scene.z[index] * inverse))))
            }
            #expect(try scene.voxelDownsampled(leafSize: leaf).count == keys.count)
        }
    }

    @Test("a leaf size whose voxel index would overflow is an error, not a silent copy")
    func voxelOverflow() {
        let cloud = PointCloud(x: [0, 1000], y: [0, 1000], z: [0, 1000])
        let error = thrownError { try cloud.voxelDownsampled(leafSize: 0.001) } as? PointCloudProcessingError
        #expect(error?.operation == "voxel grid")
        #expect(error?.message.contains("overflow") == true)
    }

    @Test("voxel downsampling averages intensity")
    func voxelIntensity() throws {
        var cloud = PointCloud(x: [0.01, 0.02, 5], y: [0, 0, 0], z: [0, 0, 0])
        cloud.intensity = [1, 3, 10]
        let result = try cloud.voxelDownsampled(leafSize: 1)
        #expect(result.count == 2)
        #expect(Set(result.intensity ?? []) == [2, 10])
    }

    @Test("statistical and radius outlier removal drop isolated points and keep their attributes")
    func outliers() throws {
        var generator = SeededGenerator(seed: 5)
        var cloud = PointCloud()
        for index in 0..<5_100 {
            let isolated = index >= 5_000
            cloud.x.append(isolated ? generator.uniform(-50...50) : generator.uniform(0...2))
            cloud.y.append(isolated ? generator.uniform(-50...50) : generator.uniform(0...2))
            cloud.z.append(isolated ? generator.uniform(10...50) : 0)
        }
        cloud.width = cloud.count
        cloud.labels = (0..<cloud.count).map { $0 >= 5_000 ? 1 : 0 }
        let statistical = try cloud.removingStatisticalOutliers(neighbors: 20, standardDeviations: 2)
        #expect(statistical.labels?.contains(1) == false)
        #expect(statistical.count > 4_800)
        let radius = try cloud.removingRadiusOutliers(radius: 0.2, minimumNeighbors: 3)
        #expect(radius.labels?.contains(1) == false)
        #expect(radius.count > 4_900)
    }

    @Test("pass-through and crop box keep exactly the points inside")
    func passThroughAndCrop() throws {
        let scene = ReferenceScene.make(groundPoints: 5_000, pointsPerBox: 1_000, outliers: 300)
        let high = try scene.passThrough(axis: .z, range: 0.5...10)
        #expect(high.count == scene.z.filter { $0 >= 0.5 && $0 <= 10 }.count)
        let box = BoundingBox3D(minimum: SIMD3(-5, -5, -1), maximum: SIMD3(0, 5, 1))
        let cropped = try scene.cropped(to: box)
        #expect(cropped.count == (0..<scene.count).filter { box.contains(scene.point($0)) }.count)
        #expect(cropped.instances != nil)
    }

    @Test("normals of a horizontal plane point up towards a viewpoint above it")
    func normals() throws {
        var generator = SeededGenerator(seed: 9)
        let cloud = PointCloud(x: (0..<2_000).map { _ in generator.uniform(-1...1) },
                               y: (0..<2_000).map { _ in generator.uniform(-1...1) }, z: [Float](repeating: 0, count: 2_000))
        let up = try cloud.withNormals(neighbors: 15, viewpoint: SIMD3(0, 0, 5))
        #expect(up.normals?.allSatisfy { $0.z > 0.999 } == true)
        let down = try cloud.withNormals(neighbors: nil, radius: 0.2, viewpoint: SIMD3(0, 0, -5))
        #expect(down.normals?.allSatisfy { $0.z < -0.999 } == true)
    }

    @Test("k-nearest and radius search agree with brute force")
    func search() throws {
        var generator = SeededGenerator(seed: 11)
        let cloud = PointCloud(x: (0..<3_000).map { _ in generator.uniform(0...10) }, y: (0..<3_000).map { _ in generator.uniform(0...10) },
                               z: (0..<3_000).map { _ in generator.uniform(0...10) })
        let queries: [SIMD3<Float>] = [SIMD3(5, 5, 5), SIMD3(0, 0, 0), SIMD3(9.5, 1, 3)]
        let pcl = try PCLCloud(cloud)
        let nearest = try pcl.nearestNeighbors(of: queries, k: 5)
        let within = try pcl.neighbors(of: queries, within: 1.0)
        for (query, point) in queries.enumerated() {
            let distances = (0..<cloud.count).map { ((cloud.point($0) - point) * (cloud.point($0) - point)).sum() }
            let order = distances.indices.sorted { distances[$0] < distances[$1] }
            #expect(nearest[query].map(\.index) == Array(order.prefix(5)))
            #expect(Set(within[query].map(\.index)) == Set(distances.indices.filter { distances[$0] <= 1 }))
        }
    }

    @Test("region growing separates the ground from the box faces")
    func regionGrowing() throws {
        let scene = ReferenceScene.make(groundPoints: 20_000, pointsPerBox: 4_000, outliers: 0)
        let regions = try PCLCloud(scene).regionGrowing(neighbors: 30, smoothness: 5, curvatureThreshold: 1, minimumSize: 50)
        #expect(regions.count >= 4)
        let largest = try #require(regions.first)
        let groundShare = Float(largest.filter { scene.labels?[$0] == SemanticClass.road.rawValue }.count) / Float(largest.count)
        #expect(groundShare > 0.99)
    }
}
