import PerceptImage
import Testing
@testable import PerceptLabels

/// RLE against pycocotools (Fixtures/labels/rle/pycocotools.json, Tools/make-rle-fixtures).
struct RunLengthEncodingTests {
    static let masks = LabelFixtures.pycocotools["masks"]?.array ?? []
    static let polygons = LabelFixtures.pycocotools["polygons"]?.array ?? []

    @Test("the fixtures are present")
    func fixturesPresent() {
        #expect(Self.masks.count == 25)
        #expect(Self.polygons.count == 12)
    }

    @Test("encoding a mask gives pycocotools' runs, string, area and box", arguments: masks.indices)
    func encode(index: Int) throws {
        let fixture = Self.masks[index]
        let mask = try Mask(rows: fixture["rows"]?.array?.compactMap(\.string) ?? [])
        let rle = RunLengthEncoding(mask: mask)
        #expect(rle.counts.map(Double.init) == fixture["uncompressed"]?.numbers)
        #expect(rle.compressedString == fixture["counts"]?.string)
        #expect(Double(rle.area) == fixture["area"]?.number)
        #expect(rle.cocoBox == fixture["box"]?.numbers)
    }

    @Test("decoding pycocotools' string gives the mask back", arguments: masks.indices)
    func decode(index: Int) throws {
        let fixture = Self.masks[index]
        let rle = try RunLengthEncoding(compressed: fixture["counts"]?.string ?? "", height: fixture["height"]?.integer ?? 0,
                                        width: fixture["width"]?.integer ?? 0)
        #expect(rle.counts.map(Double.init) == fixture["uncompressed"]?.numbers)
        #expect(try rle.decoded() == Mask(rows: fixture["rows"]?.array?.compactMap(\.string) ?? []))
    }

    @Test("polygons rasterise as pycocotools' frPyObjects and merge", arguments: polygons.indices)
    func polygon(index: Int) throws {
        let fixture = Self.polygons[index]
        let height = fixture["height"]?.integer ?? 0, width = fixture["width"]?.integer ?? 0
        let rings = try (fixture["polygons"]?.array ?? []).map { try Polygon(flat: $0.numbers) }
        let each = try rings.map { try RunLengthEncoding(polygon: $0, height: height, width: width) }
        #expect(each.map(\.compressedString) == fixture["each"]?.array?.compactMap(\.string))
        let merged = try RunLengthEncoding.merged(each)
        #expect(merged.compressedString == fixture["counts"]?.string)
        #expect(Double(merged.area) == fixture["area"]?.number)
        #expect(merged.cocoBox == fixture["box"]?.numbers)
        #expect(try merged.decoded() == Mask(rows: fixture["rows"]?.array?.compactMap(\.string) ?? []))
    }

    @Test("boxes rasterise as pycocotools' frBbox")
    func boxes() throws {
        for fixture in LabelFixtures.pycocotools["boxes"]?.array ?? [] {
            let rle = try RunLengthEncoding(cocoBox: fixture["box"]?.numbers ?? [], height: fixture["height"]?.integer ?? 0,
                                            width: fixture["width"]?.integer ?? 0)
            #expect(rle.compressedString == fixture["counts"]?.string)
            #expect(Double(rle.area) == fixture["area"]?.number)
        }
    }

    @Test("union and intersection equal pycocotools' merge")
    func merges() throws {
        let merges = LabelFixtures.pycocotools["merges"]?.array ?? []
        #expect(merges.count == 3)
        for fixture in merges {
            let parts = try ["first", "second"].map { key in
                let mask = Self.masks.first { $0["name"] == fixture[key] } ?? .null
                return try RunLengthEncoding(compressed: mask["counts"]?.string ?? "", height: mask["height"]?.integer ?? 0,
                                             width: mask["width"]?.integer ?? 0)
            }
            #expect(try RunLengthEncoding.merged(parts).compressedString == fixture["union"]?.string)
            #expect(try RunLengthEncoding.merged(parts, intersect: true).compressedString == fixture["intersection"]?.string)
        }
    }

    @Test("mask and box IoU with crowd ground truths equal pycocotools' iou")
    func intersectionOverUnion() throws {
        let fixture = LabelFixtures.pycocotools["iou"] ?? .null
        let height = fixture["height"]?.integer ?? 0, width = fixture["width"]?.integer ?? 0
        let crowd = (fixture["crowd"]?.numbers ?? []).map { $0 != 0 }
        func rles(_ key: String) throws -> [RunLengthEncoding] {
            try (fixture[key]?.array ?? []).map { try RunLengthEncoding(compressed: $0.string ?? "", height: height, width: width) }
        }
        let maskIoU = try OverlapMatrix.masks(detections: rles("detections"), groundTruths: rles("groundTruths"), isCrowd: crowd)
        #expect(maskIoU == fixture["maskIoU"]?.array?.map(\.numbers))
        #expect(maskIoU.flatMap { $0 }.contains { $0 > 0 })
        let boxIoU = try OverlapMatrix.boxes(detections: fixture["detectionBoxes"]?.array?.map(\.numbers) ?? [],
                                             groundTruths: fixture["groundTruthBoxes"]?.array?.map(\.numbers) ?? [],
                                             isCrowd: crowd)
        #expect(boxIoU == fixture["boxIoU"]?.array?.map(\.numbers))
    }

    @Test("a bad counts string is a typed error naming the character")
    func badString() {
        #expect(throws: LabelError.self) { try RunLengthEncoding(compressed: "0a~", height: 2, width: 2) }
        #expect(throws: LabelError.self) { try RunLengthEncoding(compressed: "0h", height: 2, width: 2) }
        #expect(throws: LabelError.self) { try RunLengthEncoding(height: 2, width: 2, counts: [1, 1]).decoded() }
    }
}
