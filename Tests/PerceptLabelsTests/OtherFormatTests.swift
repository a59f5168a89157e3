import Foundation
import PerceptImage
import Testing
@testable import PerceptLabels

struct OtherFormatTests {
    @Test("COCO → CVAT, Label Studio → COCO keep every box, polygons and category ids", arguments: [DatasetFormat.cvat, .labelStudio])
    func namedFormats(format: DatasetFormat) throws {
        let original = try RoundTrip.cocoSmall()
        let folder = try LabelFixtures.temporaryFolder("\(format)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try format.write(original, to: folder)
        #expect(DatasetFormat.detect(folder: folder) == format)
        let (restored, problems) = format.read(folder: folder)
        #expect(problems.isEmpty)
        #expect(restored.categories.map(\.id) == [1, 5, 17])
        #expect(RoundTrip.boxesMatch(original, restored))
        #expect(restored.annotations.filter { !$0.polygons.isEmpty }.count == 1)
        if format == .cvat {
            let street = try #require(restored.images.first { $0.file == "street.png" })
            #expect(restored.annotations.first { $0.imageID == street.id }?.attribute("difficult") == 1)
        }
    }

    @Test("class folders keep each image's class and the category ids")
    func classFolders() throws {
        let original = try RoundTrip.cocoSmall()
        let folder = try LabelFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try DatasetFormat.folders.write(original, to: folder.appendingPathComponent("first"))
        let (first, problems) = DatasetFormat.folders.read(folder: folder.appendingPathComponent("first"))
        #expect(problems.isEmpty)
        #expect(first.categories.map(\.id) == [1, 5, 17])
        let classOf = Dictionary(uniqueKeysWithValues: first.images.map { image in
            (image.file, first.annotations.first { $0.imageID == image.id }?.categoryID)
        })
        #expect(classOf == ["street.png": 1, "park.png": 17, "room.png": 1])
        try DatasetFormat.folders.write(first, to: folder.appendingPathComponent("second"))
        var (second, _) = DatasetFormat.folders.read(folder: folder.appendingPathComponent("second"))
        for index in second.images.indices { second.images[index].source = first.images[index].source }
        #expect(second == first)
    }

    @Test("the report lists exactly what each direction cannot carry")
    func report() throws {
        let original = try RoundTrip.cocoSmall()
        func losses(_ target: DatasetFormat) -> [String] {
            ConversionReport(dataset: original, from: .coco, to: target).losses.map {
                "\($0.feature.rawValue) \($0.count) \($0.files.joined(separator: ","))"
            }
        }
        #expect(losses(.yolo) == ["crowd 1 park.png", "voc_attributes 2 room.png,street.png", "attributes 1 street.png",
                                  "category_details 3 ", "info 2 "])
        #expect(losses(.voc) == ["polygons 1 street.png", "crowd 1 park.png", "attributes 1 street.png", "category_details 3 ", "info 2 "])
        #expect(losses(.cvat) == ["crowd 1 park.png", "category_details 3 ", "info 2 "])
        #expect(losses(.coco).isEmpty)
        let toFolders = ConversionReport(dataset: original, from: .coco, to: .folders)
        #expect(toFolders.losses.first?.effect == "boxes reduced to the image's class")
        #expect(toFolders.json["to"] == "folders")
    }

    @Test("a class list fixes ids, remapping merges classes and dropping removes them")
    func registry() throws {
        let registry = try ClassRegistry(parsing: "# ids\n3 dog\n4 cat\n\n9 bird\n", file: "classes.txt")
        #expect(registry.classes.map(\.id) == [3, 4, 9])
        #expect(throws: LabelError.self) { try ClassRegistry(parsing: "cat\n2 dog\n", file: "mixed.txt") }
        #expect(try ClassRegistry(parsing: "cat\ndog\n", file: "names.txt").classes.map(\.id) == [0, 1])
        var dataset = try RoundTrip.cocoSmall()
        #expect(dataset.adoptClasses(registry).isEmpty)
        #expect(Set(dataset.annotations.map(\.categoryID)) == [3, 4, 9])
        let merged = dataset.renameClasses(try ClassRegistry.parseRemapping("dog:pet,cat:pet"))
        #expect(merged == 2)
        #expect(dataset.categories.map(\.name) == ["pet", "bird"])
        #expect(dataset.dropClasses(["bird"]) == 1)
        #expect(throws: LabelError.self) { try ClassRegistry.parseRemapping("dog") }
    }
}
