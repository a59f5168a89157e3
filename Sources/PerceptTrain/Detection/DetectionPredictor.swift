import PerceptData
import PerceptImage
import PerceptModels
import PerceptNN
import PerceptTensor

/// Why a detector cannot run, naming the file.
public enum DetectionError: Error, CustomStringConvertible, Equatable {
    /// The weights are of a model that is not a YOLO detector.
    case notADetector(file: String, architecture: String)
    /// The inference size is not a positive multiple of 32.
    case invalidImageSize(Int)
    /// The model has no detection loss to train it with.
    case noLoss(model: String)
    /// The class names do not count the model's classes.
    case classNamesMismatch(model: String, classes: Int, names: Int)

    public var description: String {
        switch self {
        case let .notADetector(file, architecture):
            "\(file): error: the weights are of \(architecture), not a detection model (percept models --task detect lists them)"
        case let .invalidImageSize(size):
            "error: the image size must be a positive multiple of 32 (the largest stride), got \(size)"
        case let .noLoss(model):
            "error: \(model) is not a detector Percept can train (yolov8n, yolov8s, yolov3n, yolov8_resnet18 are)"
        case let .classNamesMismatch(model, classes, names):
            "error: the \(model) scores \(classes) classes but \(names) class names were given"
        }
    }
}

/// Runs a YOLO detector (`yolov8n`, `yolov8s`, `yolov8_resnet18`, `yolov3n`) on images as
/// Ultralytics' `predict` does for PyTorch models: fitted into an `imageSize` square (bilinear
/// resize) and padded with grey 114 to the next multiple of 32, RGB in `0...1`, decoded by the
/// head's ``DetectionLoss`` — the decoding validation uses, picked by
/// ``DetectionTask/make(for:classNames:thresholds:)`` — filtered and NMS'd, and the boxes moved
/// back to the image's own pixels.
///
/// ```swift
/// let predictor = try DetectionPredictor(TrainedModel.load("yolov8n.pt"), file: "yolov8n.pt", imageSize: 640)
/// let detections = try predictor.detect(image, thresholds: .init(confidence: 0.25))
/// ```
public struct DetectionPredictor {
    /// The detector, in eval mode.
    public let model: any ZooModel
    /// What turns the model's raw output into boxes and scores: its head's loss, as in validation.
    public let decoder: any DetectionLoss
    /// The class names by index.
    public let classNames: [String]
    /// The side of the square images are fitted into.
    public let imageSize: Int

    /// A predictor for a loaded model; weights of a model that is not a YOLO detector are refused naming `file`.
    public init(_ trained: TrainedModel, file: String, imageSize: Int = 640) throws {
        let task: DetectionTask
        do {
            task = try DetectionTask.make(for: trained.model, classNames: trained.description.classNames)
        } catch DetectionError.noLoss {
            throw DetectionError.notADetector(file: file, architecture: trained.description.name)
        }
        guard imageSize > 0, imageSize % 32 == 0 else { throw DetectionError.invalidImageSize(imageSize) }
        trained.model.train(false)
        model = trained.model
        decoder = task.loss
        classNames = task.classNames
        self.imageSize = imageSize
    }

    /// The image on its canvas as a `[1, 3, H, W]` tensor, with the geometry to map boxes back.
    public func letterboxed(_ image: Image) throws -> (input: Tensor, letterbox: Letterbox) {
        let letterbox = Letterbox(imageWidth: image.width, imageHeight: image.height, size: imageSize, stride: decoder.strides.max() ?? 32)
        var rgb = try image.withChannels(3).converted(to: .uint8)
        if rgb.width != letterbox.resizedWidth || rgb.height != letterbox.resizedHeight {
            rgb = try rgb.resized(width: letterbox.resizedWidth, height: letterbox.resizedHeight, interpolation: .bilinear)
        }
        // Ultralytics' grey 114 around the image, written straight into the input tensor.
        let input = try rgb.tensor(canvasWidth: letterbox.canvasWidth, canvasHeight: letterbox.canvasHeight, left: letterbox.left,
                                   top: letterbox.top, fill: [Float](repeating: Float(114) / 255, count: 3))
        return (try input.unsqueezed(0), letterbox)
    }

    /// The detections of `image`, best first, in its own pixels.
    public func detect(_ image: Image, thresholds: DetectionThresholds = .init()) throws -> [Detection] {
        try detect(letterboxed: [letterboxed(image)], thresholds: [thresholds])[0]
    }

    /// The detections of several letterboxed images (``letterboxed(_:)``), each filtered by its own
    /// thresholds; images on canvases of one size run through the model as one batch.
    public func detect(letterboxed items: [(input: Tensor, letterbox: Letterbox)], thresholds: [DetectionThresholds]) throws -> [[Detection]] {
        var results = [[Detection]](repeating: [], count: items.count)
        for group in BatchGrouping.byShape(items.map { $0.input.shape }) {
            let batch = try group.count == 1 ? items[group[0]].input : Tensor.concatenate(group.map { items[$0].input }, axis: 0)
            let found = try detections(raw: rawOutput(batch), letterboxes: group.map { items[$0].letterbox },
                                       thresholds: group.map { thresholds[$0] })
            for (position, index) in group.enumerated() { results[index] = found[position] }
        }
        return results
    }

    /// The model's raw output for letterboxed images on canvases of one size, stacked `[N, 3, H, W]`:
    /// the second of ``detect(letterboxed:thresholds:)``'s stages (after ``letterboxed(_:)``), which
    /// `percept bench detect` times one by one.
    public func rawOutput(_ batch: Tensor) throws -> Tensor {
        try withoutGrad { try model(batch) }
    }

    /// The last stage: the raw output of ``rawOutput(_:)`` decoded, filtered and NMS'd per image with
    /// its `thresholds`, and the boxes moved back to each image's own pixels through its `letterboxes` entry.
    public func detections(raw: Tensor, letterboxes: [Letterbox], thresholds: [DetectionThresholds]) throws -> [[Detection]] {
        guard let canvas = letterboxes.first, raw.rank >= 1, raw.shape[0] == letterboxes.count, thresholds.count == letterboxes.count else {
            throw TensorError.invalidArgument(operation: "DetectionPredictor", message:
                "expected one letterbox and one set of thresholds per image of \(raw.shape), got \(letterboxes.count) and \(thresholds.count)")
        }
        return try withoutGrad {
            let (boxes, scores) = try decoder.decode(raw, inputHeight: canvas.canvasHeight, inputWidth: canvas.canvasWidth)
            return try letterboxes.indices.map { position in
                try DetectionPostprocessing.detections(boxes: boxes.slice(axis: 0, start: position, end: position + 1),
                                                       scores: scores.slice(axis: 0, start: position, end: position + 1),
                                                       thresholds: thresholds[position])[0].map(letterboxes[position].toImage)
            }
        }
    }
}
