import ArgumentParser

/// `percept detect …`: run YOLO object detectors (Ultralytics YOLOv8 checkpoints or Percept weights).
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run YOLOv8 object detectors (Ultralytics .pt checkpoints or Percept weights) on images.",
        subcommands: [DetectPredictCommand.self, DetectAnchorsCommand.self]
    )
}
