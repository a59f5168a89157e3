import Foundation
import PerceptImage
import PerceptLabels
import Testing
@testable import PerceptAugment

private func isFolder(_ url: URL) -> Bool {
    var flag: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
}

struct DatasetAugmentationTests {
    /// One 20×10 image's annotations: a box, a triangle, a crowd mask and a keypoint.
    private func annotations() throws -> [Annotation] {
        var mask = Mask(width: 20, height: 10)
        for x in 2..<6 { mask[x, 1] = true }
        return [
            Annotation(id: 1, imageID: 1, categoryID: 3, box: BoundingBox(minX: 1, minY: 2, maxX: 5, maxY: 6),
                       keypoints: [Keypoint(x: 2, y: 3), Keypoint(x: 0, y: 0, visibility: .notLabeled)]),
            Annotation(id: 2, imageID: 1, categoryID: 4, polygons: [Polygon(points: [Point(x: 10, y: 1), Point(x: 16, y: 1), Point(x: 10, y: 7)])],
                       attributes: [("difficult", 1)]),
            Annotation(id: 3, imageID: 1, categoryID: 3, mask: RunLengthEncoding(mask: mask), isCrowd: true),
            Annotation(id: 4, imageID: 1, categoryID: 5),
        ]
    }

    @Test("a horizontal flip mirrors boxes, polygons, masks and keypoints and keeps the rest")
    func flipMovesEveryTarget() throws {
        let labelled = try LabelledSample(image: Image(width: 20, height: 10, channels: 3), annotations: try annotations())
        #expect(labelled.shapeCount == 3)
        let pipeline = try Pipeline(transforms: [Flip(.horizontal, probability: 1)])
        var settings = pipeline
        settings.settings.keepKeypointsOutside = true
        let result = try settings.augment(labelled.sample, seed: 1)
        let moved = labelled.annotations(after: result.sample, keepKeypointsOutside: false)
        #expect(moved.count == 4)
        #expect(moved[0].box == BoundingBox(minX: 15, minY: 2, maxX: 19, maxY: 6))
        #expect(moved[0].keypoints == [Keypoint(x: 18, y: 3), Keypoint(x: 0, y: 0, visibility: .notLabeled)])
        #expect(moved[1].polygons == [Polygon(points: [Point(x: 10, y: 1), Point(x: 4, y: 1), Point(x: 10, y: 7)])])
        #expect(moved[1].box == BoundingBox(minX: 4, minY: 1, maxX: 10, maxY: 7))
        #expect(moved[1].attribute("difficult") == 1 && moved[1].area == nil)
        let mask = try #require(moved[2].mask).decoded()
        #expect((14..<18).allSatisfy { mask[$0, 1] } && mask.area == 4)
        #expect(moved[3] == (try annotations())[3])
    }

    @Test("a crop drops the objects it cuts away and clips the polygons it cuts through")
    func cropDropsAndClips() throws {
        let labelled = try LabelledSample(image: Image(width: 20, height: 10, channels: 3), annotations: try annotations())
        let pipeline = try Pipeline(transforms: [try FixedSizeCrop(width: 7, height: 10, placement: .random)],
                                    settings: BoxSettings(keepKeypointsOutside: true))
        // Find a seed whose crop starts at x = 8, through the triangle and past the box.
        for seed in UInt64(0)..<200 {
            let result = try pipeline.augment(labelled.sample, seed: seed, recording: true)
            let moved = labelled.annotations(after: result.sample, keepKeypointsOutside: false)
            guard let triangle = moved.first(where: { $0.id == 2 }), moved.first(where: { $0.id == 1 }) == nil,
                  triangle.box?.maxX == 7 else { continue }
            #expect(triangle.polygons.first.map { PolygonClipping.clipped($0, to: ImageSize(width: 7, height: 10)) } == triangle.polygons.first)
            #expect(triangle.polygons.first?.points.allSatisfy { $0.x >= 0 && $0.x <= 7 } == true)
            return
        }
        Issue.record("no seed cut the triangle")
    }

    @Test("polygons are clipped to the canvas and vanish outside it")
    func clipping() {
        let square = Polygon(points: [Point(x: -2, y: -2), Point(x: 4, y: -2), Point(x: 4, y: 4), Point(x: -2, y: 4)])
        let clipped = PolygonClipping.clipped(square, to: ImageSize(width: 10, height: 10))
        #expect(clipped?.area == 16)
        let outside = Polygon(points: [Point(x: 20, y: 20), Point(x: 30, y: 20), Point(x: 30, y: 30)])
        #expect(PolygonClipping.clipped(outside, to: ImageSize(width: 10, height: 10)) == nil)
    }

    @Test("the plan names copies <stem>_aug<k>, keeps other splits unchanged and seeds by path")
    func plan() throws {
        let dataset = LabelDataset(images: [
            DatasetImage(id: 1, file: "sub/a.png", width: 4, height: 4, split: "train"),
            DatasetImage(id: 2, file: "b.bmp", width: 4, height: 4, split: "val"),
            DatasetImage(id: 3, file: "c.gif", width: 4, height: 4, split: "train"),
        ])
        let pipeline = try Pipeline(transforms: [])
        let plan = DatasetAugmentation(pipeline: pipeline, pipelineText: "", copies: 2, seed: 5, target: .coco, split: "train",
                                       keepOriginals: true).plan(dataset)
        #expect(plan.outputs.map(\.file) == ["sub/a.png", "sub/a_aug1.png", "sub/a_aug2.png", "b.bmp", "c.gif", "c_aug1.png", "c_aug2.png"])
        #expect(plan.outputs.map(\.copy) == [0, 1, 2, 0, 0, 1, 2])
        #expect(plan.augmentedCount == 4)
        let seeds = plan.outputs.compactMap(\.seed)
        #expect(Set(seeds).count == 4 && seeds.allSatisfy { $0 < 1 << 48 })
        let moved = LabelDataset(images: [dataset.images[2], dataset.images[0]])
        let movedPlan = DatasetAugmentation(pipeline: pipeline, pipelineText: "", copies: 2, seed: 5, target: .coco).plan(moved)
        #expect(movedPlan.outputs.first { $0.file == "sub/a_aug1.png" }?.seed == plan.outputs[1].seed)
    }

    @Test("a run writes the same files for 1 and 3 workers, with a manifest line per image")
    func workersDoNotChangeBytes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("percept-augment-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var dataset = LabelDataset(categories: [LabelCategory(id: 3, name: "a"), LabelCategory(id: 4, name: "b"), LabelCategory(id: 5, name: "c")])
        var random = AugmentRandom(seed: 3)
        for index in 0..<5 {
            let pixels = (0..<20 * 10 * 3).map { _ in UInt8(random.integer(in: 0...255)) }
            let file = root.appendingPathComponent("in/images/p\(index).png")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Image(width: 20, height: 10, channels: 3, samples: .uint8(pixels)).write(to: file)
            dataset.images.append(DatasetImage(id: index + 1, file: "p\(index).png", width: 20, height: 10, source: file))
            dataset.annotations += try annotations().map { annotation in
                var placed = annotation
                placed.id = dataset.annotations.count + annotation.id
                placed.imageID = index + 1
                return placed
            }
        }
        let pipeline = try Pipeline(transforms: [Flip(.horizontal, probability: 0.5), try FixedSizeCrop(width: 16, height: 8)])
        func run(_ workers: Int) throws -> [String: Data] {
            let output = root.appendingPathComponent("out\(workers)")
            let augmentation = DatasetAugmentation(pipeline: pipeline, pipelineText: "flip crop", copies: 3, seed: 9, target: .coco,
                                                   keepOriginals: true, workers: workers)
            let summary = try augmentation.run(dataset, inputFolder: root.appendingPathComponent("in"), into: output, resume: false) { _ in }
            #expect(summary.written == 20 && summary.problems.isEmpty)
            let paths = FileManager.default.enumerator(atPath: output.path)?.allObjects as? [String] ?? []
            return try Dictionary(uniqueKeysWithValues: paths.filter { !isFolder(output.appendingPathComponent($0)) }.map {
                ($0, try Data(contentsOf: output.appendingPathComponent($0)))
            })
        }
        let one = try run(1), three = try run(3)
        #expect(one == three)
        #expect(!one.keys.contains { $0.hasPrefix(DatasetAugmentation.workFolderName) })
        let manifest = String(decoding: try #require(one[DatasetAugmentation.manifestFileName]), as: UTF8.self)
        let lines = manifest.split(separator: "\n")
        #expect(lines.count == 20)
        let first = try JSONParser.parse(Array(lines[1].utf8), file: "manifest")
        #expect(first.members?.map(\.key) == ["output", "source", "copy", "seed", "transforms", "boxes_in", "boxes_out", "dropped"])
        #expect(first["output"] == "images/p0_aug1.png" && first["source"] == "images/p0.png" && first["boxes_in"] == 3)
    }
}
