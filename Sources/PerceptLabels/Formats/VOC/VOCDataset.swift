import Foundation
import PerceptImage
import PerceptMessages

/// Pascal VOC: one XML file per image (`Annotations/<stem>.xml`, or beside the images), images
/// under `JPEGImages/` or beside the XML. Coordinates are 1-based pixel indices: reading maps
/// `xmin` to the edge `xmin - 1` and keeps `xmax` (as Detectron2 does), writing the reverse.
public enum VOCDataset {
    /// Attributes VOC carries per object.
    static let objectAttributes = ["pose", "truncated", "difficult", "occluded"]

    /// Reads every XML file; category ids come from `registry`, else the folder's `classes.txt`,
    /// else from 1 in order of appearance.
    public static func read(folder: URL, registry: ClassRegistry? = nil) -> (dataset: LabelDataset, problems: [LabelProblem]) {
        let annotationFolder = DatasetFiles.isDirectory(folder.appendingPathComponent("Annotations"))
            ? folder.appendingPathComponent("Annotations") : folder
        let imageFolder = DatasetFiles.isDirectory(folder.appendingPathComponent("JPEGImages"))
            ? folder.appendingPathComponent("JPEGImages") : annotationFolder
        var dataset = LabelDataset(), problems: [LabelProblem] = []
        var namer = CategoryNamer(registry: ClassRegistry.forReading(registry, folder: folder, problems: &problems))
        var labelledImages = Set<String>()
        for relative in DatasetFiles.files(under: annotationFolder, where: { $0.pathExtension.lowercased() == "xml" }) {
            let url = annotationFolder.appendingPathComponent(relative)
            let file = url.path
            do {
                let root = try XMLElement.parse(try DatasetFiles.read(url, file: file), file: file)
                guard root.name == "annotation" else {
                    throw LabelError.invalid(file: file, place: "line \(root.line)", detail: "expected <annotation>, found <\(escapedForMessage(root.name))>")
                }
                let directory = (relative as NSString).deletingLastPathComponent
                let imageName = root.text("filename") ?? DatasetFiles.stem(relative) + ".jpg"
                let imagePath = directory.isEmpty ? imageName : directory + "/" + imageName
                let imageURL = imageFolder.appendingPathComponent(imagePath)
                labelledImages.insert(imageURL.standardizedFileURL.path)
                guard let size = try imageSize(root, imageURL: imageURL, file: file, problems: &problems) else { continue }
                let image = DatasetImage(id: dataset.images.count + 1, file: imagePath, width: size.width, height: size.height,
                                         source: imageURL)
                dataset.images.append(image)
                for object in root.children("object") {
                    guard let name = object.text("name"), !name.isEmpty else {
                        problems.append(LabelProblem(file: file, line: object.line, severity: .error, message: "<object> without <name>"))
                        continue
                    }
                    guard let categoryID = namer.id(for: name) else {
                        problems.append(LabelProblem(file: file, line: object.line, severity: .error, message: "class \(quotedToken(name)) is not in the class list"))
                        continue
                    }
                    let edges = ["xmin", "ymin", "xmax", "ymax"].map { object.child("bndbox")?.text($0).flatMap(Double.init) }
                    let values = edges.compactMap { $0 }
                    guard values.count == 4 else {
                        problems.append(LabelProblem(file: file, line: object.line, severity: .error,
                                                     message: "<bndbox> needs numeric xmin, ymin, xmax and ymax"))
                        continue
                    }
                    var annotation = Annotation(id: dataset.annotations.count + 1, imageID: image.id, categoryID: categoryID,
                                                box: BoundingBox(minX: values[0] - 1, minY: values[1] - 1, maxX: values[2], maxY: values[3]))
                    for key in objectAttributes {
                        guard let text = object.text(key) else { continue }
                        annotation.setAttribute(key, Int(text).map { .number(Double($0)) } ?? .string(text))
                    }
                    dataset.annotations.append(annotation)
                }
            } catch let error as LabelError {
                problems.append(error.problem)
            } catch {
                problems.append(LabelProblem(file: file, severity: .error, message: "\(error)"))
            }
        }
        for relative in DatasetFiles.files(under: imageFolder, where: DatasetFiles.isImage)
        where !labelledImages.contains(imageFolder.appendingPathComponent(relative).standardizedFileURL.path) {
            problems.append(LabelProblem(file: imageFolder.appendingPathComponent(relative).path, severity: .warning,
                                         message: "image without an annotation XML"))
        }
        dataset.categories = namer.categories
        return (dataset, problems)
    }

    /// `<size>`, or when it is missing an error and the size from the image header so the
    /// objects are still read.
    private static func imageSize(_ root: XMLElement, imageURL: URL, file: String, problems: inout [LabelProblem]) throws -> ImageSize? {
        if let size = root.child("size"), let width = size.text("width").flatMap(Int.init),
           let height = size.text("height").flatMap(Int.init), width > 0, height > 0 {
            return ImageSize(width: width, height: height)
        }
        problems.append(LabelProblem(file: file, line: root.child("size")?.line ?? root.line, severity: .error,
                                     message: "missing or invalid <size> (expected <width> and <height> in pixels)"))
        if case .success(let info) = DatasetFiles.imageSize(imageURL, file: imageURL.path) { return info.displayedSize }
        return nil
    }

    /// Writes `Annotations/<stem>.xml` for every image and the images under `JPEGImages/`.
    /// Polygons, masks and keypoints have no place in VOC and are left out; `classes.txt` keeps
    /// the category ids. Box edges are rounded to whole pixels (many VOC readers parse them with
    /// `int()`) unless `floatCoordinates`.
    public static func write(_ dataset: LabelDataset, to folder: URL, images placement: ImagePlacement = .copy,
                             floatCoordinates: Bool = false) throws {
        try ClassRegistry.writeFile(for: dataset, in: folder)
        let names = Dictionary(dataset.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let byImage = dataset.annotationsByImage
        for image in dataset.images {
            var xml = "<annotation>\n  <folder>JPEGImages</folder>\n  <filename>\(XMLElement.escape((image.file as NSString).lastPathComponent))</filename>\n"
            xml += "  <size>\n    <width>\(image.width)</width>\n    <height>\(image.height)</height>\n    <depth>3</depth>\n  </size>\n"
            xml += "  <segmented>0</segmented>\n"
            for annotation in byImage[image.id] ?? [] where !annotation.isCrowd {
                guard let box = annotation.effectiveBox, let name = names[annotation.categoryID] else { continue }
                xml += "  <object>\n    <name>\(XMLElement.escape(name))</name>\n"
                for key in objectAttributes {
                    guard let value = annotation.attribute(key) else { continue }
                    let text = value.number.map(JSONWriter.format) ?? value.string ?? ""
                    xml += "    <\(key)>\(XMLElement.escape(text))</\(key)>\n"
                }
                let edges = zip(["xmin", "ymin", "xmax", "ymax"], edgeValues(box)).map { ($0, floatCoordinates ? $1 : $1.rounded()) }
                xml += "    <bndbox>\n" + edges.map { "      <\($0)>\(JSONWriter.format($1))</\($0)>\n" }.joined() + "    </bndbox>\n  </object>\n"
            }
            xml += "</annotation>\n"
            let stemPath = (image.file as NSString).deletingPathExtension
            try DatasetFiles.write(Array(xml.utf8), to: folder.appendingPathComponent("Annotations/\(stemPath).xml"))
            try placement.place(image, at: folder.appendingPathComponent(DatasetFormat.voc.location(of: image)))
        }
    }

    /// A box's `xmin, ymin, xmax, ymax` as VOC writes them: 1-based pixel numbers of the first
    /// and last pixel covered.
    static func edgeValues(_ box: BoundingBox) -> [Double] {
        [box.minX + 1, box.minY + 1, box.maxX, box.maxY]
    }
}
