import Foundation
import PerceptImage
import PerceptLabels
import PerceptThreads

extension SyntheticDetection {
    /// What ``write(to:trainCount:validationCount:size:seed:format:items:)`` wrote.
    public struct Summary: Equatable, Sendable {
        /// The class names, in class-index order.
        public var classNames: [String]
        /// Training images.
        public var trainImages: Int
        /// Validation images.
        public var validationImages: Int
        /// Objects over all images.
        public var objects: Int
        /// Images without objects.
        public var backgroundImages: Int
    }

    /// Writes `trainCount` training and `validationCount` validation scenes into `folder` as a
    /// YOLO dataset (`data.yaml`, `images/{train,val}`, `labels/{train,val}`) or a COCO one
    /// (`annotations.json`, `images/{train,val}`), every file atomically. Scenes are made on
    /// worker threads; each depends only on its number and `seed`, so the files are the same
    /// whatever the thread count.
    public static func write(to folder: URL, trainCount: Int, validationCount: Int, size: Int, seed: UInt64,
                             format: DatasetFormat, items: FashionItems?) throws -> Summary {
        guard trainCount >= 1, validationCount >= 0, (32...4096).contains(size) else {
            throw DataError.invalidArgument("synth-detect needs at least 1 training image, 0 or more validation images and a size in 32...4096; got \(trainCount), \(validationCount), \(size)")
        }
        guard format == .yolo || format == .coco else {
            throw DataError.invalidArgument("synth-detect writes yolo or coco, not \(format.rawValue)")
        }
        let total = trainCount + validationCount
        let images = (0..<total).map { index in
            let split = index < trainCount ? "train" : "val"
            let name = String(format: "%05d.png", index)
            return DatasetImage(id: index + 1, file: format == .coco ? "\(split)/\(name)" : name, width: size, height: size, split: split)
        }
        let locations = format.imageLocations(in: LabelDataset(images: images))
        for split in ["train", "val"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("images/\(split)"), withIntermediateDirectories: true)
        }
        let results = SceneResults(count: total)
        ParallelLoop.run(iterations: total) { index in
            let scene = scene(index: index, size: size, seed: seed, items: items, validation: index >= trainCount)
            do {
                try scene.image.write(to: folder.appendingPathComponent(locations[index + 1] ?? images[index].file))
                results.store(.success(scene.objects), at: index)
            } catch {
                results.store(.failure(error), at: index)
            }
        }
        let classNames = classNames(withFashionItems: items != nil)
        var annotations: [Annotation] = []
        for (index, result) in results.all.enumerated() {
            for object in try result.get() {
                annotations.append(Annotation(id: annotations.count + 1, imageID: index + 1, categoryID: object.classIndex, box: object.box))
            }
        }
        let categories = classNames.enumerated().map { LabelCategory(id: $0.offset, name: $0.element) }
        try format.write(LabelDataset(images: images, categories: categories, annotations: annotations), to: folder, images: .none)
        let withObjects = Set(annotations.map(\.imageID)).count
        return Summary(classNames: classNames, trainImages: trainCount, validationImages: validationCount,
                       objects: annotations.count, backgroundImages: total - withObjects)
    }
}

/// One result slot per scene, filled from worker threads.
private final class SceneResults: @unchecked Sendable {
    private var slots: [Result<[SyntheticDetection.Object], any Error>]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: .success([]), count: count) }

    func store(_ result: Result<[SyntheticDetection.Object], any Error>, at index: Int) {
        lock.withLock { slots[index] = result }
    }

    var all: [Result<[SyntheticDetection.Object], any Error>] { lock.withLock { slots } }
}
