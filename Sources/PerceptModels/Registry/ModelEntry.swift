import PerceptNN

/// A model the registry builds: a module with a forward pass.
public typealias ZooModel = Module & Layer

/// One registered architecture: its name, task, a one-line summary, the configuration it is
/// built with when none is given, and its builder.
public struct ModelEntry: Sendable {
    /// The registry name (`resnet18`).
    public let name: String
    /// What the model is for.
    public let task: ModelTask
    /// One line describing the architecture.
    public let summary: String
    /// The configuration `percept summary NAME` and `percept models` use.
    public let defaultConfiguration: ModelConfiguration
    /// The names of the family knobs the builder reads from ``ModelConfiguration/options``
    /// (`width1`, `dropout`, …); a name outside this list is refused by ``build(_:)``.
    public let optionNames: [String]
    private let builder: @Sendable (ModelConfiguration) throws -> any ZooModel

    /// An entry whose `builder` makes a fresh model from a configuration.
    public init(name: String, task: ModelTask, summary: String, defaultConfiguration: ModelConfiguration, optionNames: [String] = [],
                builder: @escaping @Sendable (ModelConfiguration) throws -> any ZooModel) {
        self.name = name
        self.task = task
        self.summary = summary
        self.defaultConfiguration = defaultConfiguration
        self.optionNames = optionNames
        self.builder = builder
    }

    /// Builds a freshly initialised model; a configuration the architecture cannot take
    /// (no classes, an input too small for its layers, an option it does not read) throws a ``ModelRegistryError``. The
    /// model is checked to name every parameter (``Module/checkDiscoverable()``).
    public func build(_ configuration: ModelConfiguration) throws -> any ZooModel {
        for (field, value) in [("num_classes", configuration.numClasses), ("input_channels", configuration.inputChannels),
                               ("image_size", configuration.imageSize)] where value < 1 {
            throw ModelRegistryError.invalidConfiguration(model: name, message: "\(field) must be at least 1, got \(value)")
        }
        if let unknown = configuration.options.keys.sorted().first(where: { !optionNames.contains($0) }) {
            let known = optionNames.isEmpty ? "it takes no options" : "it takes " + optionNames.joined(separator: ", ")
            throw ModelRegistryError.invalidConfiguration(model: name, message: "unknown option \(unknown); \(known)")
        }
        let model = try builder(configuration)
        try model.checkDiscoverable()
        return model
    }

    /// The parameter counts of the model `configuration` builds, found without drawing or
    /// storing its weights (``ShapeOnlyInitialization``), so listing the zoo takes milliseconds.
    public func parameterCounts(_ configuration: ModelConfiguration) throws -> ParameterCounts {
        try ShapeOnlyInitialization.measuring { try build(configuration) }.parameterCounts
    }
}
