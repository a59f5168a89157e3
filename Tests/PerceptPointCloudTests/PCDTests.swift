import Testing
@testable import PerceptPointCloud

@Suite("PCD files")
struct PCDTests {
    @Test("PCL-written PCD files read exactly in every data mode", arguments: PCDDataMode.allCases)
    func pclFixtures(mode: PCDDataMode) throws {
        let cloud = try PCDFormat.read(Fixtures.path("mixed-\(mode.rawValue).pcd"))
        #expect(cloud.x == [0, 1.5, -3.75, 100.25, 0.1])
        #expect(cloud.y == [0, -2.25, 4.5, -0.0625, 0.2])
        #expect(cloud.z == [0, 0.125, 10, -7.5, 0.3])
        #expect(cloud.intensity == [0, 0.5, 1, 0.75, 12.5])
        #expect(cloud.colors?.map(\.packed) == [0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x808080])
        #expect(cloud.labels == [0, 1, 40, 10, 65535])
        #expect(cloud.viewpoint.translation == SIMD3(1, 2, 3))
        #expect(cloud.viewpoint.rotation == SIMD4(1, 0, 0, 0))
    }

    @Test("organised PCL files keep their grid and NaN only when asked", arguments: PCDDataMode.allCases)
    func organised(mode: PCDDataMode) throws {
        let path = Fixtures.path("organised-\(mode.rawValue).pcd")
        let kept = try PCDFormat.read(path, keepNaN: true)
        #expect(kept.width == 3 && kept.height == 2 && kept.isOrganised)
        #expect(kept.x[4].isNaN && kept.z[5] == 2)
        let dropped = try PCDFormat.read(path)
        #expect(dropped.count == 5 && dropped.height == 1)
        #expect(dropped.x == [0, 1, 2, 0, 2])
    }

    @Test("every attribute round-trips through every data mode", arguments: PCDDataMode.allCases)
    func roundTrip(mode: PCDDataMode) throws {
        var cloud = sampleCloud()
        cloud.viewpoint = Viewpoint(translation: SIMD3(1, -2, 0.5), rotation: SIMD4(0, 1, 0, 0))
        let decoded = try PCDFormat.decode(PCDFormat.encode(cloud, mode: mode), file: "memory.pcd")
        #expect(decoded == cloud)
    }

    @Test("an organised cloud with NaN round-trips when NaN is kept", arguments: PCDDataMode.allCases)
    func organisedRoundTrip(mode: PCDDataMode) throws {
        let cloud = PointCloud(x: [0, .nan, 2, 3], y: [0, .nan, 1, 1], z: [1, .nan, 1, 1], width: 2, height: 2)
        let decoded = try PCDFormat.decode(PCDFormat.encode(cloud, mode: mode), file: "grid.pcd", keepNaN: true)
        #expect(decoded.width == 2 && decoded.height == 2)
        #expect(decoded.x[1].isNaN && decoded.x[3] == 3)
    }

    @Test("LZF compresses repetitive data and restores it exactly")
    func lzfRoundTrip() throws {
        let input = (0..<20_000).map { UInt8(truncatingIfNeeded: ($0 / 7) % 13 + ($0 % 3 == 0 ? 100 : 0)) }
        let compressed = LZF.compress(input)
        #expect(compressed.count < input.count / 4)
        #expect(try LZF.decompress(compressed[...], expectedSize: input.count) == input)
        let noise = (0..<5_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        #expect(try LZF.decompress(LZF.compress(noise)[...], expectedSize: noise.count) == noise)
    }
}
