import PerceptLabels

/// Which categories the detections were mistaken for: rows are predicted categories plus
/// background (missed objects), columns are true categories plus background (detections of
/// nothing). Detections scoring below `scoreThreshold` are dropped; the rest are matched to
/// ground truths of any category one to one, highest overlap first, at or above
/// `iouThreshold`. Crowd regions are left out, and so are detections that overlap one.
public struct DetectionConfusionMatrix: Equatable, Sendable {
    /// Category ids in row and column order; the last row and column are background.
    public let categoryIDs: [Int]
    /// Category names in the same order.
    public let categoryNames: [String]
    /// `counts[predicted][true]`, both `categoryIDs.count + 1` long.
    public let counts: [[Int]]
    /// The overlap needed for a match.
    public let iouThreshold: Double
    /// The score a detection needs to be counted.
    public let scoreThreshold: Double

    /// Builds the matrix for the evaluated categories of `parameters` (IoU type, categories,
    /// keypoint sigmas), keeping each image's best `maxDetections` detections.
    public static func build(groundTruth: COCOGroundTruth, detections: [COCODetection], parameters: COCOEvaluationParameters,
                             iouThreshold: Double = 0.5, scoreThreshold: Double = 0.25,
                             maxDetections: Int = 100) throws -> DetectionConfusionMatrix {
        let categoryIDs = Array(Set(parameters.categoryIDs ?? groundTruth.categories.map(\.id))).sorted()
        let positions = Dictionary(uniqueKeysWithValues: categoryIDs.enumerated().map { ($1, $0) })
        let names = groundTruth.categoryNames
        let background = categoryIDs.count
        let truthsByImage = Dictionary(grouping: groundTruth.objects.filter { positions[$0.categoryID] != nil }, by: \.imageID)
        let detectionsByImage = Dictionary(grouping: detections.filter { positions[$0.categoryID] != nil && $0.score >= scoreThreshold }, by: \.imageID)
        let imageIDs = Array(Set(groundTruth.images.map(\.id))).sorted()
        let perImage: [Result<[[Int]], Error>] = parallelMap(count: imageIDs.count) { image in
            Result {
                let truths = truthsByImage[imageIDs[image]] ?? []
                let ranked = ImageMatching.ranked(detectionsByImage[imageIDs[image]] ?? [], maxDetections: maxDetections)
                return try countImage(truths: truths, detections: ranked, positions: positions, background: background,
                                      iouThreshold: iouThreshold, parameters: parameters, names: names)
            }
        }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: background + 1), count: background + 1)
        for image in perImage {
            let imageCounts = try image.get()
            for row in counts.indices { for column in counts.indices { counts[row][column] += imageCounts[row][column] } }
        }
        return DetectionConfusionMatrix(categoryIDs: categoryIDs, categoryNames: categoryIDs.map { names[$0] ?? String($0) },
                                        counts: counts, iouThreshold: iouThreshold, scoreThreshold: scoreThreshold)
    }

    private static func countImage(truths: [COCOGroundTruthObject], detections: [COCODetection], positions: [Int: Int], background: Int,
                                   iouThreshold: Double, parameters: COCOEvaluationParameters, names: [Int: String]) throws -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: background + 1), count: background + 1)
        // Keypoint similarity needs one set of sigmas; the first category's serves across categories.
        let sigmaCategory = truths.first?.categoryID ?? detections.first?.categoryID ?? 0
        let sigmas = parameters.keypointSigmas.sigmas(forCategory: sigmaCategory, named: names[sigmaCategory] ?? "")
        let overlaps = try Overlaps.compute(parameters.iouType, detections: detections, truths: truths, sigmas: sigmas)
        var pairs: [(detection: Int, truth: Int, overlap: Double)] = []
        var overlapsCrowd = [Bool](repeating: false, count: detections.count)
        for detection in overlaps.indices {
            for truth in truths.indices where overlaps[detection][truth] >= iouThreshold {
                if truths[truth].isCrowd { overlapsCrowd[detection] = true } else { pairs.append((detection, truth, overlaps[detection][truth])) }
            }
        }
        pairs.sort { $0.overlap > $1.overlap || ($0.overlap == $1.overlap && ($0.detection, $0.truth) < ($1.detection, $1.truth)) }
        var detectionMatched = [Bool](repeating: false, count: detections.count), truthMatched = [Bool](repeating: false, count: truths.count)
        for pair in pairs where !detectionMatched[pair.detection] && !truthMatched[pair.truth] {
            detectionMatched[pair.detection] = true
            truthMatched[pair.truth] = true
            counts[positions[detections[pair.detection].categoryID] ?? background][positions[truths[pair.truth].categoryID] ?? background] += 1
        }
        for (truth, object) in truths.enumerated() where !truthMatched[truth] && !object.isCrowd {
            counts[background][positions[object.categoryID] ?? background] += 1
        }
        for (detection, object) in detections.enumerated() where !detectionMatched[detection] && !overlapsCrowd[detection] {
            counts[positions[object.categoryID] ?? background][background] += 1
        }
        return counts
    }
}
