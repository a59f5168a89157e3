import Foundation
import PerceptImage
import PerceptLabels

/// One finished output: its encoded image, its annotations and what the manifest says about
/// it. It travels through the journal as one JSON line, so a resumed run reads back exactly
/// what an uninterrupted one would have kept.
struct AugmentedImage {
    /// The position of the output in the plan.
    var index: Int
    /// The output's `file` (checked against the plan on resume).
    var file: String
    /// The encoded image's size in bytes (checked against the staged file on resume).
    var byteCount: Int
    /// The image size.
    var width: Int, height: Int
    /// The annotations, image id and ids as in the source.
    var annotations: [Annotation]
    /// The manifest fields except `output`: source, copy, seed, transforms, box counts.
    var manifest: [(key: String, value: JSONValue)]

    /// Runs `pipeline` on the packed sample with the output's seed and encodes the result.
    static func augment(_ labelled: LabelledSample, output: AugmentPlan.Output, index: Int, pipeline: Pipeline,
                        keepKeypointsOutside: Bool, options: ImageWriteOptions, source: String) throws -> (AugmentedImage, [UInt8]) {
        let seed = output.seed ?? 0
        let result = try pipeline.augment(labelled.sample, seed: seed, recording: true)
        let annotations = labelled.annotations(after: result.sample, keepKeypointsOutside: keepKeypointsOutside)
        let format = output.format ?? .png
        let bytes = try encodable(result.sample.image, as: format).encoded(as: format, options: options, file: output.file)
        let transforms = try result.records.map(recordJSON)
        let manifest = manifestFields(source: source, copy: output.copy, seed: .number(Double(seed)), transforms: transforms,
                                      boxesIn: labelled.shapeCount, boxesOut: result.sample.boxes.count)
        let image = AugmentedImage(index: index, file: output.file, byteCount: bytes.count, width: result.sample.image.width,
                                   height: result.sample.image.height, annotations: annotations, manifest: manifest)
        return (image, bytes)
    }

    /// The source image unchanged: its file's bytes and its annotations as read.
    static func original(_ image: DatasetImage, annotations: [Annotation], output: AugmentPlan.Output, index: Int,
                         source: String) throws -> (AugmentedImage, [UInt8]) {
        guard let url = image.source, let data = FileManager.default.contents(atPath: url.path) else {
            throw LabelError.unreadable(file: image.source?.path ?? image.file, reason: "the image file cannot be read")
        }
        let shapes = annotations.filter { $0.effectiveBox != nil }.count
        let manifest = manifestFields(source: source, copy: 0, seed: .null, transforms: [], boxesIn: shapes, boxesOut: shapes)
        let record = AugmentedImage(index: index, file: output.file, byteCount: data.count, width: image.width, height: image.height,
                                    annotations: annotations, manifest: manifest)
        return (record, [UInt8](data))
    }

    /// The manifest's fields after `output`, in the documented order.
    private static func manifestFields(source: String, copy: Int, seed: JSONValue, transforms: [JSONValue], boxesIn: Int,
                                       boxesOut: Int) -> [(key: String, value: JSONValue)] {
        let copyValue = JSONValue.number(Double(copy))
        let counts: [(key: String, value: JSONValue)] = [
            ("boxes_in", .number(Double(boxesIn))), ("boxes_out", .number(Double(boxesOut))), ("dropped", .number(Double(boxesIn - boxesOut))),
        ]
        return [("source", .string(source)), ("copy", copyValue), ("seed", seed), ("transforms", .array(transforms))] + counts
    }

    /// The image reduced to what `format` stores (8-bit samples, no alpha for JPEG and PNM).
    private static func encodable(_ image: Image, as format: ImageFormat) -> Image {
        var result = image
        if result.sampleType == .float32 || (result.sampleType == .uint16 && [.jpeg, .bmp, .webp].contains(format)) {
            result = result.converted(to: .uint8)
        }
        if result.hasAlpha && (format == .jpeg || format == .pnm) { result = result.removingAlpha() }
        return result
    }

    /// `{"name", "params"}` for one transform record; params are null when it did not run.
    private static func recordJSON(_ record: TransformRecord) throws -> JSONValue {
        guard let parameters = record.parameters else { return .object([("name", .string(record.name)), ("params", .null)]) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let bytes = try encoder.encode(ParametersBox(parameters: parameters))
        return .object([("name", .string(record.name)), ("params", try JSONParser.parse([UInt8](bytes), file: record.name))])
    }

    /// The journal line's value.
    var json: JSONValue {
        // Written as a one-image COCO document, the format that carries every annotation field.
        let onImage = annotations.map { annotation in
            var moved = annotation
            moved.imageID = 1
            return moved
        }
        let labels = COCOWriter.encode(LabelDataset(images: [DatasetImage(id: 1, file: file, width: width, height: height)],
                                                    annotations: onImage), options: COCOWriter.Options(pretty: false))
        let annotationsJSON = (try? JSONParser.parse(labels, file: file))?["annotations"] ?? .array([])
        return .object([
            ("index", .number(Double(index))), ("file", .string(file)), ("bytes", .number(Double(byteCount))),
            ("width", .number(Double(width))), ("height", .number(Double(height))),
            ("manifest", .object(manifest)), ("annotations", annotationsJSON),
        ])
    }

    /// The manifest line for the output written at `location` (relative to the output folder).
    func manifestLine(location: String) -> [UInt8] {
        JSONWriter.encode(.object([("output", .string(location))] + manifest), pretty: false) + [UInt8(ascii: "\n")]
    }
}

extension AugmentedImage {
    /// Reads a journal line back; nil when it is not a whole entry.
    init?(json: JSONValue) {
        guard let index = json["index"]?.integer, let file = json["file"]?.string, let byteCount = json["bytes"]?.integer,
              let width = json["width"]?.integer, let height = json["height"]?.integer,
              let manifest = json["manifest"]?.members, let annotations = json["annotations"] else { return nil }
        let document = JSONValue.object([
            ("images", .array([.object([("id", 1), ("file_name", .string(file)), ("width", .number(Double(width))),
                                        ("height", .number(Double(height)))])])),
            ("annotations", annotations), ("categories", .array([])),
        ])
        guard let read = try? COCOReader.read(JSONWriter.encode(document, pretty: false), file: file), read.problems.isEmpty else { return nil }
        self.init(index: index, file: file, byteCount: byteCount, width: width, height: height,
                  annotations: read.dataset.annotations, manifest: manifest)
    }
}

/// Lets an existential parameter value be encoded on its own.
private struct ParametersBox: Encodable {
    let parameters: any TransformParameters

    func encode(to encoder: any Encoder) throws { try parameters.encode(to: encoder) }
}
