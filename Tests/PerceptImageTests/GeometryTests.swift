import Testing
@testable import PerceptImage

@Suite("shared geometry")
struct GeometryTests {
    let size = ImageSize(width: 200, height: 100)
    let box = BoundingBox(minX: 10, minY: 20, maxX: 50, maxY: 80)

    @Test("every box format round-trips through xyxy", arguments: BoundingBoxFormat.allCases)
    func roundTrip(format: BoundingBoxFormat) throws {
        let values = try box.values(in: format, imageSize: size)
        let back = try BoundingBox(values, format: format, imageSize: size)
        #expect(abs(back.minX - box.minX) < 1e-9 && abs(back.minY - box.minY) < 1e-9)
        #expect(abs(back.maxX - box.maxX) < 1e-9 && abs(back.maxY - box.maxY) < 1e-9)
    }

    @Test("COCO and YOLO numbers are what the formats define")
    func knownValues() throws {
        #expect(try box.values(in: .coco) == [10, 20, 40, 60])
        #expect(try box.values(in: .yolo, imageSize: size) == [0.15, 0.5, 0.2, 0.6])
        #expect(box.yolo(in: size) == [0.15, 0.5, 0.2, 0.6])
        #expect(box.coco == [10, 20, 40, 60])
    }

    @Test("YOLO without an image size is an error")
    func yoloNeedsSize() {
        #expect(throws: ImageError.self) { try BoundingBox([0.5, 0.5, 0.1, 0.1], format: .yolo) }
        #expect(throws: ImageError.self) { try BoundingBox([1, 2, 3], format: .coco) }
    }

    @Test("clipping keeps a box slightly outside the canvas on the canvas")
    func clipping() {
        let outside = BoundingBox(minX: -0.04, minY: -5, maxX: 200.06, maxY: 50)
        #expect(outside.clipped(to: size) == BoundingBox(minX: 0, minY: 0, maxX: 200, maxY: 50))
        #expect(BoundingBox(minX: 300, minY: 0, maxX: 400, maxY: 10).clipped(to: size).isEmpty)
    }

    @Test("area and IoU follow their definitions")
    func areaAndIoU() {
        let other = BoundingBox(minX: 30, minY: 20, maxX: 70, maxY: 80)
        #expect(box.area == 2400)
        #expect(abs(box.intersectionOverUnion(other) - 1200.0 / 3600.0) < 1e-12)
        #expect(box.intersectionOverUnion(box) == 1)
        #expect(box.intersectionOverUnion(BoundingBox(minX: 100, minY: 0, maxX: 110, maxY: 5)) == 0)
        #expect(BoundingBox(minX: 5, minY: 5, maxX: 1, maxY: 9).area == 0)
    }

    @Test("polygon area, bounds and flat form")
    func polygon() throws {
        let square = try Polygon(flat: [0, 0, 4, 0, 4, 3, 0, 3])
        #expect(square.area == 12)
        #expect(square.boundingBox == BoundingBox(minX: 0, minY: 0, maxX: 4, maxY: 3))
        #expect(square.flat == [0, 0, 4, 0, 4, 3, 0, 3])
        #expect(throws: ImageError.self) { try Polygon(flat: [1, 2, 3]) }
    }

    @Test("a rasterised rectangle fills exactly its pixels and its mask box matches")
    func maskFromPolygon() throws {
        let rectangle = try Polygon(flat: [2, 1, 6, 1, 6, 4, 2, 4])
        let mask = Mask(polygon: rectangle, width: 10, height: 8)
        #expect(mask.area == 12)
        #expect(mask.boundingBox == BoundingBox(minX: 2, minY: 1, maxX: 6, maxY: 4))
        #expect(try mask.intersectionOverUnion(mask) == 1)
        #expect(Mask(width: 3, height: 3).boundingBox == nil)
    }

    @Test("COCO keypoints keep their visibility and reject unknown flags")
    func keypoints() throws {
        let points = try Keypoint.fromCOCO([1, 2, 2, 3, 4, 1, 0, 0, 0])
        #expect(points.map(\.visibility) == [.visible, .occluded, .notLabeled])
        #expect(Keypoint.toCOCO(points) == [1, 2, 2, 3, 4, 1, 0, 0, 0])
        #expect(throws: ImageError.self) { try Keypoint.fromCOCO([1, 2, 3]) }
        #expect(throws: ImageError.self) { try Keypoint.fromCOCO([1, 2]) }
    }
}
