import Foundation
import PerceptImage
import PerceptLabels
import PerceptModels
import PerceptTrain

/// One served model as the routes see it, whatever its task: its summary, the bodies it
/// accepts, and predictions through its batching queue.
protocol ModelEndpoint: Sendable {
    /// What `GET /v1/models` lists.
    var summary: JSONValue { get }
    /// Whether a raw body of `contentType` is accepted.
    func accepts(_ contentType: String) -> Bool
    /// The media types accepted, for the 415 message.
    var acceptedMediaTypes: [String] { get }
    /// The answer for `upload`.
    func predict(_ upload: Upload) async throws -> JSONValue
    /// The most requests run as one batch so far.
    var largestBatch: Int { get }
    /// Stops the queue's thread.
    func stop()
}

extension BatchQueue: ModelEndpoint {
    var summary: JSONValue { model.summary }
    var acceptedMediaTypes: [String] { model.acceptedMediaTypes }
    func accepts(_ contentType: String) -> Bool { model.accepts(contentType) }
}

/// A weights file to serve under a name: `PATH` (named by its file stem) or `NAME=PATH`.
public struct ModelSpecification: Sendable, Equatable {
    /// The name in `/v1/models/{name}/predict`.
    public var name: String
    /// The weights file.
    public var path: String

    /// Parses `PATH` or `NAME=PATH`; a name must be letters, digits, `-`, `_` or `.`.
    public init(_ argument: String) throws {
        if let equals = argument.firstIndex(of: "="), !FileManager.default.fileExists(atPath: argument) {
            name = String(argument[..<equals])
            path = String(argument[argument.index(after: equals)...])
        } else {
            path = argument
            name = URL(fileURLWithPath: argument).deletingPathExtension().lastPathComponent
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(allowed.contains), name != ".", name != ".." else {
            throw ServeError.badSettings(place: "--weights \(argument)", detail: "the model name '\(name)' must be letters, digits, '-', '_' or '.'; give NAME=PATH")
        }
    }
}

/// Loading weights files into served models, the task read from each file's metadata.
public enum ServedModels {
    /// The tasks the server answers.
    public static let servedTasks: [ModelTask] = [.classify, .detect, .segment, .pointcloud, .autoencoder]

    /// Loads every specification; two models of one name or a file that cannot be read throws
    /// naming the file.
    static func load(_ specifications: [ModelSpecification], settings: ServeSettings, detectImageSize: Int) throws -> [String: any ModelEndpoint] {
        var endpoints: [String: any ModelEndpoint] = [:]
        do {
            for specification in specifications {
                guard endpoints[specification.name] == nil else {
                    throw ServeError.badSettings(place: "--weights \(specification.path)", detail: "a second model named '\(specification.name)'; give NAME=PATH")
                }
                endpoints[specification.name] = try endpoint(specification, settings: settings, detectImageSize: detectImageSize)
            }
        } catch {
            for endpoint in endpoints.values { endpoint.stop() }
            throw error
        }
        return endpoints
    }

    private static func endpoint(_ specification: ModelSpecification, settings: ServeSettings, detectImageSize: Int) throws -> any ModelEndpoint {
        let (name, path) = (specification.name, specification.path)
        let trained = try TrainedModel.load(path)
        // Ultralytics checkpoints may name a configuration the registry does not list.
        let task: ModelTask = try trained.model is YOLOv8 ? .detect : ModelRegistry.entry(trained.description.name).task
        switch task {
        case .classify:
            return queue(ClassifierService(name: name, trained: trained, decodeLimits: settings.decodeLimits), settings)
        case .detect:
            return queue(try DetectorService(name: name, trained: trained, file: path, imageSize: detectImageSize, decodeLimits: settings.decodeLimits), settings)
        case .segment:
            return queue(SegmenterService(name: name, trained: trained, decodeLimits: settings.decodeLimits), settings)
        case .pointcloud:
            return queue(try PointCloudService(name: name, trained: trained, file: path), settings)
        case .autoencoder:
            return queue(try AutoencoderService(name: name, trained: trained, file: path, decodeLimits: settings.decodeLimits), settings)
        }
    }

    private static func queue<Model: ServedModel>(_ model: Model, _ settings: ServeSettings) -> BatchQueue<Model> {
        BatchQueue(model: model, maxBatch: settings.maxBatch, maxWait: settings.maxWait)
    }
}
