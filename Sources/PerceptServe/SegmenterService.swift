import PerceptData
import PerceptImage
import PerceptLabels
import PerceptTensor
import PerceptTrain

/// A segmentation model behind the server, run as `percept segment predict --format rle` runs
/// it (``SegmentationPrediction``): one COCO RLE mask per class present, background left out,
/// with the class list. Images of one size run as one batch.
final class SegmenterService: ServedModel {
    struct Input {
        var image: Tensor
        var size: ImageSize
    }

    let name: String
    let trained: TrainedModel
    let decodeLimits: DecodeLimits
    let acceptedMediaTypes = UploadDecoding.imageMediaTypes

    init(name: String, trained: TrainedModel, decodeLimits: DecodeLimits) {
        self.name = name
        self.trained = trained
        self.decodeLimits = decodeLimits
    }

    var classNames: [String] { SegmentationPrediction.classNames(trained.description) }

    var summary: JSONValue {
        let configuration = trained.description.configuration
        return UploadDecoding.summary(name: name, task: "segment", architecture: trained.description.name, classes: classNames,
                                      input: .object([("width", .number(Double(configuration.imageSize))), ("height", .number(Double(configuration.imageSize))),
                                                      ("channels", .number(Double(configuration.inputChannels))), ("any_size", true)]))
    }

    func prepare(_ upload: Upload) throws -> Input {
        let decoded = try UploadDecoding.image(upload, limits: decodeLimits)
        let image: Image
        do {
            image = try SegmentationDataset.modelImage(decoded, file: upload.fileName, channels: trained.description.configuration.inputChannels)
        } catch let error as DataError {
            throw ServeError.unreadableUpload(file: upload.fileName, detail: error.message)
        }
        return Input(image: image.tensor(), size: image.size)
    }

    func run(_ inputs: [Input]) throws -> [JSONValue] {
        var answers = [JSONValue](repeating: .null, count: inputs.count)
        let names = classNames
        for group in BatchGrouping.byShape(inputs.map(\.image.shape)) {
            let batch = try Tensor.stack(group.map { inputs[$0].image })
            let probabilities = try SegmentationPrediction.probabilities(batch, models: [trained])
            for (position, index) in group.enumerated() {
                let own = try probabilities.slice(axis: 0, start: position, end: position + 1)
                let size = inputs[index].size
                let ids = try SegmentationPrediction.classIDs(own, size: size)
                let masks = try SegmentationPrediction.annotations(ids, size: size, imageID: 1, probabilities: own)
                answers[index] = .object([
                    ("model", .string(name)), ("task", .string("segment")),
                    ("width", .number(Double(size.width))), ("height", .number(Double(size.height))),
                    ("classes", .array(names.map { .string($0) })),
                    ("masks", .array(masks.compactMap { annotation in
                        annotation.mask.map { mask in
                            JSONValue.object([("class", .string(names.indices.contains(annotation.categoryID) ? names[annotation.categoryID] : "class\(annotation.categoryID)")),
                                     ("class_index", .number(Double(annotation.categoryID))), ("score", .number(annotation.score ?? 1)),
                                     ("rle", .object([("size", .array([.number(Double(mask.height)), .number(Double(mask.width))])),
                                                      ("counts", .string(mask.compressedString))]))])
                        }
                    })),
                ])
            }
        }
        return answers
    }
}
