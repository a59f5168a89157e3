import PerceptModels
import PerceptNN
import PerceptTensor

/// Recognises a YOLOv8 state dict that names no architecture (Ultralytics' weights saved as
/// plain safetensors): the classes from the class branch's last convolution, the input
/// channels from the stem, the DFL bins from `model.22.dfl.conv.weight`, and the scale as the
/// registered YOLOv8 whose every tensor has the file's shape.
enum YOLOv8Recognition {
    /// The description of the YOLOv8 `stateDict` holds, or nil when it is not one of the registered scales.
    static func description(of stateDict: [String: Tensor]) -> ModelDescription? {
        guard let dfl = stateDict["model.22.dfl.conv.weight"], dfl.rank == 4, let classes = stateDict["model.22.cv3.0.2.weight"]?.shape.first,
              let stem = stateDict["model.0.conv.weight"], stem.rank == 4 else { return nil }
        let bins = dfl.shape[1]
        let configuration = ModelConfiguration(numClasses: classes, inputChannels: stem.shape[1], imageSize: 640,
                                               options: bins == 16 ? [:] : ["reg_max": Double(bins)])
        let shapes = stateDict.mapValues(\.shape)
        for name in ["yolov8n", "yolov8s"] {
            guard let model = try? ShapeOnlyInitialization.measuring({ try ModelRegistry.build(name, configuration: configuration) }),
                  model.stateDict().mapValues(\.shape) == shapes else { continue }
            return ModelDescription(name: name, configuration: configuration)
        }
        return nil
    }
}
