/// The compound scaling of an Ultralytics model file: `depth` multiplies the repeats of every
/// repeated row, `width` the channels of every row (capped at `maxChannels` first, then rounded
/// up to a multiple of 8), as YOLOv8's `scales: n: [0.33, 0.25, 1024]` define them.
public struct YOLOScaling: Equatable, Sendable {
    /// The depth multiple.
    public var depth: Double
    /// The width multiple.
    public var width: Double
    /// The channel cap applied before the width multiple.
    public var maxChannels: Int

    /// A scaling.
    public init(depth: Double, width: Double, maxChannels: Int) {
        self.depth = depth
        self.width = width
        self.maxChannels = maxChannels
    }

    /// YOLOv8n.
    public static let nano = YOLOScaling(depth: 0.33, width: 0.25, maxChannels: 1024)
    /// YOLOv8s.
    public static let small = YOLOScaling(depth: 0.33, width: 0.5, maxChannels: 1024)

    /// The channels of a row written with `channels`: ⌈min(channels, max) · width / 8⌉ · 8.
    public func channels(_ channels: Int) -> Int {
        Int((Double(Swift.min(channels, maxChannels)) * width / 8).rounded(.up)) * 8
    }

    /// The repeats of a row written with `repeats`: max(round(repeats · depth), 1) when above 1
    /// (Python's round: halves to even).
    public func repeats(_ repeats: Int) -> Int {
        repeats > 1 ? Swift.max(Int((Double(repeats) * depth).rounded(.toNearestOrEven)), 1) : repeats
    }
}
