import PerceptNN

/// The detection models' registry entries (task `detect`): `yolov8n` and `yolov8s`, Ultralytics'
/// YOLOv8 at scales n and s, `yolov3n`, YOLOv3's anchor head on the `yolov8n` backbone and
/// neck, and `yolov8_resnet18`, ResNet-18's trunk under yolov8s's neck and head; 80 classes and
/// 640×640 inputs by default. The options `depth`, `width` and `max_channels` override the
/// scale (an Ultralytics checkpoint of another scale or a custom YAML records them) and, for the
/// anchor-free heads, `reg_max` the DFL bins per box side (16).
enum DetectionZoo {
    /// Every detection entry.
    static var entries: [ModelEntry] {
        [yolov8(name: "yolov8n", scaling: .nano), yolov8(name: "yolov8s", scaling: .small), yolov3n, yolov8ResNet18]
    }

    /// The option names every YOLOv8 entry reads.
    static let optionNames = ["depth", "width", "max_channels", "reg_max"]

    /// The default configuration of every detection entry.
    private static let defaults = ModelConfiguration(numClasses: 80, inputChannels: 3, imageSize: 640)

    private static func yolov8(name: String, scaling: YOLOScaling) -> ModelEntry {
        ModelEntry(name: name, task: .detect,
                   summary: "YOLOv8 (Ultralytics' layout and names), depth \(scaling.depth), width \(scaling.width); options depth, width, max_channels, reg_max (16)",
                   defaultConfiguration: defaults, optionNames: optionNames) { configuration in
            try YOLOv8(classes: configuration.numClasses, inputChannels: configuration.inputChannels,
                       scaling: try self.scaling(configuration, model: name, default: scaling), bins: try self.bins(configuration, model: name))
        }
    }

    private static var yolov8ResNet18: ModelEntry {
        ModelEntry(name: "yolov8_resnet18", task: .detect,
                   summary: "torchvision ResNet-18 trunk (backbone.*, a resnet18 classifier's weights load into it) under yolov8s's SPPF, PAN-FPN neck and Detect head (128/256/512 channels); option reg_max (16)",
                   defaultConfiguration: defaults, optionNames: ["reg_max"]) { configuration in
            try self.checkImageSize(configuration, model: "yolov8_resnet18")
            return try YOLOv8ResNet(classes: configuration.numClasses, inputChannels: configuration.inputChannels,
                                    bins: try self.bins(configuration, model: "yolov8_resnet18"))
        }
    }

    /// The DFL bins per box side a configuration asks for (`reg_max`, 16 by default), checked.
    private static func bins(_ configuration: ModelConfiguration, model name: String) throws -> Int {
        let bins = configuration.option("reg_max", default: 16)
        guard bins >= 2, bins <= 64, bins == bins.rounded() else {
            throw ModelRegistryError.invalidConfiguration(model: name, message: "reg_max must be an integer in 2...64, got \(bins)")
        }
        return Int(bins)
    }

    private static var yolov3n: ModelEntry {
        let scaling = YOLOScaling.nano
        return ModelEntry(name: "yolov3n", task: .detect,
                          summary: "YOLOv3's anchor head (3 scales × 3 anchors, YOLOv3's anchors) on the yolov8n backbone and neck; options depth, width, max_channels",
                          defaultConfiguration: defaults, optionNames: ["depth", "width", "max_channels"]) { configuration in
            try YOLOAnchorModel(classes: configuration.numClasses, inputChannels: configuration.inputChannels,
                                scaling: try self.scaling(configuration, model: "yolov3n", default: scaling))
        }
    }

    /// The scale a configuration asks for (`depth`, `width`, `max_channels` over `scaling`),
    /// checked, with an image size the largest stride divides.
    private static func scaling(_ configuration: ModelConfiguration, model name: String, default scaling: YOLOScaling) throws -> YOLOScaling {
        let depth = configuration.option("depth", default: scaling.depth), width = configuration.option("width", default: scaling.width)
        let maxChannels = configuration.option("max_channels", default: Double(scaling.maxChannels))
        guard depth > 0, depth <= 4, width > 0, width <= 4, maxChannels >= 8, maxChannels <= 8192, maxChannels == maxChannels.rounded() else {
            throw ModelRegistryError.invalidConfiguration(
                model: name, message: "depth and width must lie in (0, 4] and max_channels be an integer in 8...8192; got \(depth), \(width), \(maxChannels)")
        }
        try checkImageSize(configuration, model: name)
        return YOLOScaling(depth: depth, width: width, maxChannels: Int(maxChannels))
    }

    /// Refuses an image size the largest stride (32) does not divide.
    private static func checkImageSize(_ configuration: ModelConfiguration, model name: String) throws {
        guard configuration.imageSize % 32 == 0 else {
            throw ModelRegistryError.invalidConfiguration(model: name, message: "image_size must be a multiple of 32 (the largest stride), got \(configuration.imageSize)")
        }
    }
}
