import Foundation
import Testing
@testable import PerceptPointCloud

@Suite("OFF meshes and synthetic shapes")
struct MeshAndShapeTests {
    static let square = """
    OFF
    # a unit square in z = 0 as one quad, and a tiny triangle far away
    5 2 0
    0 0 0
    1 0 0
    1 1 0
    0 1 0
    9 9 9
    4 0 1 2 3
    3 4 4 4
    """

    @Test("OFF quads become triangle fans, and ModelNet's OFF123 4 0 first line is read")
    func parsesOFF() throws {
        let mesh = try OFFMesh.parse(Self.square, file: "square.off")
        #expect(mesh.vertices.count == 5)
        #expect(mesh.triangles == [SIMD3(0, 1, 2), SIMD3(0, 2, 3), SIMD3(4, 4, 4)])
        let glued = try OFFMesh.parse("OFF3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n", file: "glued.off")
        #expect(glued.triangles.count == 1)
    }

    @Test("surface samples are spread by area and lie on the surface")
    func areaWeightedSampling() throws {
        var generator = SeededGenerator(seed: 1)
        let cloud = try OFFMesh.parse(Self.square, file: "square.off").sampleSurface(count: 2000, using: &generator)
        #expect(cloud.count == 2000)
        // The degenerate far triangle has no area, so no sample lands there.
        #expect(cloud.x.allSatisfy { (0...1).contains($0) } && cloud.y.allSatisfy { (0...1).contains($0) } && cloud.z.allSatisfy { $0 == 0 })
        let leftHalf = cloud.x.filter { $0 < 0.5 }.count
        #expect(abs(leftHalf - 1000) < 120, "uniform over the square: \(leftHalf) of 2000 on the left")
    }

    @Test("malformed OFF files are refused with the file and line", arguments: [
        ("PLY\n3 1 0\n", "OFF"), ("OFF\n3 1\n0 0 0\n1 0 0\n", "3 vertices"),
        ("OFF\n3 1 0\n0 0 0\n1 x 0\n0 1 0\n3 0 1 2\n", "vertex x y z"), ("OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n", "face"),
    ])
    func malformedOFF(text: String, expected: String) throws {
        let error = thrownError { try OFFMesh.parse(text, file: "bad.off") }
        let message = error.map { "\(($0 as? PointCloudFileError)?.file ?? "") \($0)" } ?? ""
        #expect(message.contains("bad.off"), "\(message)")
        #expect(message.contains(expected), "\(message)")
    }

    @Test("each synthetic shape samples the requested points, seeded")
    func synthesisedShapes() throws {
        for shape in SyntheticShape.allCases {
            var first = SeededGenerator(seed: 7), second = SeededGenerator(seed: 7)
            let a = try shape.sample(points: 256, noise: 0.01, using: &first), b = try shape.sample(points: 256, noise: 0.01, using: &second)
            #expect(a.count == 256)
            #expect(a == b, "\(shape) is not reproducible")
            #expect(a.x.allSatisfy { $0.isFinite && abs($0) < 3 })
        }
        #expect(SyntheticShape.allCases.count == 10)
    }
}
