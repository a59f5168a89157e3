extension DatasetValidator {
    /// Checks a dataset that names its own classes (COCO, YOLO) against a class list: an error
    /// per class that has labels but is not in `registry`, with the count of its labels and
    /// images, an example image and the close matches in the list. Names-only formats (VOC,
    /// CVAT, Label Studio, class folders) make this check while reading.
    public func checkClasses(_ dataset: LabelDataset, against registry: ClassRegistry, listFile: String, labelFile: String) -> [LabelProblem] {
        let listed = registry.classes.map(\.name)
        let imageFiles = Dictionary(dataset.images.map { ($0.id, $0.file) }, uniquingKeysWith: { first, _ in first })
        var labels: [Int: (count: Int, images: Set<Int>)] = [:]
        for annotation in dataset.annotations {
            labels[annotation.categoryID, default: (0, [])].count += 1
            labels[annotation.categoryID, default: (0, [])].images.insert(annotation.imageID)
        }
        return dataset.categories.compactMap { category in
            guard !listed.contains(category.name), let used = labels[category.id] else { return nil }
            let example = used.images.min().flatMap { imageFiles[$0] }.map { ", first in \($0)" } ?? ""
            return LabelProblem(file: labelFile, severity: .error,
                                message: "class '\(category.name)' is not in the class list \(listFile): \(used.count) label(s) in "
                                    + "\(used.images.count) image(s)\(example); \(ClassNameMatch.hint(for: category.name, among: listed))")
        }
    }
}
