import Testing
@testable import PerceptPointCloud

@Suite("PointCloud")
struct PointCloudTests {
    @Test("a subset by indices keeps every attribute in the given order")
    func subsetByIndices() {
        let cloud = sampleCloud()
        let subset = cloud.subset([4, 1])
        #expect(subset.x == [100.25, 1.5])
        #expect(subset.labels == [65535, 1])
        #expect(subset.instances == [1, 3])
        #expect(subset.colors == [PointColor(packed: 0x808080), PointColor(packed: 0x00FF00)])
        #expect(subset.normals?[1] == SIMD3(1, 0, 0))
        #expect(subset.width == 2 && subset.height == 1)
    }

    @Test("a mask of the wrong length is an error naming the mask")
    func maskLength() throws {
        let cloud = sampleCloud()
        #expect(try cloud.subset(mask: [true, false, true, false, false]).x == [0, -3.75])
        #expect(throws: PointCloudError.attributeCountMismatch(field: "mask", expected: 5, found: 2)) {
            try cloud.subset(mask: [true, false])
        }
    }

    @Test("concatenation keeps only attributes both clouds have")
    func concatenation() {
        var other = PointCloud(x: [7], y: [8], z: [9])
        other.labels = [5]
        let joined = PointCloud.concatenating([sampleCloud(), other])
        #expect(joined.count == 6)
        #expect(joined.z.last == 9)
        #expect(joined.labels?.last == 5)
        #expect(joined.intensity == nil)
        #expect(joined.width == 6)
    }

    @Test("bounds and centroid ignore NaN points")
    func boundsAndCentroid() throws {
        let cloud = PointCloud(x: [0, 2, .nan, 4], y: [1, 1, 0, 1], z: [-1, 3, 0, 1])
        let bounds = try #require(cloud.bounds)
        #expect(bounds.minimum == SIMD3(0, 1, -1))
        #expect(bounds.maximum == SIMD3(4, 1, 3))
        #expect(cloud.centroid == SIMD3(2, 1, 1))
        #expect(PointCloud().bounds == nil)
    }

    @Test("validate reports an attribute with the wrong length")
    func validation() {
        var cloud = sampleCloud()
        cloud.intensity = [1]
        #expect(throws: PointCloudError.attributeCountMismatch(field: "intensity", expected: 5, found: 1)) { try cloud.validate() }
    }
}
