import Foundation
import PerceptImage
import Testing
@testable import PerceptLabels

/// A fixed stream of numbers, so splits and choices are the same on every run.
private struct CountingGenerator: RandomNumberGenerator {
    var state: UInt64 = 0x1234_5678

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

struct DatasetToolsTests {
    /// A dataset of `count` images (`a0.png`, …) with classes cycling through 1, 2, 3 (class 1
    /// twice as often) and no files.
    private func synthetic(_ count: Int) -> LabelDataset {
        var dataset = LabelDataset(categories: [1, 2, 3].map { LabelCategory(id: $0, name: "c\($0)") })
        for index in 0..<count {
            dataset.images.append(DatasetImage(id: index + 1, file: "a\(index).png", width: 100, height: 50))
            let category = [1, 1, 2, 3][index % 4]
            dataset.annotations.append(Annotation(id: index + 1, imageID: index + 1, categoryID: category,
                                                  box: BoundingBox(x: 0, y: 0, width: Double(10 + index % 30), height: 10)))
        }
        return dataset
    }

    @Test("images that would land on one path are renamed in order, per layout")
    func separateNames() {
        var dataset = LabelDataset(images: [
            DatasetImage(id: 1, file: "a.png", width: 1, height: 1, split: "train"),
            DatasetImage(id: 2, file: "a.png", width: 1, height: 1, split: "val"),
            DatasetImage(id: 3, file: "a.jpg", width: 1, height: 1, split: "val"),
            DatasetImage(id: 4, file: "sub/a.png", width: 1, height: 1, split: "train"),
        ])
        var forYOLO = dataset
        let yoloRenamed = DatasetConversion.separateFileNames(&forYOLO, for: .yolo)
        // YOLO keeps splits, but a.png and a.jpg share the label file val/a.txt.
        #expect(forYOLO.images.map(\.file) == ["a.png", "a.png", "a_2.jpg", "sub/a.png"])
        #expect(yoloRenamed == [ConversionReport.Renamed(from: "val/a.jpg", to: "val/a_2.jpg")])
        let cocoRenamed = DatasetConversion.separateFileNames(&dataset, for: .coco)
        #expect(dataset.images.map(\.file) == ["a.png", "a_2.png", "a.jpg", "sub/a.png"])
        #expect(cocoRenamed.map(\.to) == ["val/a_2.png"])
    }

    @Test("the report names the renamed images and the conversion writes them apart")
    func conversionRenames() throws {
        let folder = try LabelFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var dataset = try RoundTrip.cocoSmall()
        dataset.images[1].file = dataset.images[0].file
        dataset.images[1].split = "val"
        let report = try DatasetConversion(to: .voc).write(dataset, from: .coco, to: folder)
        #expect(report.renamed.count == 1)
        #expect(report.json["renamed"]?.array?.count == 1)
        let written = Set(DatasetFiles.files(under: folder.appendingPathComponent("JPEGImages")))
        #expect(written.count == 3)
        #expect(DatasetFiles.exists(folder.appendingPathComponent(DatasetConversion.reportFileName)))
    }

    @Test("class edits run remap, drop, then the class list, and border drift is clipped")
    func prepare() throws {
        var dataset = synthetic(4)
        dataset.annotations[0].box = BoundingBox(minX: -0.3, minY: 0, maxX: 10, maxY: 50.2)
        let registry = try ClassRegistry(parsing: "7 merged\n", file: "classes.txt")
        let conversion = DatasetConversion(to: .coco, classes: registry, remapping: ["c1": "merged", "c2": "merged"], droppedClasses: ["c3"])
        let prepared = conversion.prepare(dataset)
        #expect(prepared.dataset.categories.map(\.id) == [7])
        #expect(prepared.dataset.annotations.count == 3)
        #expect(prepared.removedAnnotations == 1)
        #expect(prepared.unlistedClasses.isEmpty)
        #expect(prepared.clippedAnnotations == 1)
        #expect(prepared.dataset.annotations[0].box == BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 50))
    }

    @Test("imageLocations says where each writer puts each image", arguments: DatasetFormat.allCases)
    func imageLocations(format: DatasetFormat) throws {
        let dataset = try RoundTrip.cocoSmall()
        let folder = try LabelFixtures.temporaryFolder("\(format)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try format.write(dataset, to: folder)
        let locations = format.imageLocations(in: dataset)
        #expect(!locations.isEmpty)
        let imageFiles = DatasetFiles.files(under: folder, where: DatasetFiles.isImage)
        #expect(Set(locations.values) == Set(imageFiles))
    }

    @Test("split sizes follow the ratios with the remainders to the largest fractions")
    func partSizes() throws {
        let splitter = try DatasetSplitter(ratios: [0.8, 0.1, 0.1])
        #expect(splitter.partSizes(36) == [29, 4, 3])
        #expect(splitter.partSizes(3) == [3, 0, 0])
        #expect(try DatasetSplitter(parsing: "0.5,0.5").partSizes(5) == [3, 2])
        #expect(throws: LabelError.self) { try DatasetSplitter(ratios: [0.8, 0.3]) }
        #expect(throws: LabelError.self) { try DatasetSplitter(parsing: "0.8,x") }
        #expect(throws: LabelError.self) { try DatasetSplitter(ratios: [1]) }
    }

    @Test("a stratified split gives every part each class's share, and a seed repeats it")
    func stratifiedSplit() throws {
        let dataset = synthetic(40)
        let splitter = try DatasetSplitter(ratios: [0.5, 0.5], stratify: true)
        var random = CountingGenerator()
        let divided = splitter.split(dataset, using: &random)
        let classOf = Dictionary(uniqueKeysWithValues: divided.annotations.map { ($0.imageID, $0.categoryID) })
        for part in ["train", "val"] {
            let classes = divided.images.filter { $0.split == part }.compactMap { classOf[$0.id] }
            #expect(classes.filter { $0 == 1 }.count == 10)
            #expect(classes.filter { $0 == 2 }.count == 5)
        }
        var again = CountingGenerator()
        #expect(splitter.split(dataset, using: &again).images.map(\.split) == divided.images.map(\.split))
        var other = CountingGenerator(state: 99)
        #expect(splitter.split(dataset, using: &other).images.map(\.split) != divided.images.map(\.split))
    }

    @Test("statistics count classes, splits and background images and bin box sizes and aspects")
    func statistics() {
        var dataset = synthetic(8)
        dataset.images.append(DatasetImage(id: 9, file: "empty.png", width: 10, height: 10, split: "val"))
        let statistics = DatasetStatistics(dataset)
        #expect(statistics.imageCount == 9)
        #expect(statistics.backgroundImageCount == 1)
        #expect(statistics.imagesPerSplit.map(\.split) == ["val"])
        #expect(statistics.classes.map(\.annotations) == [4, 2, 2])
        #expect(statistics.boxSizes.counts.reduce(0, +) == 8)
        // Boxes 10…17 × 10: sqrt areas 10…13 fall in 8-16; aspects 1…1.7 in 1-2.
        #expect(statistics.boxSizes.counts[1] == 8)
        #expect(statistics.aspectRatios.counts[4] == 8)
        #expect(statistics.json["classes"]?.array?.count == 3)
    }

    @Test("a contact sheet has a tile per image and draws the boxes in the class colour")
    func contactSheet() throws {
        let dataset = try RoundTrip.cocoSmall()
        var random = CountingGenerator()
        let chosen = ContactSheet.choose(2, from: dataset, using: &random)
        #expect(chosen.count == 2)
        #expect(ContactSheet.choose(10, from: dataset, using: &random) == dataset.images.map(\.id))
        let (sheet, problems) = ContactSheet(tileSize: 64, columns: 3).render(dataset, imageIDs: dataset.images.map(\.id))
        #expect(problems.isEmpty)
        #expect(sheet.width == 3 * (64 + 4) + 4 && sheet.channels == 3)
        var missing = dataset
        missing.images[0].source = URL(fileURLWithPath: "/no/such/image.png")
        #expect(ContactSheet(tileSize: 64).render(missing, imageIDs: [missing.images[0].id]).problems.count == 1)
    }
}
