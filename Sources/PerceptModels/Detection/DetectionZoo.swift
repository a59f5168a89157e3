import PerceptNN

/// The detection models' registry entries (task `detect`): `yolov8n` and `yolov8s`, Ultralytics'
/// YOLOv8 at scales n and s, 80 classes and 640×640 inputs by default. The options `depth`,
/// `width` and `max_channels` override the scale (an Ultralytics checkpoint of another scale or
/// a custom YAML records them) and `reg_max` the DFL bins per box side (16).
enum DetectionZoo {
    /// Every detection entry.
    static var entries: [ModelEntry] {
        [yolov8(name: "yolov8n", scaling: .nano), yolov8(name: "yolov8s", scaling: .small)]
    }

    /// The option names every YOLOv8 entry reads.
    static let optionNames = ["depth", "width", "max_channels", "reg_max"]

    private static func yolov8(name: String, scaling: YOLOScaling) -> ModelEntry {
        let defaults = ModelConfiguration(numClasses: 80, inputChannels: 3, imageSize: 640)
        return ModelEntry(name: name, task: .detect,
                          summary: "YOLOv8 (Ultralytics' layout and names), depth \(scaling.depth), width \(scaling.width); options depth, width, max_channels, reg_max (16)",
                          defaultConfiguration: defaults, optionNames: optionNames) { configuration in
            let depth = configuration.option("depth", default: scaling.depth), width = configuration.option("width", default: scaling.width)
            let maxChannels = configuration.option("max_channels", default: Double(scaling.maxChannels))
            let bins = configuration.option("reg_max", default: 16)
            guard depth > 0, depth <= 4, width > 0, width <= 4, maxChannels >= 8, maxChannels <= 8192, maxChannels == maxChannels.rounded(),
                  bins >= 2, bins <= 64, bins == bins.rounded() else {
                throw ModelRegistryError.invalidConfiguration(
                    model: name, message: "depth and width must lie in (0, 4], max_channels be an integer in 8...8192 and reg_max an integer in 2...64; got \(depth), \(width), \(maxChannels), \(bins)")
            }
            guard configuration.imageSize % 32 == 0 else {
                throw ModelRegistryError.invalidConfiguration(model: name, message: "image_size must be a multiple of 32 (the largest stride), got \(configuration.imageSize)")
            }
            return try YOLOv8(classes: configuration.numClasses, inputChannels: configuration.inputChannels,
                              scaling: YOLOScaling(depth: depth, width: width, maxChannels: Int(maxChannels)), bins: Int(bins))
        }
    }
}
