import PerceptData
import PerceptModels
import PerceptPointCloud
import PerceptTensor

/// Running a trained PointNet on whole scans and clouds, in eval mode without gradients.
public enum ScanPrediction {
    /// The class of every point of `scan`: covering tiles (``ScanTiles/coveringInputs(of:using:)``)
    /// run `batch` at a time, their probabilities voted back onto the points.
    public static func segment(_ scan: LabelledScan, model: any ZooModel, tiles: ScanTiles, batch: Int = 16, seed: UInt64 = 0) throws -> [Int] {
        var generator = SeededGenerator(seed: seed)
        let inputs = try tiles.coveringInputs(of: scan, using: &generator)
        var logits: [Tensor] = []
        try evaluating(model) {
            for start in stride(from: 0, to: inputs.count, by: batch) {
                let group = inputs[start..<Swift.min(start + batch, inputs.count)]
                let output = try model(Tensor.stack(group.map(\.channels)))
                logits += try (0..<group.count).map { try output.slice(axis: 0, start: $0, end: $0 + 1).squeezed(0) }
            }
        }
        return try ScanTiles.vote(count: scan.count, inputs: inputs, logits: logits)
    }

    /// The raw label id of every point of a cloud of `pointCount` points from the class
    /// `predicted` for each point `scan` kept (``rawIDs`` maps classes to raw ids); the points
    /// the scan dropped (NaN coordinates) get 0, unlabelled.
    public static func rawLabels(_ predicted: [Int], scan: LabelledScan, pointCount: Int, rawIDs: [UInt32]) -> [UInt32] {
        var labels = [UInt32](repeating: 0, count: pointCount)
        for (position, original) in scan.keptIndices.enumerated() { labels[original] = rawIDs[predicted[position]] }
        return labels
    }

    /// The raw label id each class is written as: through the model's label map, or the class
    /// index itself when it has none.
    public static func rawIDs(_ info: PointCloudModelInfo, classCount: Int) -> [UInt32] {
        info.labelMap?.rawIDOfClass ?? (0..<classCount).map { UInt32($0) }
    }

    /// Class probabilities of a whole cloud for a classifier: `points` points drawn from it,
    /// centred and scaled into the unit sphere, as in training.
    public static func classify(_ scan: LabelledScan, model: any ZooModel, points: Int, seed: UInt64 = 0) throws -> [Float] {
        let channels = try Tensor(scan.columns.flatMap { $0 }, shape: [scan.columns.count, scan.count])
        let example = try CloudClassDataset.samplingTransform(points: points, augment: false)(Example(input: channels, target: Tensor.zeros([])), seed)
        var probabilities: [Float] = []
        try evaluating(model) {
            probabilities = try model(example.input.unsqueezed(0)).softmax(axis: 1).contiguous().toArray()
        }
        return probabilities
    }

    /// Runs `body` with the model in eval mode and no gradients, restoring its mode afterwards.
    static func evaluating(_ model: any ZooModel, _ body: () throws -> Void) throws {
        let wasTraining = model.isTraining
        model.train(false)
        defer { model.train(wasTraining) }
        try withoutGrad { try body() }
    }
}
