import Foundation
import PerceptImage
import PerceptLabels
import PerceptTensor
import Testing
@testable import PerceptData

@Suite("Segmentation data: synthetic shapes, mask folders, label files and bad input")
struct SegmentationDataTests {
    /// A synth-shapes folder of `count` images of 32 pixels.
    static func shapes(count: Int = 10, function: String = #function) throws -> URL {
        let folder = try DataFixtures.temporaryFolder(function)
        try SyntheticShapes.write(to: folder, count: count, size: 32, validationFraction: 0.2, seed: 4)
        return folder
    }

    @Test("synth-shapes writes images, masks, COCO polygons and classes; the same seed writes the same bytes")
    func writesDataset() throws {
        let first = try Self.shapes(), second = try Self.shapes()
        defer { try? FileManager.default.removeItem(at: first); try? FileManager.default.removeItem(at: second) }
        let trainImages = try FileManager.default.contentsOfDirectory(atPath: first.appendingPathComponent("images/train").path)
        #expect(trainImages.count == 8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: first.appendingPathComponent("masks/val").path).sorted() == ["00008.png", "00009.png"])
        for file in ["annotations.json", "classes.txt", "images/train/00000.png", "masks/val/00009.png"] {
            #expect(try Data(contentsOf: first.appendingPathComponent(file)) == Data(contentsOf: second.appendingPathComponent(file)), "\(file)")
        }
        let mask = try Image(contentsOf: first.appendingPathComponent("masks/train/00000.png"))
        #expect(mask.channels == 1)
        guard case .uint8(let ids) = mask.samples else { Issue.record("mask is not 8-bit"); return }
        #expect(ids.contains(0) && ids.contains { $0 > 0 } && ids.allSatisfy { $0 <= 4 })
    }

    @Test("the mask folder reads as examples of [3, H, W] and int64 [H, W] with the train/val split")
    func readsMaskFolders() throws {
        let folder = try Self.shapes()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try SegmentationData.load(folder.path)
        #expect(data.classNames == SyntheticShapes.classNames)
        #expect(data.train.count == 8 && data.validation.count == 2 && data.train.channels == 3)
        let example = try data.train.example(at: 0)
        #expect(example.input.shape == [3, 32, 32] && example.target.shape == [32, 32] && example.target.dtype == .int64)
    }

    @Test("COCO polygons drawn in order give exactly the masks synth-shapes wrote")
    func cocoPolygonsMatchMasks() throws {
        let folder = try Self.shapes()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fromMasks = try SegmentationData.load(folder.path)
        let written = try (0..<8).map { try fromMasks.train.pair(at: $0).classIDs }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("masks"))
        let fromLabels = try SegmentationData.load(folder.path)
        #expect(fromLabels.classNames == SyntheticShapes.classNames)
        #expect(fromLabels.train.count == 8 && fromLabels.validation.count == 2)
        for index in 0..<8 {
            #expect(fromLabels.train.items[index].image == fromMasks.train.items[index].image)
            #expect(try fromLabels.train.pair(at: index).classIDs == written[index], "image \(index)")
        }
    }

    @Test("gray and VOC-colour label images decode to class ids; an unknown colour names the file and pixel")
    func maskDecoding() throws {
        let gray = try Image(width: 2, height: 1, channels: 1, samples: .uint8([0, 3]))
        #expect(try MaskDecoding.classIDs(gray, ignoreIndex: 255, file: "g.png") == [0, 3])
        let colours = [MaskDecoding.vocColour(1), MaskDecoding.vocColour(15), (red: UInt8(224), green: UInt8(224), blue: UInt8(192))]
        #expect(colours[0] == (128, 0, 0) && colours[1] == (192, 128, 128))
        let voc = try Image(width: 3, height: 1, channels: 3, samples: .uint8(colours.flatMap { [$0.red, $0.green, $0.blue] }))
        #expect(try MaskDecoding.classIDs(voc, ignoreIndex: 255, file: "v.png") == [1, 15, 255])
        let odd = try Image(width: 2, height: 1, channels: 3, samples: .uint8([0, 0, 0, 1, 2, 3]))
        let error = #expect(throws: DataError.self) { try MaskDecoding.classIDs(odd, ignoreIndex: 255, file: "odd.png") }
        #expect(error?.description.contains("odd.png: pixel (1, 0)") == true)
    }

    /// A one-image mask folder with the given image and mask.
    static func oneImage(_ image: Image, mask: Image, classes: [String] = ["background", "thing"], function: String = #function) throws -> URL {
        let folder = try DataFixtures.temporaryFolder(function)
        for kind in ["images", "masks"] { try FileManager.default.createDirectory(at: folder.appendingPathComponent(kind), withIntermediateDirectories: true) }
        try image.write(to: folder.appendingPathComponent("images/a.png"))
        try mask.write(to: folder.appendingPathComponent("masks/a.png"))
        try Data(classes.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("classes.txt"))
        return folder
    }

    @Test("a mask whose size differs from its image is an error naming the mask")
    func sizeMismatch() throws {
        let folder = try Self.oneImage(Image(width: 8, height: 8, channels: 3), mask: Image(width: 8, height: 6, channels: 1))
        defer { try? FileManager.default.removeItem(at: folder) }
        let items = [SegmentationDataset.Item(image: folder.appendingPathComponent("images/a.png").path, mask: .labelImage(folder.appendingPathComponent("masks/a.png").path))]
        let dataset = try SegmentationDataset(items: items, classNames: ["background", "thing"], channels: 3)
        let error = #expect(throws: DataError.self) { try dataset.example(at: 0) }
        #expect(error?.description.contains("masks/a.png: mask: the mask is 8x6 but its image is 8x8") == true, "\(String(describing: error))")
    }

    @Test("a class id beyond the classes is an error naming the mask and pixel; the ignore value is not")
    func classBeyondRange() throws {
        var ids = [UInt8](repeating: 0, count: 16)
        ids[5] = 255
        let fine = try Self.oneImage(Image(width: 4, height: 4, channels: 3), mask: Image(width: 4, height: 4, channels: 1, samples: .uint8(ids)))
        defer { try? FileManager.default.removeItem(at: fine) }
        let items = [SegmentationDataset.Item(image: fine.appendingPathComponent("images/a.png").path, mask: .labelImage(fine.appendingPathComponent("masks/a.png").path))]
        let dataset = try SegmentationDataset(items: items, classNames: ["background", "thing"], channels: 3)
        #expect(try dataset.example(at: 0).target.toIntArray()[5] == 255)
        ids[6] = 2
        try Image(width: 4, height: 4, channels: 1, samples: .uint8(ids)).write(to: fine.appendingPathComponent("masks/a.png"))
        let error = #expect(throws: DataError.self) { try dataset.example(at: 0) }
        #expect(error?.description.contains("masks/a.png: pixel (2, 1): class id 2 is beyond the 2 classes") == true, "\(String(describing: error))")
    }

    @Test("a gray model given an RGB image, and an RGB model given a gray one, is an error naming the image")
    func channelMismatch() throws {
        let folder = try Self.oneImage(Image(width: 4, height: 4, channels: 3), mask: Image(width: 4, height: 4, channels: 1))
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("images/a.png").path
        let rgbError = #expect(throws: DataError.self) { try SegmentationDataset.modelImage(image, channels: 1) }
        #expect(rgbError?.description.contains("a.png: image: the model reads gray images; this one is RGB") == true)
        try Image(width: 4, height: 4, channels: 1).write(to: URL(fileURLWithPath: image))
        let grayError = #expect(throws: DataError.self) { try SegmentationDataset.modelImage(image, channels: 3) }
        #expect(grayError?.description.contains("a.png: image: the model reads RGB images; this one is gray") == true)
    }

    @Test("a mask folder without classes.txt is an error naming the file it needs")
    func missingClasses() throws {
        let folder = try Self.oneImage(Image(width: 4, height: 4, channels: 3), mask: Image(width: 4, height: 4, channels: 1))
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("classes.txt"))
        let error = #expect(throws: DataError.self) { try SegmentationData.load(folder.path) }
        #expect(error?.description.contains("classes.txt") == true)
    }
}
