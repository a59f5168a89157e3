import Foundation
import PerceptData
import PerceptImage
import PerceptLabels
import PerceptModels
import PerceptTensor
import PerceptTrain

/// An autoencoder behind the server, run as `percept autoencoder reconstruct` and `embed` run it
/// (``AutoencoderInput``): the reconstruction through the mean code as a base64 PNG of the
/// model's size, its PSNR against the input, and the code (a VAE's mean). Every input has the
/// model's shape, so a batch runs as one forward pass.
final class AutoencoderService: ServedModel {
    let name: String
    let trained: TrainedModel
    let model: any Autoencoder
    let decodeLimits: DecodeLimits
    let acceptedMediaTypes = UploadDecoding.imageMediaTypes

    /// Throws ``ServeError/unservable(file:reason:)`` when `trained` holds no autoencoder.
    init(name: String, trained: TrainedModel, file: String, decodeLimits: DecodeLimits) throws {
        guard let model = trained.model as? any Autoencoder else {
            throw ServeError.unservable(file: file, reason: "\(trained.description.name) is listed as an autoencoder but its model is not one")
        }
        self.name = name
        self.trained = trained
        self.model = model
        self.decodeLimits = decodeLimits
    }

    var summary: JSONValue {
        let configuration = trained.description.configuration
        return UploadDecoding.summary(name: name, task: "autoencoder", architecture: trained.description.name, classes: trained.description.classNames,
                                      input: .object([("width", .number(Double(configuration.imageSize))), ("height", .number(Double(configuration.imageSize))),
                                                      ("channels", .number(Double(configuration.inputChannels)))]))
    }

    func prepare(_ upload: Upload) throws -> Tensor {
        let decoded = try UploadDecoding.image(upload, limits: decodeLimits)
        do {
            return try AutoencoderInput.tensor(decoded, file: upload.fileName, for: trained.description)
        } catch let error as AutoencoderInputError {
            throw ServeError.unreadableUpload(file: upload.fileName, detail: error.detail)
        }
    }

    func run(_ inputs: [Tensor]) throws -> [JSONValue] {
        let batch = try Tensor.stack(inputs)
        let reconstructions = try withoutGrad { try model.reconstruct(batch) }
        let psnr = try PeakSignalToNoise.perImage(reconstructions, batch)
        let codes = try AutoencoderInput.embedding(model, batch)
        let width = model.latentFeatures, size = trained.description.configuration.imageSize
        let values = codes.toArray()
        return try inputs.indices.map { index in
            let reconstruction = try reconstructions.slice(axis: 0, start: index, end: index + 1).squeezed(0).contiguous()
            let png = try Image(tensor: reconstruction).encoded(as: .png)
            return .object([
                ("model", .string(name)), ("task", .string("autoencoder")),
                ("width", .number(Double(size))), ("height", .number(Double(size))),
                ("psnr", .number(psnr[index])),
                ("reconstruction", .string(Data(png).base64EncodedString())),
                ("embedding", .array(values[(index * width)..<((index + 1) * width)].map(UploadDecoding.number))),
            ])
        }
    }
}
