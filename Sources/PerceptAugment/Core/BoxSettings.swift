import PerceptImage

/// When boxes and keypoints survive a spatial transform.
///
/// After every spatial transform each box is clipped to the canvas, then dropped (with its
/// label and instance mask) when its visible fraction (clipped area over the area it had
/// after the transform, before clipping) is below `minVisibility`, its clipped area is below
/// `minArea`, or its shorter side is below `minSize`.
public struct BoxSettings: Equatable, Sendable {
    /// Smallest visible fraction `0...1` a box may keep.
    public var minVisibility: Double
    /// Smallest area in pixels.
    public var minArea: Double
    /// Smallest width and height in pixels.
    public var minSize: Double
    /// Whether keypoints that leave the canvas are kept (true) or dropped (false).
    public var keepKeypointsOutside: Bool

    /// Settings; the defaults keep every box with positive area.
    public init(minVisibility: Double = 0, minArea: Double = 0, minSize: Double = 0, keepKeypointsOutside: Bool = false) {
        self.minVisibility = minVisibility
        self.minArea = minArea
        self.minSize = minSize
        self.keepKeypointsOutside = keepKeypointsOutside
    }
}

/// Counts of what the box and keypoint rules changed during a run.
public struct AugmentStatistics: Equatable, Sendable {
    /// Boxes dropped (with their labels) by the visibility, area or size rules.
    public var droppedBoxes = 0
    /// Boxes that reached past the canvas (or were inverted) and were clipped.
    public var clippedBoxes = 0
    /// Keypoints dropped because they left the canvas.
    public var droppedKeypoints = 0

    /// No changes yet.
    public init() {}

    /// The sum of two counts.
    public static func + (left: AugmentStatistics, right: AugmentStatistics) -> AugmentStatistics {
        var sum = left
        sum.droppedBoxes += right.droppedBoxes
        sum.clippedBoxes += right.clippedBoxes
        sum.droppedKeypoints += right.droppedKeypoints
        return sum
    }
}

extension AugmentContext {
    /// Clips and filters `moved` (the boxes after a transform, before clipping) on a canvas of
    /// `canvas`, and drops the matching labels and instance masks from `sample`.
    mutating func placeBoxes(_ moved: [BoundingBox], in sample: inout Sample, canvas: ImageSize) {
        let keep = keptBoxes(moved, canvas: canvas, region: nil)
        let aligned = sample.hasAlignedMasks
        sample.boxes = keep.map { $0.box }
        sample.labels = keep.map { sample.labels[$0.index] }
        if aligned { sample.instanceMasks = keep.map { sample.instanceMasks[$0.index] } }
    }

    /// The indices and clipped boxes that survive the rules; `region` limits the visible part
    /// further (a mosaic tile), defaulting to the whole canvas.
    mutating func keptBoxes(_ moved: [BoundingBox], canvas: ImageSize,
                            region: BoundingBox?) -> [(index: Int, box: BoundingBox)] {
        let window = region ?? BoundingBox(minX: 0, minY: 0, maxX: Double(canvas.width), maxY: Double(canvas.height))
        var kept: [(index: Int, box: BoundingBox)] = []
        kept.reserveCapacity(moved.count)
        for (index, box) in moved.enumerated() {
            let ordered = BoundingBox(minX: min(box.minX, box.maxX), minY: min(box.minY, box.maxY),
                                      maxX: max(box.minX, box.maxX), maxY: max(box.minY, box.maxY))
            let clipped = BoundingBox(minX: min(max(ordered.minX, window.minX), window.maxX),
                                      minY: min(max(ordered.minY, window.minY), window.maxY),
                                      maxX: min(max(ordered.maxX, window.minX), window.maxX),
                                      maxY: min(max(ordered.maxY, window.minY), window.maxY))
            if clipped != box { statistics.clippedBoxes += 1 }
            let visible = ordered.area > 0 ? clipped.area / ordered.area : 0
            guard box.minX.isFinite, box.minY.isFinite, box.maxX.isFinite, box.maxY.isFinite, !clipped.isEmpty,
                  visible >= settings.minVisibility, clipped.area >= settings.minArea,
                  min(clipped.width, clipped.height) >= settings.minSize else {
                statistics.droppedBoxes += 1
                continue
            }
            kept.append((index, clipped))
        }
        return kept
    }

    /// The keypoints that stay: all of them when the settings keep outside points, else those
    /// inside `region` (the whole canvas by default).
    mutating func placeKeypoints(_ moved: [Keypoint], canvas: ImageSize, region: BoundingBox? = nil) -> [Keypoint] {
        if settings.keepKeypointsOutside { return moved }
        let window = region ?? BoundingBox(minX: 0, minY: 0, maxX: Double(canvas.width), maxY: Double(canvas.height))
        let kept = moved.filter { $0.x >= window.minX && $0.y >= window.minY && $0.x < window.maxX && $0.y < window.maxY }
        statistics.droppedKeypoints += moved.count - kept.count
        return kept
    }
}
