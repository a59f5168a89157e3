import Testing
@testable import PerceptPointCloud

@Suite("sampling, augmentation and projection")
struct OperationsTests {
    private func line(_ count: Int) -> PointCloud {
        var cloud = PointCloud(x: (0..<count).map(Float.init), y: [Float](repeating: 0, count: count), z: [Float](repeating: 0, count: count))
        cloud.labels = (0..<count).map(UInt32.init)
        return cloud
    }

    @Test("random sampling maps each sampled point back to its original, without repeats")
    func randomSample() throws {
        let cloud = line(100)
        var generator = SeededGenerator(seed: 1)
        let sample = try cloud.randomSample(count: 30, using: &generator)
        #expect(sample.cloud.count == 30 && Set(sample.sourceIndices).count == 30)
        #expect(sample.sourceIndices.enumerated().allSatisfy { cloud.x[$1] == sample.cloud.x[$0] && cloud.labels?[$1] == sample.cloud.labels?[$0] })
        var again = SeededGenerator(seed: 1)
        #expect(try cloud.randomSample(count: 30, using: &again) == sample)
        let padded = try line(5).randomSample(count: 12, using: &generator)
        #expect(padded.cloud.count == 12 && Set(padded.sourceIndices) == Set(0..<5))
    }

    @Test("farthest-point sampling picks the extremes first")
    func farthestPoint() throws {
        let sample = try line(101).farthestPointSample(count: 3)
        #expect(sample.sourceIndices == [0, 100, 50])
        #expect(sample.cloud.labels == [0, 100, 50])
    }

    @Test("unit-sphere normalisation centres the cloud and puts the farthest point at radius 1")
    func unitSphere() {
        let (cloud, center, scale) = line(11).translated(by: SIMD3(3, 4, 5)).normalizedToUnitSphere()
        #expect(center == SIMD3(8, 4, 5) && scale == 5)
        #expect(cloud.x.first == -1 && cloud.x.last == 1)
        #expect(cloud.y.allSatisfy { $0 == 0 })
    }

    @Test("rotation turns points and normals together and keeps labels")
    func rotation() {
        var cloud = line(3)
        cloud.normals = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
        let turned = cloud.rotated(about: .z, by: .pi / 2)
        #expect(abs(turned.x[2]) < 1e-6 && abs(turned.y[2] - 2) < 1e-6)
        #expect(isClose(turned.normals?[0] ?? .zero, SIMD3(0, 1, 0), within: 1e-6))
        #expect(turned.labels == cloud.labels)
        var generator = SeededGenerator(seed: 4)
        let random = cloud.randomlyRotated(about: nil, using: &generator)
        for index in 0..<3 {
            let before = (cloud.point(index) * cloud.point(index)).sum(), after = (random.point(index) * random.point(index)).sum()
            #expect(abs(before - after) < 1e-4)
        }
    }

    @Test("flip mirrors points and normals; scale and translate move points only")
    func flipScaleTranslate() {
        var cloud = line(3)
        cloud.normals = [SIMD3(1, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0)]
        let flipped = cloud.flipped(.x)
        #expect(flipped.x == [0, -1, -2] && flipped.normals?[0] == SIMD3(-1, 0, 0) && flipped.normals?[2] == SIMD3(0, 1, 0))
        #expect(cloud.scaled(by: SIMD3(2, 1, 1)).x == [0, 2, 4])
        #expect(cloud.translated(by: SIMD3(1, 2, 3)).z == [3, 3, 3])
    }

    @Test("jitter stays within the clip and dropout keeps labels with their points")
    func jitterAndDropout() throws {
        let cloud = line(1_000)
        var generator = SeededGenerator(seed: 2)
        let jittered = cloud.jittered(sigma: 0.01, clip: 0.02, using: &generator)
        #expect(zip(jittered.x, cloud.x).allSatisfy { abs($0 - $1) <= 0.0201 })
        #expect(jittered.x != cloud.x)
        let dropped = try cloud.droppingRandomPoints(fraction: 0.25, using: &generator)
        #expect(dropped.cloud.count > 650 && dropped.cloud.count < 850)
        #expect(dropped.cloud.labels == dropped.sourceIndices.map(UInt32.init))
        #expect(throws: PointCloudError.self) { try cloud.droppingRandomPoints(fraction: 2, using: &generator) }
    }

    @Test("the range image keeps the nearest point of each pixel")
    func rangeImage() throws {
        let cloud = PointCloud(x: [10, 5, -3], y: [0, 0, 0], z: [0, 0, 0])
        let image = try cloud.rangeImage(width: 360, height: 64, verticalFieldOfView: -25...3)
        let pixel = 6 * 360 + 180
        #expect(image.pointIndex[pixel] == 1 && image.range[pixel] == 5)
        #expect(image.pointIndex.filter { $0 >= 0 }.count == 2)
    }

    @Test("the bird's-eye view counts points and keeps the highest per cell")
    func birdsEyeView() throws {
        let cloud = PointCloud(x: [0.1, 0.2, 3.5], y: [0.1, 0.3, 3.5], z: [1, 2, 0.5])
        let view = try cloud.birdsEyeView(xRange: 0...4, yRange: 0...4, cellSize: 1)
        #expect(view.width == 4 && view.height == 4)
        #expect(view.density[3 * 4 + 0] == 2 && view.maximumHeight[3 * 4 + 0] == 2 && view.topPoint[3 * 4] == 1)
        #expect(view.density[0 * 4 + 3] == 1)
    }
}
