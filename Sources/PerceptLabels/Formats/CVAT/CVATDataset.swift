import Foundation
import PerceptImage
import PerceptMessages

/// CVAT for images 1.1: one `annotations.xml` with `<image name width height>` elements
/// holding `<box xtl ytl xbr ybr>` and `<polygon points="x,y;x,y">` shapes, each with a
/// `label` and `<attribute name>` children. Images sit under `images/` or beside the XML.
public enum CVATDataset {
    /// Reads `annotations.xml` (or the one `.xml` file) in `folder`.
    public static func read(folder: URL, registry: ClassRegistry? = nil) -> (dataset: LabelDataset, problems: [LabelProblem]) {
        var problems: [LabelProblem] = []
        let candidates = DatasetFiles.files(under: folder) { $0.pathExtension == "xml" }.filter { !$0.contains("/") }
        guard let name = candidates.contains("annotations.xml") ? "annotations.xml" : candidates.first else {
            return (LabelDataset(), [LabelProblem(file: folder.path, severity: .error, message: "no annotations.xml found")])
        }
        let url = folder.appendingPathComponent(name), file = url.path
        let imageFolder = DatasetFiles.isDirectory(folder.appendingPathComponent("images")) ? folder.appendingPathComponent("images") : folder
        var dataset = LabelDataset()
        do {
            let root = try XMLElement.parse(try DatasetFiles.read(url, file: file), file: file)
            let declared = root.child("meta")?.child("task")?.child("labels")?.children("label").compactMap { $0.text("name") } ?? []
            var namer = CategoryNamer(registry: ClassRegistry.forReading(registry, folder: folder, problems: &problems), declared: declared)
            for element in root.children("image") {
                guard let imageName = element.attributes["name"], let width = element.attributes["width"].flatMap(Int.init),
                      let height = element.attributes["height"].flatMap(Int.init) else {
                    problems.append(LabelProblem(file: file, line: element.line, severity: .error, message: "<image> needs name, width and height"))
                    continue
                }
                let image = DatasetImage(id: dataset.images.count + 1, file: imageName, width: width, height: height,
                                         source: imageFolder.appendingPathComponent(imageName))
                dataset.images.append(image)
                for shape in element.children where shape.name == "box" || shape.name == "polygon" {
                    do {
                        guard let label = shape.attributes["label"], let categoryID = namer.id(for: label) else {
                            throw LabelError.invalid(file: file, place: "line \(shape.line)", detail: "label \(quotedToken(shape.attributes["label"] ?? "")) is not in the class list")
                        }
                        var annotation = try self.annotation(shape, file: file)
                        annotation.id = dataset.annotations.count + 1
                        annotation.imageID = image.id
                        annotation.categoryID = categoryID
                        dataset.annotations.append(annotation)
                    } catch let error as LabelError {
                        var problem = error.problem
                        problem.line = shape.line
                        problems.append(problem)
                    }
                }
            }
            dataset.categories = namer.categories
        } catch let error as LabelError {
            problems.append(error.problem)
        } catch {
            problems.append(LabelProblem(file: file, severity: .error, message: "\(error)"))
        }
        return (dataset, problems)
    }

    private static func annotation(_ shape: XMLElement, file: String) throws -> Annotation {
        var annotation = Annotation(id: 0, imageID: 0, categoryID: 0)
        if shape.name == "box" {
            let corners = ["xtl", "ytl", "xbr", "ybr"].compactMap { shape.attributes[$0].flatMap(Double.init) }
            guard corners.count == 4 else {
                throw LabelError.invalid(file: file, place: "<box>", detail: "needs numeric xtl, ytl, xbr and ybr")
            }
            annotation.box = BoundingBox(minX: corners[0], minY: corners[1], maxX: corners[2], maxY: corners[3])
        } else {
            let pairs = (shape.attributes["points"] ?? "").split(separator: ";").map { $0.split(separator: ",").compactMap { Double($0) } }
            guard pairs.count >= 3, pairs.allSatisfy({ $0.count == 2 }) else {
                throw LabelError.invalid(file: file, place: "<polygon>", detail: "points must be 3 or more 'x,y' pairs separated by ';'")
            }
            annotation.polygons = [Polygon(points: pairs.map { Point(x: $0[0], y: $0[1]) })]
        }
        if shape.attributes["occluded"] == "1" { annotation.setAttribute("occluded", 1) }
        for attribute in shape.children("attribute") {
            guard let name = attribute.attributes["name"] else { continue }
            let text = attribute.text.trimmingCharacters(in: .whitespacesAndNewlines)
            annotation.setAttribute(name, Double(text).map { .number($0) } ?? .string(text))
        }
        return annotation
    }

    /// Writes `annotations.xml`, `classes.txt` (to keep category ids) and the images under
    /// `images/`. An annotation with polygons is written as polygons, otherwise as a box;
    /// crowd regions and masks have no CVAT shape here and are left out.
    public static func write(_ dataset: LabelDataset, to folder: URL, images placement: ImagePlacement = .copy) throws {
        let names = Dictionary(dataset.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let byImage = dataset.annotationsByImage
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n  <meta>\n    <task>\n"
        xml += "      <size>\(dataset.images.count)</size>\n      <labels>\n"
        for category in dataset.categories {
            xml += "        <label>\n          <name>\(XMLElement.escape(category.name))</name>\n          <attributes>\n          </attributes>\n        </label>\n"
        }
        xml += "      </labels>\n    </task>\n  </meta>\n"
        for (index, image) in dataset.images.enumerated() {
            xml += "  <image id=\"\(index)\" name=\"\(XMLElement.escape(image.file))\" width=\"\(image.width)\" height=\"\(image.height)\">\n"
            for annotation in byImage[image.id] ?? [] where !annotation.isCrowd {
                guard let label = names[annotation.categoryID].map(XMLElement.escape) else { continue }
                let occluded = annotation.attribute("occluded") == 1 ? "1" : "0"
                let attributes = annotation.attributes.filter { $0.key != "occluded" }.map { key, value in
                    "      <attribute name=\"\(XMLElement.escape(key))\">\(XMLElement.escape(value.number.map(JSONWriter.format) ?? value.string ?? ""))</attribute>\n"
                }.joined()
                let shapes: [String]
                if !annotation.polygons.isEmpty {
                    shapes = annotation.polygons.map { polygon in
                        let points = polygon.points.map { "\(JSONWriter.format($0.x)),\(JSONWriter.format($0.y))" }.joined(separator: ";")
                        return "<polygon label=\"\(label)\" occluded=\"\(occluded)\" source=\"manual\" points=\"\(points)\" z_order=\"0\""
                    }
                } else if let box = annotation.effectiveBox {
                    let corners = [("xtl", box.minX), ("ytl", box.minY), ("xbr", box.maxX), ("ybr", box.maxY)]
                        .map { "\($0)=\"\(JSONWriter.format($1))\"" }.joined(separator: " ")
                    shapes = ["<box label=\"\(label)\" occluded=\"\(occluded)\" source=\"manual\" \(corners) z_order=\"0\""]
                } else {
                    shapes = []
                }
                for shape in shapes {
                    xml += attributes.isEmpty ? "    \(shape)/>\n" : "    \(shape)>\n\(attributes)    </\(shape.hasPrefix("<box") ? "box" : "polygon")>\n"
                }
            }
            xml += "  </image>\n"
            try placement.place(image, at: folder.appendingPathComponent(DatasetFormat.cvat.location(of: image)))
        }
        xml += "</annotations>\n"
        try DatasetFiles.write(Array(xml.utf8), to: folder.appendingPathComponent("annotations.xml"))
        try ClassRegistry.writeFile(for: dataset, in: folder)
    }
}
