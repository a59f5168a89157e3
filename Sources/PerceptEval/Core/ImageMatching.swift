/// The matches of one cell (a category in an image) for every area range and threshold, as
/// pycocotools' `evaluateImg` records them.
struct CellMatches: Sendable {
    /// Flag bits per detection: matched to a ground truth (whose id is not 0), and ignored.
    static let matchedFlag: UInt8 = 1, ignoredFlag: UInt8 = 2

    /// Scores of the kept detections, highest first (ties in file order).
    var scores: [Double]
    /// Flags at `(area * thresholds + threshold) * detections + detection`.
    var flags: [UInt8]
    /// Per area range: the ground truths that count (neither crowd nor outside the range).
    var positives: [Int]

    /// The flags of detection `detection` for area range `area` and threshold `threshold`.
    func flags(area: Int, threshold: Int, thresholdCount: Int, detection: Int) -> UInt8 {
        flags[(area * thresholdCount + threshold) * scores.count + detection]
    }
}

/// Greedy matching in score order, exactly as pycocotools' `evaluateImg`.
enum ImageMatching {
    /// The detections of a cell in evaluation order: by score, highest first, ties in file
    /// order (numpy's stable mergesort), cut to `maxDetections`.
    static func ranked(_ detections: [COCODetection], maxDetections: Int) -> [COCODetection] {
        let order = detections.indices.sorted { detections[$0].score > detections[$1].score || (detections[$0].score == detections[$1].score && $0 < $1) }
        return order.prefix(maxDetections).map { detections[$0] }
    }

    /// Matches ranked detections to ground truths (file order) given their overlaps
    /// `[detection][truth]`. For each area range, ground truths outside it (and crowd regions,
    /// and for keypoints objects without keypoints) are ignored and tried last; a detection
    /// takes the best-overlapping free truth at or above each threshold, a crowd region can
    /// take any number; a detection matched to an ignored truth is ignored, and so is an
    /// unmatched detection outside the area range.
    static func match(detections: [COCODetection], truths: [COCOGroundTruthObject], overlaps: [[Double]],
                      parameters: COCOEvaluationParameters) -> CellMatches {
        let thresholds = parameters.iouThresholds, areas = parameters.areaRanges
        let detectionCount = detections.count, truthCount = truths.count
        var result = CellMatches(scores: detections.map(\.score),
                                 flags: [UInt8](repeating: 0, count: areas.count * thresholds.count * detectionCount),
                                 positives: [])
        // Plain arrays for the hot loop: overlaps row by row, and the fields it reads.
        let overlap = overlaps.flatMap { $0 }
        let crowd = truths.map(\.isCrowd), truthIDs = truths.map(\.id), truthAreas = truths.map(\.area)
        let detectionAreas = detections.map(\.area)
        let alwaysIgnored = truths.map { $0.isCrowd || (parameters.iouType == .keypoints && $0.keypointCount == 0) }
        var taken = [Bool](repeating: false, count: truthCount)
        for (areaIndex, area) in areas.enumerated() {
            let ignored = truths.indices.map { alwaysIgnored[$0] || truthAreas[$0] < area.lower || truthAreas[$0] > area.upper }
            // Counted truths first, then ignored ones, each group in file order.
            let order = truths.indices.filter { !ignored[$0] } + truths.indices.filter { ignored[$0] }
            result.positives.append(truthCount - ignored.filter { $0 }.count)
            for (thresholdIndex, threshold) in thresholds.enumerated() {
                let base = (areaIndex * thresholds.count + thresholdIndex) * detectionCount
                for index in taken.indices { taken[index] = false }
                for detection in 0..<detectionCount {
                    var best = min(threshold, 1 - 1e-10), match = -1
                    if !overlap.isEmpty {
                        let row = detection * truthCount
                        for position in 0..<truthCount {
                            let truth = order[position]
                            if taken[position] && !crowd[truth] { continue }
                            // Once matched to a counted truth, ignored ones cannot take over.
                            if match > -1 && !ignored[order[match]] && ignored[truth] { break }
                            let value = overlap[row + truth]
                            if value < best { continue }
                            best = value
                            match = position
                        }
                    }
                    var matchedID = 0
                    if match > -1 {
                        let truth = order[match]
                        taken[match] = true
                        matchedID = truthIDs[truth]
                        if ignored[truth] { result.flags[base + detection] |= CellMatches.ignoredFlag }
                    }
                    // pycocotools stores the truth's id and reads 0 as "no match".
                    if matchedID != 0 {
                        result.flags[base + detection] |= CellMatches.matchedFlag
                    } else if detectionAreas[detection] < area.lower || detectionAreas[detection] > area.upper {
                        result.flags[base + detection] |= CellMatches.ignoredFlag
                    }
                }
            }
        }
        return result
    }
}
