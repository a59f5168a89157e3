import Foundation
import PerceptImage

/// Image classification folders: `<class>/<image>`, or `<split>/<class>/<image>` when every
/// top-level folder is a split (`train`, `val`, `test`). Each image gets one annotation with
/// its class and no geometry.
public enum ClassFolderDataset {
    static let splitNames: Set = ["train", "val", "valid", "validation", "test"]

    /// Reads the folders; category ids from `registry`, else `classes.txt`, else from 1 in
    /// order of the sorted folder names. Images are sized from their headers.
    public static func read(folder: URL, registry: ClassRegistry? = nil) -> (dataset: LabelDataset, problems: [LabelProblem]) {
        var problems: [LabelProblem] = []
        let topLevel = DatasetFiles.subfolders(of: folder)
        let hasSplits = !topLevel.isEmpty && topLevel.allSatisfy(splitNames.contains)
        let roots: [(split: String?, folder: URL)] = hasSplits ? topLevel.map { ($0, folder.appendingPathComponent($0)) } : [(nil, folder)]
        var namer = CategoryNamer(registry: ClassRegistry.forReading(registry, folder: folder, problems: &problems),
                                  declared: Array(Set(roots.flatMap { DatasetFiles.subfolders(of: $0.folder) })).sorted())
        var dataset = LabelDataset()
        for root in roots {
            for className in DatasetFiles.subfolders(of: root.folder) {
                let classFolder = root.folder.appendingPathComponent(className)
                guard let categoryID = namer.id(for: className) else {
                    problems.append(LabelProblem(file: classFolder.path, severity: .error, message: "class '\(className)' is not in the class list"))
                    continue
                }
                for relative in DatasetFiles.files(under: classFolder, where: DatasetFiles.isImage) {
                    let url = classFolder.appendingPathComponent(relative)
                    guard let info = DatasetFiles.imageInfo(url, problems: &problems) else { continue }
                    let size = info.displayedSize
                    let image = DatasetImage(id: dataset.images.count + 1, file: relative, width: size.width, height: size.height,
                                             split: root.split, source: url)
                    dataset.images.append(image)
                    dataset.annotations.append(Annotation(id: dataset.annotations.count + 1, imageID: image.id, categoryID: categoryID))
                }
            }
        }
        dataset.categories = namer.categories
        return (dataset, problems)
    }

    /// The class an image is filed under: the class of most of its annotations (the first
    /// such on a tie); nil for an image without annotations.
    static func dominantClass(_ annotations: [Annotation]) -> Int? {
        var counts: [Int: Int] = [:]
        for annotation in annotations { counts[annotation.categoryID, default: 0] += 1 }
        let most = counts.values.max()
        return annotations.first { counts[$0.categoryID] == most }?.categoryID
    }

    /// Writes each image under its class folder (and split folder when the images have
    /// splits) with `classes.txt`. Images without annotations are not written.
    public static func write(_ dataset: LabelDataset, to folder: URL, images placement: ImagePlacement = .copy) throws {
        let locations = imageLocations(in: dataset)
        for image in dataset.images {
            guard let location = locations[image.id] else { continue }
            try placement.place(image, at: folder.appendingPathComponent(location))
        }
        try ClassRegistry.writeFile(for: dataset, in: folder)
    }

    /// Each image's path in the output: `[<split>/]<class>/<file>`; images without
    /// annotations have none.
    static func imageLocations(in dataset: LabelDataset) -> [Int: String] {
        let names = Dictionary(dataset.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let byImage = dataset.annotationsByImage
        let useSplits = dataset.images.contains { $0.split != nil }
        var locations: [Int: String] = [:]
        for image in dataset.images {
            guard let classID = dominantClass(byImage[image.id] ?? []), let name = names[classID] else { continue }
            locations[image.id] = (useSplits ? "\(image.split ?? "train")/" : "") + "\(name)/\(image.file)"
        }
        return locations
    }
}
