import PerceptImage
import PerceptLabels
import PerceptTensor
import PerceptTrain

/// An image classifier behind the server: preprocessed as `percept classify predict` does
/// (``ImagePreprocessing``), answered with the `top_k` (default 5) classes and probabilities.
final class ClassifierService: ServedModel {
    struct Input {
        var tensor: Tensor
        var topK: Int
    }

    let name: String
    let trained: TrainedModel
    let decodeLimits: DecodeLimits
    private let preprocessing: ImagePreprocessing
    let acceptedMediaTypes = UploadDecoding.imageMediaTypes

    init(name: String, trained: TrainedModel, decodeLimits: DecodeLimits) {
        self.name = name
        self.trained = trained
        self.decodeLimits = decodeLimits
        preprocessing = ImagePreprocessing(trained)
    }

    var summary: JSONValue {
        UploadDecoding.summary(name: name, task: "classify", architecture: trained.description.name, classes: trained.description.classNames,
                               input: .object([("width", .number(Double(preprocessing.size))), ("height", .number(Double(preprocessing.size))),
                                               ("channels", .number(Double(preprocessing.channels)))]))
    }

    func prepare(_ upload: Upload) throws -> Input {
        let topK = try upload.number("top_k", in: 1...Int.max, default: 5)
        return Input(tensor: try preprocessing.tensor(of: UploadDecoding.image(upload, limits: decodeLimits)), topK: topK)
    }

    func run(_ inputs: [Input]) throws -> [JSONValue] {
        let probabilities = try trained.probabilities(of: inputs.map(\.tensor))
        let names = trained.description.classNames
        return zip(inputs, probabilities).map { input, scores in
            let ranked = TrainedModel.topClasses(scores, count: input.topK)
            return .object([("model", .string(name)), ("task", .string("classify")), ("top", .array(ranked.map { index in
                JSONValue.object([("class", .string(names[index])), ("index", .number(Double(index))), ("score", UploadDecoding.number(scores[index]))])
            }))])
        }
    }
}
