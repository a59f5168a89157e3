import PerceptPointCloud
import PerceptTensor

/// Fixed-size inputs cut from large scans: square columns (`size` metres on x and y, every
/// height) of `points` points. Training draws one random column per example; prediction covers
/// the scan with a grid of columns overlapping by `overlap` metres, splits each column's points
/// into chunks of `points` (the last padded by repetition) so every original point is in some
/// input, and votes the chunks' class probabilities back onto the points.
public struct ScanTiles: Sendable, Equatable {
    /// Points per input.
    public var points: Int
    /// The side of a column in metres.
    public var size: Float
    /// How far neighbouring prediction columns overlap, in metres.
    public var overlap: Float

    /// Tiles of `points` points, `size` metres wide, overlapping by `overlap` metres when predicting.
    public init(points: Int = 4096, size: Float = 10, overlap: Float = 2) {
        self.points = points
        self.size = size
        self.overlap = overlap
    }

    /// One input of a PointNet: channels `[C, points]` and, when labelled, the classes `[points]`;
    /// `sourceIndices[i]` is the scan's index of input point i (the inverse mapping).
    public struct Input: Sendable {
        /// `[C, points]`: every channel as read; coordinates stay in the sensor's frame, because
        /// where a point lies relative to the sensor (on the road at y ≈ 0 or beside it) is part
        /// of what it is.
        public var channels: Tensor
        /// `[points]` int64 class indices, or nil for an unlabelled scan.
        public var classes: Tensor?
        /// The scan's index of each input point.
        public var sourceIndices: [Int]
    }

    /// The indices of points whose x and y lie in the column centred on `centre`.
    public func column(of scan: LabelledScan, centre: SIMD2<Float>) -> [Int] {
        let half = size / 2, xs = scan.columns[0], ys = scan.columns[1]
        return (0..<scan.count).filter { Swift.abs(xs[$0] - centre.x) <= half && Swift.abs(ys[$0] - centre.y) <= half }
    }

    /// A training input: the column around a random point of the scan, `points` of its points
    /// drawn without replacement (with repeats when it has fewer), and with `augment` mirrored
    /// across the sensor's x axis at random, scaled and jittered by the point augmentations of
    /// `PerceptPointCloud` (not rotated: the road runs along x).
    public func randomInput(from scan: LabelledScan, augment: Bool, using generator: inout SeededGenerator) throws -> Input {
        let anchor = scan.point(generator.index(below: scan.count))
        let indices = column(of: scan, centre: SIMD2(anchor.x, anchor.y))
        let xs = scan.columns[0], ys = scan.columns[1], zs = scan.columns[2]
        let local = PointCloud(x: indices.map { xs[$0] }, y: indices.map { ys[$0] }, z: indices.map { zs[$0] })
        let chosen = try local.randomSample(count: points, using: &generator).sourceIndices.map { indices[$0] }
        return try input(scan, chosen, augment: augment, using: &generator)
    }

    /// Inputs covering every point of the scan at least once (see the type's description); the
    /// generator shuffles each column's points before they are split into chunks.
    public func coveringInputs(of scan: LabelledScan, using generator: inout SeededGenerator) throws -> [Input] {
        let xs = scan.columns[0], ys = scan.columns[1]
        let low = SIMD2(xs.min() ?? 0, ys.min() ?? 0), high = SIMD2(xs.max() ?? 0, ys.max() ?? 0)
        let step = Swift.max(size - overlap, size / 4)
        var inputs: [Input] = []
        var y = low.y + size / 2
        while true {
            var x = low.x + size / 2
            while true {
                var indices = column(of: scan, centre: SIMD2(x, y))
                indices.shuffle(using: &generator)
                var start = 0
                while start < indices.count {
                    var chunk = Array(indices[start..<Swift.min(start + points, indices.count)])
                    while chunk.count < points { chunk.append(chunk[generator.index(below: chunk.count)]) }
                    inputs.append(try input(scan, chunk, augment: false, using: &generator))
                    start += points
                }
                if x + size / 2 >= high.x { break }
                x += step
            }
            if y + size / 2 >= high.y { break }
            y += step
        }
        return inputs
    }

    /// The predicted class of every point of a scan of `count` points: each input's logits
    /// `[classes, points]` turned into probabilities and added to its source points.
    public static func vote(count: Int, inputs: [Input], logits: [Tensor]) throws -> [Int] {
        guard let classes = logits.first?.shape.first else { return [] }
        var votes = [Float](repeating: 0, count: count * classes)
        for (input, scores) in zip(inputs, logits) {
            let probabilities = try scores.softmax(axis: 0).contiguous().toArray(), width = input.sourceIndices.count
            for (position, source) in input.sourceIndices.enumerated() {
                for label in 0..<classes { votes[source * classes + label] += probabilities[label * width + position] }
            }
        }
        return (0..<count).map { point in
            var best = 0
            for label in 1..<classes where votes[point * classes + label] > votes[point * classes + best] { best = label }
            return best
        }
    }

    private func input(_ scan: LabelledScan, _ chosen: [Int], augment: Bool, using generator: inout SeededGenerator) throws -> Input {
        var local = PointCloud(x: chosen.map { scan.columns[0][$0] }, y: chosen.map { scan.columns[1][$0] }, z: chosen.map { scan.columns[2][$0] })
        if augment {
            if generator.uniform(0...1) < 0.5 { local = local.flipped(.y) }
            local = local.randomlyScaled(in: 0.95...1.05, using: &generator).jittered(sigma: 0.01, clip: 0.05, using: &generator)
        }
        var values = local.x + local.y + local.z
        for channel in scan.columns.dropFirst(3) { values += chosen.map { channel[$0] } }
        let classes = try scan.classes.map { labels in try Tensor(indices: chosen.map { labels[$0] }, shape: [chosen.count]) }
        return Input(channels: try Tensor(values, shape: [scan.columns.count, chosen.count]), classes: classes, sourceIndices: chosen)
    }
}
