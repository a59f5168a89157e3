import ArgumentParser

/// `percept detect …`: train, validate and run YOLO object detectors (Ultralytics YOLOv8 checkpoints or Percept weights).
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Train, validate and run YOLOv8 object detectors (Ultralytics .pt checkpoints or Percept weights).",
        subcommands: [DetectTrainCommand.self, DetectValCommand.self, DetectPredictCommand.self, DetectAnchorsCommand.self]
    )
}
