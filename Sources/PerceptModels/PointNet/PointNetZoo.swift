import PerceptNN

/// The PointNet registry entries (task `pointcloud`). Configuration: `num_classes`,
/// `input_channels` (3 coordinates plus extra features such as intensity), `image_size` (the
/// points per cloud), options `width` (multiplier of every layer width) and, for the
/// classifiers, `dropout`.
enum PointNetZoo {
    /// Every PointNet entry.
    static var entries: [ModelEntry] {
        [classifier("pointnet_cls", width: 1), classifier("pointnet_cls_s", width: 0.5),
         segmenter("pointnet_seg", width: 1), segmenter("pointnet_seg_s", width: 0.5)]
    }

    /// 1,024 xyz points in 10 classes (synth-shapes, ModelNet10).
    static let shapes = ModelConfiguration(numClasses: 10, inputChannels: 3, imageSize: 1024)
    /// 4,096 points of xyz + intensity in the simulated scenes' classes.
    static let scans = ModelConfiguration(numClasses: 8, inputChannels: 4, imageSize: 4096)

    static func classifier(_ name: String, width: Double) -> ModelEntry {
        ModelEntry(name: name, task: .pointcloud,
                   summary: "PointNet classification with input and feature T-Nets, width \(width) (options width, dropout 0.3)",
                   defaultConfiguration: shapes, optionNames: ["width", "dropout"]) { configuration in
            try PointNetClassifier(inputChannels: try channels(configuration, model: name), classes: configuration.numClasses,
                                   width: try widths(configuration, model: name, default: width),
                                   dropout: Float(configuration.option("dropout", default: 0.3)))
        }
    }

    static func segmenter(_ name: String, width: Double) -> ModelEntry {
        ModelEntry(name: name, task: .pointcloud,
                   summary: "PointNet per-point segmentation with input and feature T-Nets, width \(width) (option width)",
                   defaultConfiguration: scans, optionNames: ["width"]) { configuration in
            try PointNetSegmenter(inputChannels: try channels(configuration, model: name), classes: configuration.numClasses,
                                  width: try widths(configuration, model: name, default: width))
        }
    }

    private static func channels(_ configuration: ModelConfiguration, model: String) throws -> Int {
        guard configuration.inputChannels >= 3 else {
            throw ModelRegistryError.invalidConfiguration(model: model, message: "input_channels must be at least 3 (x, y, z), got \(configuration.inputChannels)")
        }
        return configuration.inputChannels
    }

    private static func widths(_ configuration: ModelConfiguration, model: String, default value: Double) throws -> PointNetWidths {
        let width = configuration.option("width", default: value)
        guard width > 0, width <= 4 else {
            throw ModelRegistryError.invalidConfiguration(model: model, message: "option width must lie in (0, 4], got \(width)")
        }
        return PointNetWidths(width)
    }
}
