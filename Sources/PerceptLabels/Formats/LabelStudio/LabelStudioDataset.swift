import Foundation
import PerceptImage
import PerceptMessages

/// Label Studio's JSON export: a list of tasks, each with `data.image` and `annotations[].result[]`
/// regions of type `rectanglelabels` or `polygonlabels`, coordinates in percent of
/// `original_width` × `original_height`. Images sit under `images/` or beside the JSON.
public enum LabelStudioDataset {
    /// The JSON file name written and looked for first.
    static let fileName = "labelstudio.json"

    /// Reads `labelstudio.json` (or the one `.json` file) in `folder`.
    public static func read(folder: URL, registry: ClassRegistry? = nil) -> (dataset: LabelDataset, problems: [LabelProblem]) {
        var problems: [LabelProblem] = []
        let candidates = DatasetFiles.files(under: folder) { $0.pathExtension == "json" }.filter { !$0.contains("/") }
        guard let name = candidates.contains(fileName) ? fileName : candidates.first else {
            return (LabelDataset(), [LabelProblem(file: folder.path, severity: .error, message: "no Label Studio JSON export found")])
        }
        let url = folder.appendingPathComponent(name), file = url.path
        let imageFolder = DatasetFiles.isDirectory(folder.appendingPathComponent("images")) ? folder.appendingPathComponent("images") : folder
        var dataset = LabelDataset()
        var namer = CategoryNamer(registry: ClassRegistry.forReading(registry, folder: folder, problems: &problems))
        do {
            let root = try JSONParser.parse(try DatasetFiles.read(url, file: file), file: file)
            guard let tasks = root.array else {
                throw LabelError.invalid(file: file, place: "top level", detail: "expected a list of tasks, found \(root.kindName)")
            }
            for (taskIndex, task) in tasks.enumerated() {
                guard let reference = task["data"]?["image"]?.string else {
                    problems.append(LabelProblem(file: file, severity: .error, message: "[\(taskIndex)].data.image: missing"))
                    continue
                }
                let imagePath = localPath(reference)
                let results = (task["annotations"]?.array ?? []).flatMap { $0["result"]?.array ?? [] }
                let source = imageFolder.appendingPathComponent(imagePath)
                var size: ImageSize?
                if let first = results.first, let width = first["original_width"]?.integer, let height = first["original_height"]?.integer {
                    size = ImageSize(width: width, height: height)
                } else if case .success(let info) = DatasetFiles.imageSize(source, file: source.path) {
                    size = info.displayedSize
                }
                guard let size else {
                    problems.append(LabelProblem(file: file, severity: .error, message: "[\(taskIndex)]: no original_width/height and the image \(imagePath) cannot be read"))
                    continue
                }
                let image = DatasetImage(id: dataset.images.count + 1, file: imagePath, width: size.width, height: size.height, source: source)
                dataset.images.append(image)
                for (resultIndex, result) in results.enumerated() {
                    let place = "[\(taskIndex)].annotations.result[\(resultIndex)]"
                    do {
                        guard let (label, annotation) = try region(result, size: size, file: file, place: place) else { continue }
                        guard let categoryID = namer.id(for: label) else {
                            throw LabelError.invalid(file: file, place: place, detail: "label \(quotedToken(label)) is not in the class list")
                        }
                        var placed = annotation
                        placed.id = dataset.annotations.count + 1
                        placed.imageID = image.id
                        placed.categoryID = categoryID
                        dataset.annotations.append(placed)
                    } catch let error as LabelError {
                        problems.append(error.problem)
                    }
                }
            }
        } catch let error as LabelError {
            problems.append(error.problem)
        } catch {
            problems.append(LabelProblem(file: file, severity: .error, message: "\(error)"))
        }
        dataset.categories = namer.categories
        return (dataset, problems)
    }

    /// The file path inside a Label Studio image reference (`/data/local-files/?d=…`,
    /// `/data/upload/3/…`, or a path relative to the export, `images/` removed).
    static func localPath(_ reference: String) -> String {
        if let range = reference.range(of: "?d=") {
            let path = String(reference[range.upperBound...]).removingPercentEncoding ?? String(reference[range.upperBound...])
            return (path as NSString).lastPathComponent
        }
        if reference.hasPrefix("/data/") || reference.contains("://") { return (reference as NSString).lastPathComponent }
        return reference.hasPrefix("images/") ? String(reference.dropFirst("images/".count)) : reference
    }

    /// The label and geometry of one result, or nil for a result type that is not a region.
    private static func region(_ result: JSONValue, size: ImageSize, file: String, place: String) throws -> (String, Annotation)? {
        let type = result["type"]?.string ?? ""
        guard type == "rectanglelabels" || type == "polygonlabels", let value = result["value"] else { return nil }
        guard let label = value[type]?.array?.first?.string else {
            throw LabelError.invalid(file: file, place: "\(place).value.\(type)", detail: "expected a list with one label")
        }
        let scaleX = Double(size.width) / 100, scaleY = Double(size.height) / 100
        var annotation = Annotation(id: 0, imageID: 0, categoryID: 0)
        if type == "rectanglelabels" {
            let numbers = ["x", "y", "width", "height"].compactMap { value[$0]?.number }
            guard numbers.count == 4 else {
                throw LabelError.invalid(file: file, place: "\(place).value", detail: "a rectangle needs x, y, width and height in percent")
            }
            if let rotation = value["rotation"]?.number, rotation != 0 { annotation.setAttribute("rotation", .number(rotation)) }
            annotation.box = BoundingBox(x: numbers[0] * scaleX, y: numbers[1] * scaleY, width: numbers[2] * scaleX, height: numbers[3] * scaleY)
        } else {
            let points = (value["points"]?.array ?? []).map(\.numbers)
            guard points.count >= 3, points.allSatisfy({ $0.count == 2 }) else {
                throw LabelError.invalid(file: file, place: "\(place).value.points", detail: "a polygon needs 3 or more [x, y] pairs in percent")
            }
            annotation.polygons = [Polygon(points: points.map { Point(x: $0[0] * scaleX, y: $0[1] * scaleY) })]
        }
        return (label, annotation)
    }

    /// Writes `labelstudio.json`, `classes.txt` and the images under `images/`. Polygons are
    /// written as polygon regions, other annotations as rectangles; crowd regions, masks and
    /// attributes are left out.
    public static func write(_ dataset: LabelDataset, to folder: URL, images placement: ImagePlacement = .copy) throws {
        let names = Dictionary(dataset.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let byImage = dataset.annotationsByImage
        var tasks: [JSONValue] = []
        for (index, image) in dataset.images.enumerated() {
            let percentX = 100 / Double(max(image.width, 1)), percentY = 100 / Double(max(image.height, 1))
            var results: [JSONValue] = []
            for annotation in byImage[image.id] ?? [] where !annotation.isCrowd {
                guard let name = names[annotation.categoryID] else { continue }
                let common: [(key: String, value: JSONValue)] = [
                    ("id", .string("r\(annotation.id)")), ("from_name", "label"), ("to_name", "image"),
                    ("original_width", .number(Double(image.width))), ("original_height", .number(Double(image.height))),
                    ("image_rotation", 0),
                ]
                if !annotation.polygons.isEmpty {
                    for polygon in annotation.polygons {
                        let points = JSONValue.array(polygon.points.map { .array([.number($0.x * percentX), .number($0.y * percentY)]) })
                        results.append(.object(common + [("type", "polygonlabels"), ("value", .object([
                            ("points", points), ("polygonlabels", .array([.string(name)])),
                        ]))]))
                    }
                } else if let box = annotation.effectiveBox {
                    results.append(.object(common + [("type", "rectanglelabels"), ("value", .object([
                        ("x", .number(box.minX * percentX)), ("y", .number(box.minY * percentY)),
                        ("width", .number(box.width * percentX)), ("height", .number(box.height * percentY)),
                        ("rotation", 0), ("rectanglelabels", .array([.string(name)])),
                    ]))]))
                }
            }
            tasks.append(.object([
                ("id", .number(Double(index + 1))), ("data", .object([("image", .string("images/\(image.file)"))])),
                ("annotations", .array([.object([("id", .number(Double(index + 1))), ("result", .array(results))])])),
            ]))
            try placement.place(image, at: folder.appendingPathComponent(DatasetFormat.labelStudio.location(of: image)))
        }
        try DatasetFiles.write(JSONWriter.encode(.array(tasks)), to: folder.appendingPathComponent(fileName))
        try ClassRegistry.writeFile(for: dataset, in: folder)
    }
}
