import ArgumentParser

/// `percept segment …`: train, validate and run semantic segmentation models (U-Net).
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Train, validate and run semantic segmentation models (U-Net) on images with masks or polygons.",
        subcommands: [SegmentTrainCommand.self, SegmentValCommand.self, SegmentPredictCommand.self]
    )
}
