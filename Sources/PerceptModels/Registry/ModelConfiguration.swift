import Foundation
import PerceptNN

/// What a model is for; `percept models --task` filters on it.
public enum ModelTask: String, Codable, CaseIterable, Sendable {
    case classify, segment, detect, autoencoder, pointcloud
}

/// A model's configuration, stored as JSON in weights files (`percept.config`), so a file
/// alone rebuilds its model.
///
/// ```swift
/// let configuration = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28)
/// let model = try ModelRegistry.build("fashion_cnn", configuration: configuration)
/// ```
public struct ModelConfiguration: Codable, Equatable, Sendable {
    /// Outputs of the head.
    public var numClasses: Int
    /// Input channels: 1 gray, 3 RGB, ….
    public var inputChannels: Int
    /// The square input side the first fully connected layer is sized from (points for point clouds).
    public var imageSize: Int
    /// Family knobs (width multiplier, dropout, …); empty by default.
    public var options: [String: Double]

    /// A configuration.
    public init(numClasses: Int, inputChannels: Int, imageSize: Int, options: [String: Double] = [:]) {
        self.numClasses = numClasses
        self.inputChannels = inputChannels
        self.imageSize = imageSize
        self.options = options
    }

    // Snake case, as the Python side of the project spells keys.
    enum CodingKeys: String, CodingKey {
        case numClasses = "num_classes", inputChannels = "input_channels", imageSize = "image_size", options
    }

    /// Decodes a configuration; `options` may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        numClasses = try container.decode(Int.self, forKey: .numClasses)
        inputChannels = try container.decode(Int.self, forKey: .inputChannels)
        imageSize = try container.decode(Int.self, forKey: .imageSize)
        options = try container.decodeIfPresent([String: Double].self, forKey: .options) ?? [:]
    }

    /// The configuration as compact JSON with sorted keys (the same configuration always
    /// gives the same bytes).
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses the JSON written by ``jsonString()``.
    public static func parse(json: String) throws -> ModelConfiguration {
        try JSONDecoder().decode(ModelConfiguration.self, from: Data(json.utf8))
    }

    /// The option `key`, or `defaultValue` when it is not set.
    public func option(_ key: String, default defaultValue: Double) -> Double { options[key] ?? defaultValue }
}
