import PerceptImage
import PerceptLabels
import PerceptModels
import PerceptTensor
import PerceptTrain

/// A detector of `percept models --task detect` (YOLOv8, the anchor-based yolov3n, the ResNet-18 one) behind the server, letterboxed and filtered as `percept detect predict`
/// does (``DetectionPredictor``); query parameters `conf`, `iou`, `max_det` as its flags.
/// Boxes are `[x1, y1, x2, y2]` in the uploaded image's pixels.
final class DetectorService: ServedModel {
    struct Input {
        var letterboxed: (input: Tensor, letterbox: Letterbox)
        var thresholds: DetectionThresholds
    }

    let name: String
    let predictor: DetectionPredictor
    let architecture: String
    let decodeLimits: DecodeLimits
    let acceptedMediaTypes = UploadDecoding.imageMediaTypes

    init(name: String, trained: TrainedModel, file: String, imageSize: Int, decodeLimits: DecodeLimits) throws {
        self.name = name
        predictor = try DetectionPredictor(trained, file: file, imageSize: imageSize)
        architecture = trained.description.name
        self.decodeLimits = decodeLimits
    }

    var summary: JSONValue {
        UploadDecoding.summary(name: name, task: "detect", architecture: architecture, classes: predictor.classNames,
                               input: .object([("width", .number(Double(predictor.imageSize))), ("height", .number(Double(predictor.imageSize))),
                                               ("channels", 3)]))
    }

    func prepare(_ upload: Upload) throws -> Input {
        let thresholds = DetectionThresholds(confidence: try upload.number("conf", in: 0...1, default: 0.25),
                                             iou: try upload.number("iou", in: 0...1, default: 0.7),
                                             maxDetections: try upload.number("max_det", in: 1...100_000, default: 300))
        return Input(letterboxed: try predictor.letterboxed(UploadDecoding.image(upload, limits: decodeLimits)), thresholds: thresholds)
    }

    func run(_ inputs: [Input]) throws -> [JSONValue] {
        let found = try predictor.detect(letterboxed: inputs.map(\.letterboxed), thresholds: inputs.map(\.thresholds))
        let names = predictor.classNames
        return zip(inputs, found).map { input, detections in
            .object([("model", .string(name)), ("task", .string("detect")),
                     ("width", .number(Double(input.letterboxed.letterbox.imageWidth))), ("height", .number(Double(input.letterboxed.letterbox.imageHeight))),
                     ("detections", .array(detections.map { detection in
                         JSONValue.object([("class", .string(names.indices.contains(detection.classIndex) ? names[detection.classIndex] : String(detection.classIndex))),
                                  ("class_index", .number(Double(detection.classIndex))), ("score", UploadDecoding.number(detection.score)),
                                  ("box", .array([detection.x1, detection.y1, detection.x2, detection.y2].map { .number($0) }))])
                     }))])
        }
    }
}
