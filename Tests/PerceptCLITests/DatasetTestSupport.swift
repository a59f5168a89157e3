import Foundation
import Testing

/// The sample dataset of Fixtures/dataset (Tools/make-dataset-fixtures) and helpers for the
/// dataset command tests.
enum DatasetFixtures {
    static let coco = fixturesFolder.appendingPathComponent("dataset/coco")
    static let yolo = fixturesFolder.appendingPathComponent("dataset/yolo")
    static let labels = fixturesFolder.appendingPathComponent("labels")
    static let smallPipeline = fixturesFolder.appendingPathComponent("pipelines/detection-small.yaml")

    /// A fresh empty folder; remove it with `defer`.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Every file under `folder` (hidden ones too) with its bytes, by relative path; Percept's
    /// output marker, which records when it was written, only with `includingMarker`.
    static func snapshot(_ folder: URL, includingMarker: Bool = false) throws -> [String: Data] {
        let paths = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        var files: [String: Data] = [:]
        for path in paths where includingMarker || path != ".percept-output" {
            var isFolder: ObjCBool = false
            let url = folder.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files[path] = try Data(contentsOf: url)
        }
        return files
    }

    /// A JSON file's top-level object.
    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The `[x, y, width, height]` boxes by image file name and the category ids of a COCO
    /// annotations file.
    static func cocoBoxes(_ url: URL) throws -> (boxes: [String: [[Double]]], categories: [Int], sizes: [String: (Double, Double)]) {
        let document = try json(url)
        let images = document["images"] as? [[String: Any]] ?? []
        let names = Dictionary(uniqueKeysWithValues: images.map { ($0["id"] as? Int ?? 0, $0["file_name"] as? String ?? "") })
        let sizes = Dictionary(uniqueKeysWithValues: images.map {
            ($0["file_name"] as? String ?? "", (number($0["width"]) ?? 0, number($0["height"]) ?? 0))
        })
        var boxes: [String: [[Double]]] = [:]
        for annotation in document["annotations"] as? [[String: Any]] ?? [] {
            let name = names[annotation["image_id"] as? Int ?? 0] ?? ""
            let box = (annotation["bbox"] as? [Any] ?? []).compactMap(number)
            boxes[name, default: []].append(box + [number(annotation["category_id"]) ?? -1])
        }
        let categories = (document["categories"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        return (boxes, categories, sizes)
    }

    /// A JSON number as a Double, whether it was read as an integer or not.
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let integer as Int: Double(integer)
        case let unsigned as UInt64: Double(unsigned)
        case let double as Double: double
        case let number as NSNumber: number.doubleValue
        default: nil
        }
    }

    /// Whether two COCO files hold the same boxes and classes per image, each box edge within
    /// 1e-6 of the image size.
    static func sameBoxes(_ first: URL, _ second: URL) throws -> Bool {
        let (before, _, sizes) = try cocoBoxes(first), (after, _, _) = try cocoBoxes(second)
        guard Set(before.keys) == Set(after.keys) else { return false }
        func edges(_ box: [Double]) -> [Double] { [box[0], box[1], box[0] + box[2], box[1] + box[3], box[4]] }
        return before.allSatisfy { name, boxes in
            guard let other = after[name], other.count == boxes.count, let size = sizes[name] else { return false }
            let tolerance = [1e-6 * size.0, 1e-6 * size.1, 1e-6 * size.0, 1e-6 * size.1, 0]
            return zip(boxes, other).allSatisfy { box, restored in
                box.count == 5 && restored.count == 5 && zip(edges(box), edges(restored)).enumerated().allSatisfy { abs($1.0 - $1.1) <= tolerance[$0] }
            }
        }
    }
}
