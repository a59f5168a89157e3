import PerceptData
import PerceptModels
import PerceptNN
import PerceptTensor

/// An Ultralytics checkpoint (`yolov8n.pt` and the `best.pt` its trainer writes): a dict whose
/// `model` (or `ema`) is the pickled `DetectionModel`, read as inert records by ``TorchFile``.
/// The architecture comes from the model's recorded `yaml` (its rows must be YOLOv8's; the
/// scale gives depth, width and channel cap), the class names from `names`; nothing is run.
/// A checkpoint of another task (segment, pose, classify, obb) is refused by name.
///
/// ```swift
/// let checkpoint = try UltralyticsCheckpoint(TorchFile.read(path: "yolov8n.pt"))!
/// let model = try checkpoint.model()
/// ```
public struct UltralyticsCheckpoint {
    /// The file read.
    public let file: String
    /// The registry name the model is built as (`yolov8n`, `yolov8s`).
    public let architecture: String
    /// The configuration: classes, input channels, and the scale as options when it is not the entry's own.
    public let configuration: ModelConfiguration
    /// The class names, by index.
    public let classNames: [String]
    /// The tensors, by Ultralytics' names.
    public let weights: TorchWeights

    /// YOLOv8's rows as `from/repeats/module`, backbone then head (the `Detect` row last).
    static let yolov8Rows = [
        "-1/1/Conv", "-1/1/Conv", "-1/3/C2f", "-1/1/Conv", "-1/6/C2f", "-1/1/Conv", "-1/6/C2f", "-1/1/Conv", "-1/3/C2f", "-1/1/SPPF",
        "-1/1/nn.Upsample", "-1,6/1/Concat", "-1/3/C2f", "-1/1/nn.Upsample", "-1,4/1/Concat", "-1/3/C2f",
        "-1/1/Conv", "-1,12/1/Concat", "-1/3/C2f", "-1/1/Conv", "-1,9/1/Concat", "-1/3/C2f", "15,18,21/1/Detect",
    ]

    /// The task each Ultralytics head module means.
    static let headTasks = ["Detect": "detect", "Segment": "segment", "Pose": "pose", "Classify": "classify", "OBB": "obb",
                            "WorldDetect": "world", "RTDETRDecoder": "rtdetr", "v10Detect": "detect (YOLOv10)"]

    /// The checkpoint in `weights`, or nil when the file is not an Ultralytics checkpoint (no
    /// pickled model with a recorded `yaml`). Errors name the file: another task, rows that
    /// are not YOLOv8's, a damaged `yaml` or `names`.
    public init?(_ weights: TorchWeights) throws {
        guard let model = Self.modelRecord(weights.root), let yaml = model.state["yaml"], case .dict = yaml else { return nil }
        let file = weights.file
        func fail(_ detail: String) -> TorchFileError { .unsupported(file: file, detail: "Ultralytics checkpoint: " + detail) }
        let rows = (yaml["backbone"]?.elements ?? []) + (yaml["head"]?.elements ?? [])
        let signatures = rows.map(Self.signature)
        let headModule = rows.last?.elements.flatMap { $0.count > 2 ? $0[2].text : nil } ?? "nothing"
        guard headModule == "Detect" else {
            let task = Self.headTasks[headModule] ?? headModule
            throw fail("this is a \(task) model (its head is \(headModule)); percept detect needs a detection model")
        }
        guard signatures == Self.yolov8Rows else {
            throw fail("its rows are not YOLOv8's (\(rows.count) rows\(yaml["yaml_file"]?.text.map { ", from \($0)" } ?? "")); only YOLOv8 architectures are built")
        }
        if let activation = yaml["activation"], activation != .none {
            throw fail("it sets activation \(activation.text ?? activation.kindName); only YOLOv8's SiLU is built")
        }
        if yaml["end2end"]?.integer == 1 { throw fail("it is an end-to-end (NMS-free) model, which is not built") }
        let scaling = try Self.scaling(yaml, fail: fail)
        guard let classes = yaml["nc"]?.integer, classes >= 1 else { throw fail("its yaml has no class count nc") }
        let channels = yaml["channels"]?.integer ?? yaml["ch"]?.integer ?? 3
        let bins = yaml["reg_max"]?.integer ?? 16
        let names = try Self.names(model.state["names"], classes: classes, fail: fail)
        let standard = scaling == .small ? ("yolov8s", YOLOScaling.small) : ("yolov8n", YOLOScaling.nano)
        var options: [String: Double] = [:]
        if scaling.depth != standard.1.depth { options["depth"] = scaling.depth }
        if scaling.width != standard.1.width { options["width"] = scaling.width }
        if scaling.maxChannels != standard.1.maxChannels { options["max_channels"] = Double(scaling.maxChannels) }
        if bins != 16 { options["reg_max"] = Double(bins) }
        self.file = file
        architecture = standard.0
        configuration = ModelConfiguration(numClasses: classes, inputChannels: channels, imageSize: 640, options: options)
        classNames = names
        self.weights = weights
    }

    /// The model built from the recorded architecture with the checkpoint's tensors loaded
    /// strictly, in evaluation mode.
    public func model() throws -> any ZooModel {
        let model = try ModelRegistry.build(architecture, configuration: configuration)
        try model.load(weights.stateDict(), strict: true, source: file)
        model.train(false)
        return model
    }

    /// The checkpoint's model record: `ema` when set, else `model` (as Ultralytics loads them).
    static func modelRecord(_ root: PickleValue) -> PickleRecord? {
        for key in ["ema", "model"] {
            if case .record(let record)? = root[key] { return record }
        }
        return nil
    }

    /// A row `[from, repeats, module, args]` as `from/repeats/module`.
    static func signature(_ row: PickleValue) -> String {
        guard let fields = row.elements, fields.count >= 3 else { return "?" }
        let from = fields[0].integer.map { String($0) } ?? (fields[0].elements ?? []).map { $0.integer.map(String.init) ?? "?" }.joined(separator: ",")
        return "\(from)/\(fields[1].integer.map(String.init) ?? "?")/\(fields[2].text ?? "?")"
    }

    /// The scale: `scales[scale]` (the first scale when none is named, as Ultralytics picks
    /// it), or `depth_multiple` and `width_multiple` in older files.
    static func scaling(_ yaml: PickleValue, fail: (String) -> TorchFileError) throws -> YOLOScaling {
        func number(_ value: PickleValue?) -> Double? {
            switch value {
            case .float(let x)?: x
            case .int(let x)?: Double(x)
            default: nil
            }
        }
        guard case .dict(let scales)? = yaml["scales"], !scales.isEmpty else {
            return YOLOScaling(depth: number(yaml["depth_multiple"]) ?? 1, width: number(yaml["width_multiple"]) ?? 1,
                               maxChannels: number(yaml["max_channels"]).map { Int(Swift.min($0, 8192)) } ?? 8192)
        }
        let named = yaml["scale"]?.text ?? ""
        let entry = scales.first { $0.key.text == named } ?? scales[0]
        guard let values = entry.value.elements, values.count == 3, let depth = number(values[0]), let width = number(values[1]),
              let cap = number(values[2]) else {
            throw fail("scale \(entry.key.text ?? "?") is not [depth, width, max_channels]")
        }
        return YOLOScaling(depth: depth, width: width, maxChannels: Int(cap))
    }

    /// `names` as a list by index: a dict {index: name} or a list; indices as names when absent.
    static func names(_ value: PickleValue?, classes: Int, fail: (String) -> TorchFileError) throws -> [String] {
        switch value {
        case .dict(let entries)?:
            var names = (0..<classes).map(String.init)
            for entry in entries {
                guard let index = entry.key.integer, (0..<classes).contains(index), let name = entry.value.text else {
                    throw fail("names holds \(entry.key.kindName) → \(entry.value.kindName), not a class index below \(classes) and its name")
                }
                names[index] = name
            }
            return names
        case .list(let values)? where values.count == classes:
            return values.enumerated().map { $0.element.text ?? String($0.offset) }
        default:
            return (0..<classes).map(String.init)
        }
    }
}
