import Foundation
import PerceptImage
import PerceptTensor
import Testing
@testable import PerceptData

/// Writes `count` PNGs of `channels` channels and `size`×`size` pixels into `folder/name`.
func writeClass(_ name: String, in folder: URL, count: Int, channels: Int = 3, size: Int = 4, value: UInt8 = 100) throws {
    let classFolder = folder.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
    for index in 0..<count {
        let samples = [UInt8](repeating: value &+ UInt8(index), count: size * size * channels)
        try Image(width: size, height: size, channels: channels, samples: .uint8(samples))
            .write(to: classFolder.appendingPathComponent("image\(index).png"))
    }
}

@Suite("Image folders as classification data")
struct ImageFolderTests {
    @Test("one folder of class folders is split stratified by the validation fraction, reproducibly")
    func splitFolder() throws {
        let root = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeClass("dog", in: root, count: 5)
        try writeClass("cat", in: root, count: 10)
        let options = ClassificationDataOptions(validationFraction: 0.2, seed: 3)
        let data = try ImageFolder.load(root, options: options)
        #expect(data.classNames == ["cat", "dog"])
        #expect(data.train.count == 12)
        #expect(data.validation.count == 3)
        #expect(data.validation.classCounts == [2, 1])
        #expect(data.inputShape == [3, 4, 4])
        #expect(data.warnings.isEmpty)
        let again = try ImageFolder.load(root, options: options)
        #expect((again.validation as? ImageFolderDataset)?.files == (data.validation as? ImageFolderDataset)?.files)
        let example = try data.train.example(at: 0)
        #expect(example.input.shape == [3, 4, 4])
        #expect(example.input.toArray()[0] == Float(100) / 255)
    }

    @Test("ImageNet layout: train/ and val/ with the same classes, batched through the loader")
    func imageNetLayout() throws {
        let root = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        for (split, count) in [("train", 3), ("val", 1)] {
            try writeClass("n01", in: root.appendingPathComponent(split), count: count)
            try writeClass("n02", in: root.appendingPathComponent(split), count: count)
        }
        let data = try ClassificationData.load(root.path)
        #expect(data.train.count == 6)
        #expect(data.validation.count == 2)
        #expect(data.validation.classCounts == [1, 1])
        let loader = try DataLoader(data.train, batchSize: 4, seed: 1, workers: 2)
        var epoch = loader.batches(epoch: 0)
        #expect(try epoch.next()?.input.shape == [4, 3, 4, 4])
        #expect(try epoch.next()?.target.shape == [2])
    }

    @Test("a mixed gray/RGB folder is converted to the majority, with a warning")
    func mixedChannels() throws {
        let root = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeClass("a", in: root, count: 3, channels: 1)
        try writeClass("b", in: root, count: 2, channels: 1)
        try writeClass("c", in: root, count: 2, channels: 3)
        let data = try ImageFolder.load(root, options: ClassificationDataOptions(validationFraction: 0.5))
        #expect(data.inputShape == [1, 4, 4])
        #expect(data.warnings == [.mixedChannels(folder: root.path, gray: 5, color: 2, channels: 1)])
        let colour = try #require((data.train as? ImageFolderDataset)?.labels.firstIndex(of: 2))
        #expect(try data.train.example(at: colour).input.shape == [1, 4, 4])
    }

    @Test("images of different sizes need an image size, which resizes them all")
    func sizes() throws {
        let root = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeClass("a", in: root, count: 2, size: 4)
        try writeClass("b", in: root, count: 2, size: 6)
        #expect(throws: DataError.self) { try ImageFolder.load(root, options: ClassificationDataOptions(validationFraction: 0.5)) }
        let resized = try ImageFolder.load(root, options: ClassificationDataOptions(validationFraction: 0.5,
                                                                                    imageSize: ImageSize(width: 5, height: 3)))
        #expect(resized.inputShape == [3, 3, 5])
        #expect(try resized.train.example(at: 1).input.shape == [3, 3, 5])
    }

    @Test("an empty class folder and a single class are typed errors naming the folder")
    func emptyAndSingleClass() throws {
        let root = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeClass("a", in: root, count: 2)
        #expect(throws: DataError.singleClass(file: root.path, className: "a")) { try ImageFolder.load(root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b"), withIntermediateDirectories: true)
        #expect(throws: DataError.emptyClass(folder: root.appendingPathComponent("b").path, className: "b")) {
            try ImageFolder.load(root)
        }
    }

    @Test("an unreadable image stops the load, or is skipped with a warning under skipBad")
    func unreadableImage() throws {
        let root = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeClass("a", in: root, count: 3)
        try writeClass("b", in: root, count: 3)
        let broken = root.appendingPathComponent("b/broken.png")
        try Data("not a png".utf8).write(to: broken)
        let error = #expect(throws: DataError.self) { try ImageFolder.load(root) }
        guard case .badImage(let file, _) = error else {
            Issue.record("expected badImage, got \(String(describing: error))")
            return
        }
        #expect(file == broken.path)
        let data = try ImageFolder.load(root, options: ClassificationDataOptions(validationFraction: 0.34, skipBad: true))
        #expect(data.train.count + data.validation.count == 6)
        #expect(data.warnings.map(\.file) == [broken.path])
    }

    @Test("an image damaged after its header fails at load time of its batch, naming the file")
    func damagedLater() throws {
        let root = try DataFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeClass("a", in: root, count: 2)
        try writeClass("b", in: root, count: 2)
        let data = try ImageFolder.load(root, options: ClassificationDataOptions(validationFraction: 0.5))
        let dataset = try #require(data.train as? ImageFolderDataset)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dataset.files[0]))
        try bytes.prefix(60).write(to: URL(fileURLWithPath: dataset.files[0]))
        let error = #expect(throws: DataError.self) { try dataset.example(at: 0) }
        #expect(error?.file == dataset.files[0])
    }
}
