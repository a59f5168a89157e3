import Foundation
import PerceptImage
import Testing
@testable import PerceptAugment

@Suite("Semantic masks follow their polygons through every geometric transform")
struct SemanticMaskAlignmentTests {
    /// A wavy closed outline (40 vertices) around the middle of a 96 × 80 image.
    static let outline = Polygon(points: (0..<40).map { index in
        let angle = 2 * Double.pi * Double(index) / 40, radius = 1 + 0.15 * sin(5 * angle)
        return Point(x: 48 + 18 * radius * cos(angle), y: 40 + 13 * radius * sin(angle))
    })

    /// The transforms that map straight edges to straight edges (elastic and grid distortions
    /// bend them; coarse dropout cuts holes), so a polygon's vertices say where its mask goes.
    static func geometricTransforms() throws -> [any Transform] {
        try spatialTransforms().filter { !["ElasticTransform", "GridDistortion", "CoarseDropout"].contains($0.name) }
    }

    @Test("the moved mask equals the moved polygon drawn, except within one pixel of its edge", arguments: 0..<18)
    func maskFollowsPolygon(index: Int) throws {
        let transforms = try Self.geometricTransforms()
        guard index < transforms.count else { return }
        let transform = transforms[index]
        let drawn = Mask(polygon: Self.outline, width: 96, height: 80)
        let mask = try Image(width: 96, height: 80, channels: 1, samples: .uint8(drawn.values.map { $0 * 3 }))
        for seed in 0..<4 as Range<UInt64> {
            let sample = try Sample(image: Image(width: 96, height: 80, channels: 3), semanticMask: mask,
                                    keypoints: Self.outline.points.map { Keypoint(x: $0.x, y: $0.y) })
            var random = AugmentRandom(seed: seed)
            var context = AugmentContext(settings: BoxSettings(keepKeypointsOutside: true))
            let moved = try transform.run(sample, random: &random, context: &context)
            let movedMask = try #require(moved.semanticMask)
            guard case .uint8(let ids) = movedMask.samples else { Issue.record("mask is not 8-bit"); return }
            #expect(Set(ids).isSubset(of: [0, 3]), "\(transform.name): the mask gained class ids \(Set(ids))")
            #expect(moved.keypoints.count == Self.outline.points.count, "\(transform.name): keypoints were dropped")
            let width = movedMask.width, height = movedMask.height
            let expected = Mask(polygon: Polygon(points: moved.keypoints.map { Point(x: $0.x, y: $0.y) }), width: width, height: height)
            var farOff = 0
            for y in 0..<height {
                for x in 0..<width where (ids[y * width + x] == 3) != expected[x, y] {
                    // Allowed only on the drawn polygon's edge: its 3 × 3 neighbourhood holds both values.
                    var inside = false, outside = false
                    for dy in -1...1 {
                        for dx in -1...1 {
                            let (nx, ny) = (x + dx, y + dy)
                            guard nx >= 0, ny >= 0, nx < width, ny < height else { outside = true; continue }
                            if expected[nx, ny] { inside = true } else { outside = true }
                        }
                    }
                    if !(inside && outside) { farOff += 1 }
                }
            }
            #expect(farOff == 0, "\(transform.name) seed \(seed): \(farOff) pixels differ more than one pixel from the polygon's edge")
            #expect(expected.area > 0 || !ids.contains(3), "\(transform.name) seed \(seed): the polygon left the image but the mask did not")
        }
    }

    @Test("the geometric list holds 18 transforms")
    func listSize() throws {
        #expect(try Self.geometricTransforms().count == 18)
    }
}
