import Foundation
import PerceptImage
@testable import PerceptLabels

/// Comparing datasets across formats that renumber images and annotations.
enum RoundTrip {
    static func cocoSmall() throws -> LabelDataset {
        let (dataset, problems) = COCODataset.read(folder: LabelFixtures.url("coco-small"))
        guard problems.isEmpty else { throw LabelError.invalidArgument("fixture problems: \(problems)") }
        return dataset
    }

    /// Per image file: (category id, box) of each annotation, in order.
    static func boxesByFile(_ dataset: LabelDataset, includeCrowd: Bool = false) -> [String: [(Int, BoundingBox)]] {
        let byImage = dataset.annotationsByImage
        var result: [String: [(Int, BoundingBox)]] = [:]
        for image in dataset.images {
            result[image.file] = (byImage[image.id] ?? []).filter { includeCrowd || !$0.isCrowd }.compactMap { annotation in
                annotation.effectiveBox.map { (annotation.categoryID, $0) }
            }
        }
        return result
    }

    /// Whether every box of `original` is in `restored` with the same class, each edge within
    /// 1e-6 of the image size.
    static func boxesMatch(_ original: LabelDataset, _ restored: LabelDataset, includeCrowd: Bool = false) -> Bool {
        let before = boxesByFile(original, includeCrowd: includeCrowd), after = boxesByFile(restored, includeCrowd: includeCrowd)
        let sizes = Dictionary(original.images.map { ($0.file, $0.size) }, uniquingKeysWith: { first, _ in first })
        guard Set(before.keys) == Set(after.keys) else { return false }
        return before.allSatisfy { file, boxes in
            guard let restoredBoxes = after[file], restoredBoxes.count == boxes.count, let size = sizes[file] else { return false }
            let toleranceX = 1e-6 * Double(size.width), toleranceY = 1e-6 * Double(size.height)
            return zip(boxes, restoredBoxes).allSatisfy { first, second in
                first.0 == second.0 && abs(first.1.minX - second.1.minX) <= toleranceX && abs(first.1.maxX - second.1.maxX) <= toleranceX
                    && abs(first.1.minY - second.1.minY) <= toleranceY && abs(first.1.maxY - second.1.maxY) <= toleranceY
            }
        }
    }
}
