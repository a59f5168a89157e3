import Foundation
import PerceptImage
import PerceptMessages
import Yams

/// The Ultralytics YOLO layout: `data.yaml` (`path`, `train`, `val`, `test`, `names`, and
/// Percept's `coco_category_ids`), images under `images/<split>/`, one label file per image
/// under `labels/<split>/` with the same relative path and a `.txt` extension.
public enum YOLODataset {
    /// Reads the dataset whose `data.yaml` (or other `.yaml`) is in `folder`. Image sizes come
    /// from the image headers; category ids from `coco_category_ids` when present, else the
    /// YOLO class index.
    public static func read(folder: URL) -> (dataset: LabelDataset, problems: [LabelProblem]) {
        var problems: [LabelProblem] = []
        let yamlURL = [folder.appendingPathComponent("data.yaml"), folder.appendingPathComponent("dataset.yaml")]
            .first(where: DatasetFiles.exists)
            ?? DatasetFiles.files(under: folder) { $0.pathExtension == "yaml" }.first.map { folder.appendingPathComponent($0) }
        guard let yamlURL else {
            return (LabelDataset(), [LabelProblem(file: folder.path, severity: .error, message: "no data.yaml found (expected path, train, val and names)")])
        }
        let config: DataConfig
        do {
            config = try DataConfig(url: yamlURL)
        } catch let error as LabelError {
            return (LabelDataset(), [error.problem])
        } catch {
            return (LabelDataset(), [LabelProblem(file: yamlURL.path, severity: .error, message: "\(error)")])
        }
        var dataset = LabelDataset(categories: config.names.indices.map {
            LabelCategory(id: config.categoryIDs[$0], name: config.names[$0])
        })
        var seenImages = Set<String>(), seenLabels = Set<String>()
        for (split, imageFolder) in config.splits {
            for relative in DatasetFiles.files(under: imageFolder, where: DatasetFiles.isImage) {
                let imageURL = imageFolder.appendingPathComponent(relative)
                guard seenImages.insert(imageURL.standardizedFileURL.path).inserted else { continue }
                let labelURL = labelPath(for: imageURL)
                seenLabels.insert(labelURL.standardizedFileURL.path)
                guard let info = DatasetFiles.imageInfo(imageURL, problems: &problems) else { continue }
                let size = info.displayedSize
                let image = DatasetImage(id: dataset.images.count + 1, file: relative, width: size.width, height: size.height,
                                         split: split, source: imageURL)
                dataset.images.append(image)
                guard let bytes = try? DatasetFiles.read(labelURL, file: labelURL.path) else {
                    problems.append(LabelProblem(file: imageURL.path, severity: .warning,
                                                 message: "no label file (\(labelURL.lastPathComponent)); read as a background image"))
                    continue
                }
                let parsed = YOLOLabelFile.parse(String(decoding: bytes, as: UTF8.self), file: labelURL.path, size: size,
                                                 classCount: config.names.count)
                problems += parsed.problems
                for object in parsed.objects {
                    dataset.annotations.append(Annotation(id: dataset.annotations.count + 1, imageID: image.id,
                                                          categoryID: config.categoryIDs[object.classIndex], box: object.box,
                                                          polygons: object.polygon.map { [$0] } ?? []))
                }
            }
            let labelFolder = labelPath(for: imageFolder.appendingPathComponent("x")).deletingLastPathComponent()
            for relative in DatasetFiles.files(under: labelFolder, where: { $0.pathExtension == "txt" }) {
                let labelURL = labelFolder.appendingPathComponent(relative)
                if !seenLabels.contains(labelURL.standardizedFileURL.path) {
                    seenLabels.insert(labelURL.standardizedFileURL.path)
                    problems.append(LabelProblem(file: labelURL.path, severity: .error,
                                                 message: "label file without an image (looked for \(DatasetFiles.stem(relative)).* in \(imageFolder.path))"))
                }
            }
        }
        return (dataset, problems)
    }

    /// Ultralytics' rule: the last `/images/` in the path becomes `/labels/`, the extension `.txt`.
    static func labelPath(for image: URL) -> URL {
        var components = image.standardizedFileURL.pathComponents
        if let index = components.lastIndex(of: "images") { components[index] = "labels" }
        let path = NSString.path(withComponents: components)
        return URL(fileURLWithPath: (path as NSString).deletingPathExtension + ".txt")
    }

    /// Writes labels, images and `data.yaml` into `folder`. Classes are numbered in order of
    /// category id; the ids and names go to `coco_category_ids` so reading restores them.
    /// Images without a split go to `train`; crowd annotations are left out. `data.yaml`'s
    /// `path:` names `recordedAs` when given (the final place of a staging folder).
    public static func write(_ dataset: LabelDataset, to folder: URL, images placement: ImagePlacement = .copy, recordedAs: URL? = nil) throws {
        let categories = dataset.categories.sorted { $0.id < $1.id }
        let indexForID = Dictionary(categories.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let byImage = dataset.annotationsByImage
        var splits: [String] = []
        for image in dataset.images {
            let split = image.split ?? "train"
            if !splits.contains(split) { splits.append(split) }
            let objects: [(classIndex: Int, box: BoundingBox, polygon: Polygon?)] = (byImage[image.id] ?? []).compactMap { annotation in
                guard !annotation.isCrowd, let index = indexForID[annotation.categoryID], let box = annotation.effectiveBox else { return nil }
                let polygon = annotation.polygons.max { $0.area < $1.area }
                return (index, box, polygon)
            }
            let imageURL = folder.appendingPathComponent(DatasetFormat.yolo.location(of: image))
            try DatasetFiles.write(Array(YOLOLabelFile.format(objects, size: image.size).utf8), to: labelPath(for: imageURL))
            try placement.place(image, at: imageURL)
        }
        if splits.isEmpty { splits = ["train"] }
        var yaml = "path: \(quoted((recordedAs ?? folder).standardizedFileURL.path))\n"
        for key in ["train", "val", "test"] where splits.contains(key) || key == "val" {
            // Ultralytics requires `val`; without a validation split it points at train.
            yaml += "\(key): images/\(splits.contains(key) ? key : splits[0])\n"
        }
        for extra in splits where !["train", "val", "test"].contains(extra) {
            yaml += "\(extra): images/\(extra)\n"
        }
        yaml += "nc: \(categories.count)\nnames:\n"
        for (index, category) in categories.enumerated() { yaml += "  \(index): \(quoted(category.name))\n" }
        yaml += "coco_category_ids:\n"
        for (index, category) in categories.enumerated() { yaml += "  \(index): \(category.id)\n" }
        try DatasetFiles.write(Array(yaml.utf8), to: folder.appendingPathComponent("data.yaml"))
    }

    private static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}

/// What `data.yaml` says: class names, their category ids and the image folder of each split.
struct DataConfig {
    var names: [String]
    var categoryIDs: [Int]
    var splits: [(name: String, folder: URL)]

    init(url: URL) throws {
        let file = url.path
        let text = String(decoding: try DatasetFiles.read(url, file: file), as: UTF8.self)
        let loaded: Any?
        do {
            loaded = try BoundedYAML.compose(text)?.any
        } catch {
            throw LabelError.malformed(file: file, line: error.line ?? 1, column: 1, detail: "YAML: \(error.message)")
        }
        guard let root = loaded as? [String: Any] else {
            throw LabelError.invalid(file: file, place: "top level", detail: "expected a mapping with path, train, val and names")
        }
        switch root["names"] {
        case let list as [Any]:
            names = list.map { "\($0)" }
        case let anyMap as [AnyHashable: Any]:
            let map = try DataConfig.integerKeys(anyMap, file: file, place: "names")
            let keys = map.keys.sorted()
            guard keys == Array(0..<keys.count) else {
                throw LabelError.invalid(file: file, place: "names", detail: "expected class indices 0...\(keys.count - 1), found \(escapedForMessage("\(keys)"))")
            }
            names = keys.map { "\(map[$0] ?? "")" }
        default:
            throw LabelError.invalid(file: file, place: "names", detail: "expected a list or an index → name mapping")
        }
        if let anyIDs = root["coco_category_ids"] as? [AnyHashable: Any] {
            let ids = try DataConfig.integerKeys(anyIDs, file: file, place: "coco_category_ids")
            categoryIDs = try names.indices.map { index in
                guard let value = ids[index], let id = (value as? Int) ?? Int("\(value)") else {
                    throw LabelError.invalid(file: file, place: "coco_category_ids", detail: "no id for class \(index)")
                }
                return id
            }
        } else {
            categoryIDs = Array(names.indices)
        }
        var base = url.deletingLastPathComponent()
        if let path = root["path"] as? String {
            let candidate = path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
            // A dataset moved since it was written keeps working: fall back to the yaml's folder.
            if DatasetFiles.isDirectory(candidate) { base = candidate }
        }
        splits = []
        for key in ["train", "val", "test"] + root.keys.sorted() where !splits.contains(where: { $0.name == key }) {
            guard ["train", "val", "test"].contains(key) || (root[key] as? String)?.hasPrefix("images") == true else { continue }
            let entries: [String]
            switch root[key] {
            case let single as String: entries = [single]
            case let list as [String]: entries = list
            default: continue
            }
            for entry in entries {
                let target = entry.hasPrefix("/") ? URL(fileURLWithPath: entry) : base.appendingPathComponent(entry)
                guard DatasetFiles.isDirectory(target) else {
                    throw LabelError.invalid(file: file, place: key, detail: "\(quotedToken(entry)) is not a folder of images (\(escapedForMessage(target.path, limit: 200)))")
                }
                splits.append((key, target))
            }
        }
    }

    /// A YAML mapping whose keys must all be integers (class indices).
    private static func integerKeys(_ map: [AnyHashable: Any], file: String, place: String) throws -> [Int: Any] {
        var result: [Int: Any] = [:]
        for (key, value) in map {
            // Yams may hand back integer keys boxed in other types; their text is the index.
            guard let index = (key.base as? Int) ?? Int("\(key.base)") else {
                throw LabelError.invalid(file: file, place: place, detail: "expected integer class indices, found \(quotedToken("\(key.base)"))")
            }
            result[index] = value
        }
        return result
    }
}
