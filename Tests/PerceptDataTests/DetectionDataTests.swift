import Foundation
import PerceptAugment
import PerceptImage
import PerceptLabels
import PerceptRandom
import PerceptTensor
import Testing
@testable import PerceptData

@Suite("Detection data: synth-detect, YOLO/COCO folders, letterboxed examples, batches and bad input")
struct DetectionDataTests {
    /// A synth-detect folder of `train` + `val` images of 64 pixels.
    static func scenes(_ format: DatasetFormat = .yolo, train: Int = 12, val: Int = 4, seed: UInt64 = 5,
                       function: String = #function) throws -> URL {
        let folder = try DataFixtures.temporaryFolder(function)
        _ = try SyntheticDetection.write(to: folder, trainCount: train, validationCount: val, size: 64, seed: seed, format: format, items: nil)
        return folder
    }

    /// Every file under `folder` with its bytes, by relative path.
    static func contents(of folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard !url.hasDirectoryPath else { continue }
            result[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
        }
        return result
    }

    @Test("synth-detect writes the same bytes for the same seed, in both layouts, and other bytes for another seed",
          arguments: [DatasetFormat.yolo, .coco])
    func deterministic(format: DatasetFormat) throws {
        let folder = try Self.scenes(format)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Self.contents(of: folder)
        try FileManager.default.removeItem(at: folder)
        _ = try SyntheticDetection.write(to: folder, trainCount: 12, validationCount: 4, size: 64, seed: 5, format: format, items: nil)
        let second = try Self.contents(of: folder)
        #expect(first.count == (format == .yolo ? 16 * 2 + 1 : 16 + 1))
        #expect(first == second)
        let other = try Self.scenes(format, seed: 6)
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(try Self.contents(of: other)["/images/train/00000.png"] != first["/images/train/00000.png"])
    }

    @Test("percept validate's checks find no errors in either layout; the classes are the five shapes",
          arguments: [DatasetFormat.yolo, .coco])
    func validates(format: DatasetFormat) throws {
        let folder = try Self.scenes(format, train: 30, val: 5)
        defer { try? FileManager.default.removeItem(at: folder) }
        let problems = DatasetValidator(decodeImages: true).validate(folder: folder, format: format)
        #expect(problems.filter { $0.severity == .error }.isEmpty, "\(problems)")
        let (labels, _) = format.read(folder: folder)
        #expect(labels.categories.sorted { $0.id < $1.id }.map(\.name) == SyntheticDetection.shapeClassNames)
        #expect(labels.images.count == 35 && labels.annotations.count > 35)
    }

    /// The extent (pixel edges) of the pixels that differ between two RGB buffers of `size` square.
    static func changedExtent(_ before: [UInt8], _ after: [UInt8], size: Int) -> BoundingBox? {
        var minX = size, minY = size, maxX = -1, maxY = -1
        for y in 0..<size {
            for x in 0..<size where (0..<3).contains(where: { before[(y * size + x) * 3 + $0] != after[(y * size + x) * 3 + $0] }) {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        return maxX < 0 ? nil : BoundingBox(minX: Double(minX), minY: Double(minY), maxX: Double(maxX + 1), maxY: Double(maxY + 1))
    }

    @Test("every shape's box is exactly the extent of the pixels it painted, also when the image edge cuts it")
    func shapeBoxesAreExact() throws {
        let size = 64
        var random = Xoshiro256StarStar(seed: 21)
        var checked = 0, cut = 0
        for _ in 0..<300 {
            let background = (0..<size * size * 3).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
            var pixels = background
            let radius = Double.random(in: 3...20, using: &random)
            let centre = Point(x: Double.random(in: -5...69, using: &random), y: Double.random(in: -5...69, using: &random))
            guard let object = SyntheticDetection.drawShape(into: &pixels, size: size, centre: centre, radius: radius, random: &random) else {
                #expect(pixels == background, "a shape without a box paints nothing")
                continue
            }
            #expect(Self.changedExtent(background, pixels, size: size) == object.box)
            checked += 1
            if object.box.minX == 0 || object.box.minY == 0 || object.box.maxX == 64 || object.box.maxY == 64 { cut += 1 }
        }
        #expect(checked > 200 && cut > 20, "\(checked) shapes, \(cut) cut by the edge")
    }

    @Test("a Fashion-MNIST item's box is the extent of its pixels at grey level 32 or more; groups follow the labels")
    func fashionItemBoxes() throws {
        let size = 64
        // Two items of 28 × 28: a trouser (label 1) filling rows 4...23 of columns 10...17, and an ankle boot (label 9).
        var itemPixels = [UInt8](repeating: 0, count: 2 * 28 * 28)
        for y in 4...23 { for x in 10...17 { itemPixels[y * 28 + x] = 200 } }
        for y in 0..<28 { for x in 0..<28 { itemPixels[28 * 28 + y * 28 + x] = y > 14 ? 255 : 0 } }
        let split = try ByteImageDataset(pixels: itemPixels, labels: [1, 9], classNames: MNISTFiles.fashionClassNames,
                                         imageShape: [1, 28, 28], file: "<memory>")
        let items = FashionItems(train: split, validation: split)
        var random = Xoshiro256StarStar(seed: 2)
        var groups = Set<Int>()
        for _ in 0..<40 {
            let background = [UInt8](repeating: 0, count: size * size * 3)
            var pixels = background
            // Side 56 (scale 2): the trouser's box is 16 × 40 pixels, the boot's 56 × ~26.
            let object = try #require(items.paste(into: &pixels, size: size, centre: Point(x: 32, y: 32), radius: 28,
                                                  validation: false, random: &random))
            groups.insert(object.classIndex)
            let box = object.box
            if object.classIndex == 6 {
                #expect(abs((box.maxX - box.minX) - 16) <= 2 && abs((box.maxY - box.minY) - 40) <= 2, "\(box)")
            } else {
                #expect(object.classIndex == 8 && box.minX == 4 && box.maxX == 60, "\(object)")
            }
            let extent = try #require(Self.changedExtent(background, pixels, size: size))
            #expect(extent.minX <= box.minX && extent.maxX >= box.maxX && extent.minY <= box.minY && extent.maxY >= box.maxY)
        }
        #expect(groups == [6, 8])
        #expect(SyntheticDetection.classNames(withFashionItems: true) == SyntheticDetection.shapeClassNames + ["top", "trouser", "dress", "footwear", "bag"])
    }

    @Test("shapes, sizes and a share of background images over many scenes: some objects touch the image edge")
    func sceneStatistics() {
        var objects = 0, background = 0, truncated = 0, classes = Set<Int>()
        for index in 0..<200 {
            let scene = SyntheticDetection.scene(index: index, size: 128, seed: 11, items: nil)
            if scene.objects.isEmpty { background += 1 }
            objects += scene.objects.count
            classes.formUnion(scene.objects.map(\.classIndex))
            truncated += scene.objects.filter { $0.box.minX == 0 || $0.box.minY == 0 || $0.box.maxX == 128 || $0.box.maxY == 128 }.count
        }
        #expect(classes == Set(0..<5))
        #expect((1...30).contains(background), "\(background) background images of 200")
        #expect(objects > 400 && truncated > 20, "\(objects) objects, \(truncated) truncated")
    }

    @Test("examples are letterboxed [3, s, s] inputs with [n, 5] targets whose boxes map back to the labels within 0.5 px")
    func letterboxRoundTrip() throws {
        let folder = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A 90 × 50 image letterboxed to 64: scale 64/90, 28 rows of padding.
        let image = Image(width: 90, height: 50, channels: 3)
        let labels = LabelDataset(images: [DatasetImage(id: 1, file: "a.png", width: 90, height: 50, split: "train", source: nil)],
                                  categories: [LabelCategory(id: 0, name: "cat"), LabelCategory(id: 1, name: "dog")],
                                  annotations: [Annotation(id: 1, imageID: 1, categoryID: 1, box: BoundingBox(minX: 10, minY: 5, maxX: 40, maxY: 45)),
                                                Annotation(id: 2, imageID: 1, categoryID: 0, box: BoundingBox(minX: 61.5, minY: 0, maxX: 90, maxY: 17))])
        try DatasetFormat.yolo.write(labels, to: folder, images: .none)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("images/train"), withIntermediateDirectories: true)
        try image.write(to: folder.appendingPathComponent("images/train/a.png"))
        let data = try DetectionDataset(data: folder.appendingPathComponent("data.yaml"), split: "train", imageSize: 64)
        #expect(data.classNames == ["cat", "dog"] && data.count == 1)
        let example = try data.example(at: 0)
        #expect(example.input.shape == [3, 64, 64] && example.target.shape == [2, 5])
        let rows = example.target.toArray()
        #expect(rows[0] == 1 && rows[5] == 0)
        let frame = try data.letterboxed(at: 0).frame
        for (row, expected) in zip(0..<2, labels.annotations.map { $0.box! }) {
            let values = rows[row * 5..<(row + 1) * 5].map(Double.init)
            let onCanvas = BoundingBox(minX: (values[1] - values[3] / 2) * 64, minY: (values[2] - values[4] / 2) * 64,
                                       maxX: (values[1] + values[3] / 2) * 64, maxY: (values[2] + values[4] / 2) * 64)
            let back = frame.sourceBox(onCanvas)
            for (found, wanted) in [(back.minX, expected.minX), (back.minY, expected.minY), (back.maxX, expected.maxX), (back.maxY, expected.maxY)] {
                #expect(abs(found - wanted) <= 0.5, "\(back) vs \(expected)")
            }
        }
        // The padding is grey 114 and the image sits between the bars.
        let pixels = example.input.toArray()
        #expect(abs(pixels[0] - 114 / 255) < 1e-6 && pixels[32 * 64 + 32] == 0)
    }

    @Test("empty label files are background images: [0, 5] targets, and a batch's [M, 6] rows carry each image's position")
    func backgroundImagesAndCollation() throws {
        let folder = try Self.scenes(train: 40, val: 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try DetectionDataset(data: folder, split: "train", imageSize: 64)
        let empty = try #require(data.records.firstIndex { $0.boxes.isEmpty }, "synth-detect makes some background images")
        #expect(try data.example(at: empty).target.shape == [0, 5])
        let loader = try DataLoader(data, batchSize: 8, sampler: .sequential, name: folder.path, collation: .detection)
        var epoch = loader.batches(epoch: 0)
        var seen = 0
        while let batch = try epoch.next() {
            #expect(batch.input.shape == [batch.count, 3, 64, 64])
            let expectedRows = batch.indices.reduce(0) { $0 + data.records[$1].boxes.count }
            #expect(batch.target.shape == [expectedRows, 6])
            let values = batch.target.toArray()
            var row = 0
            for (position, index) in batch.indices.enumerated() {
                for classIndex in data.records[index].classes {
                    #expect(values[row * 6] == Float(position) && values[row * 6 + 1] == Float(classIndex))
                    #expect(values[row * 6 + 2...row * 6 + 5].allSatisfy { (0...1).contains($0) })
                    row += 1
                }
            }
            seen += batch.count
        }
        #expect(seen == 40)
    }

    @Test("a COCO folder reads as the same dataset as the YOLO one: splits from the image folders, names, boxes within 1e-3 px")
    func cocoMatchesYOLO() throws {
        let yolo = try Self.scenes(.yolo), coco = try Self.scenes(.coco)
        defer { try? FileManager.default.removeItem(at: yolo); try? FileManager.default.removeItem(at: coco) }
        for split in ["train", "val"] {
            let fromYOLO = try DetectionDataset(data: yolo, split: split, imageSize: 64)
            let fromCOCO = try DetectionDataset(data: coco, split: split, imageSize: 64)
            #expect(fromCOCO.count == (split == "train" ? 12 : 4) && fromCOCO.classNames == fromYOLO.classNames)
            for (first, second) in zip(fromYOLO.records, fromCOCO.records) {
                #expect(first.file.lastPathComponent == second.file.lastPathComponent && first.classes == second.classes)
                for (a, b) in zip(first.boxes, second.boxes) {
                    #expect(abs(a.minX - b.minX) < 1e-3 && abs(a.minY - b.minY) < 1e-3 && abs(a.maxX - b.maxX) < 1e-3 && abs(a.maxY - b.maxY) < 1e-3)
                }
            }
        }
    }

    @Test("a class id beyond the names is an error naming the label file and line")
    func classBeyondNames() throws {
        let folder = try Self.scenes(train: 3, val: 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let label = folder.appendingPathComponent("labels/train/00001.txt")
        try "7 0.5 0.5 0.2 0.2\n".write(to: label, atomically: true, encoding: .utf8)
        #expect {
            try DetectionDataset(data: folder, split: "train", imageSize: 64)
        } throws: { error in
            "\(error)".contains(label.path) && "\(error)".contains("line 1") && "\(error)".contains("class 7")
        }
    }

    @Test("a data.yaml whose image folder does not exist is an error naming data.yaml; a missing split too")
    func missingPaths() throws {
        let folder = try Self.scenes(train: 3, val: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: DataError.self) { try DetectionDataset(data: folder, split: "test", imageSize: 64) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("images/val"))
        #expect {
            try DetectionDataset(data: folder.appendingPathComponent("data.yaml"), split: "train", imageSize: 64)
        } throws: { error in
            "\(error)".contains("data.yaml") && "\(error)".contains("images/val")
        }
        let empty = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: DataError.self) { try DetectionDataset(data: empty, split: "train", imageSize: 64) }
    }

    @Test("an image that cannot be decoded is left out with a warning naming it; the rest load")
    func undecodableImage() throws {
        let folder = try Self.scenes(train: 4, val: 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("images/train/00002.png")
        try Data("not a png".utf8).write(to: broken)
        let data = try DetectionDataset(data: folder, split: "train", imageSize: 64)
        #expect(data.count == 3)
        #expect(data.warnings.contains { $0.file == broken.path && $0.severity == .warning })
        for index in 0..<data.count { _ = try data.example(at: index) }
    }

    @Test("the augmented training set gives the same batch for the same seed and epoch, another for another epoch; mosaic closes")
    func augmentedBatches() throws {
        let folder = try Self.scenes(train: 16, val: 0)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try DetectionDataset(data: folder, split: "train", imageSize: 64)
        func batch(epoch: Int, workers: Int) throws -> Batch? {
            let train = try AugmentedDetectionDataset(data, augmentation: DetectionAugmentation(imageSize: 64), seed: 9)
            train.startEpoch(epoch, of: 5, closeMosaic: 2)
            let loader = try DataLoader(train, batchSize: 4, seed: 9, workers: workers, collation: .detection)
            var batches = loader.batches(epoch: epoch)
            return try batches.next()
        }
        let first = try #require(try batch(epoch: 0, workers: 0)), again = try #require(try batch(epoch: 0, workers: 2))
        #expect(first.input.toArray() == again.input.toArray() && first.target.toArray() == again.target.toArray())
        let later = try #require(try batch(epoch: 1, workers: 0))
        #expect(later.input.toArray() != first.input.toArray())
        let train = try AugmentedDetectionDataset(data, augmentation: DetectionAugmentation(imageSize: 64), seed: 9)
        train.startEpoch(2, of: 5, closeMosaic: 2)
        #expect(train.usesMosaic)
        train.startEpoch(3, of: 5, closeMosaic: 2)
        #expect(!train.usesMosaic)
        #expect(try train.example(at: 0).input.shape == [3, 64, 64])
    }

    @Test("anchor k-means on 1 − IoU recovers three known clusters of box sizes; BPR is 1")
    func anchorClusters() throws {
        let centres = [AnchorFitting.Size(width: 12, height: 16), AnchorFitting.Size(width: 60, height: 40), AnchorFitting.Size(width: 150, height: 220)]
        var sizes: [AnchorFitting.Size] = []
        for (index, centre) in centres.enumerated() {
            for step in 0..<60 {
                let wobble = 1 + 0.04 * sin(Double(step * (index + 3)))
                sizes.append(AnchorFitting.Size(width: centre.width * wobble, height: centre.height / wobble))
            }
        }
        let fit = try AnchorFitting.fit(sizes, count: 3, generations: 200, seed: 1)
        #expect(fit.anchors.count == 3 && fit.bestPossibleRecall == 1)
        for (found, wanted) in zip(fit.anchors, centres) {
            #expect(abs(found.width / wanted.width - 1) < 0.06 && abs(found.height / wanted.height - 1) < 0.06, "\(found) vs \(wanted)")
        }
        #expect(fit.meanBestIoU > 0.9 && fit.fitness >= fit.kMeansFitness)
        #expect(throws: DataError.self) { try AnchorFitting.fit(Array(sizes.prefix(2)), count: 3) }
    }
}
