/// Intersection over union between detections and ground truths, as pycocotools' `iou`: for a
/// crowd ground truth the union is the detection's own area, so a detection inside a crowd
/// region scores 1. Results are indexed `[detection][groundTruth]`.
public enum OverlapMatrix {
    /// IoU of COCO `[x, y, width, height]` boxes (pycocotools `bbIou`). Throws for a box that
    /// does not have four numbers or a crowd list whose length differs from the ground truths.
    public static func boxes(detections: [[Double]], groundTruths: [[Double]], isCrowd: [Bool]) throws -> [[Double]] {
        try checkCrowdCount(isCrowd, groundTruths.count)
        for box in detections + groundTruths where box.count != 4 {
            throw LabelError.invalidArgument("a COCO box has 4 numbers, found \(box.count)")
        }
        return detections.map { detection in
            groundTruths.indices.map { index in
                boxOverlap(detection, groundTruths[index], crowd: isCrowd.isEmpty ? false : isCrowd[index])
            }
        }
    }

    private static func boxOverlap(_ detection: [Double], _ truth: [Double], crowd: Bool) -> Double {
        let width = min(detection[2] + detection[0], truth[2] + truth[0]) - max(detection[0], truth[0])
        guard width > 0 else { return 0 }
        let height = min(detection[3] + detection[1], truth[3] + truth[1]) - max(detection[1], truth[1])
        guard height > 0 else { return 0 }
        let intersection = width * height
        let detectionArea = detection[2] * detection[3]
        let union = crowd ? detectionArea : detectionArea + truth[2] * truth[3] - intersection
        return intersection / union
    }

    /// IoU of RLE masks (pycocotools `rleIou`): pairs whose boxes do not overlap score 0
    /// without walking the runs, and masks of different sizes score -1.
    public static func masks(detections: [RunLengthEncoding], groundTruths: [RunLengthEncoding],
                             isCrowd: [Bool]) throws -> [[Double]] {
        let boxOverlaps = try boxes(detections: detections.map(\.cocoBox), groundTruths: groundTruths.map(\.cocoBox),
                                    isCrowd: isCrowd)
        return detections.indices.map { detectionIndex in
            groundTruths.indices.map { truthIndex in
                let overlap = boxOverlaps[detectionIndex][truthIndex]
                guard overlap > 0 else { return overlap }
                let detection = detections[detectionIndex], truth = groundTruths[truthIndex]
                guard detection.height == truth.height, detection.width == truth.width else { return -1 }
                let crowd = isCrowd.isEmpty ? false : isCrowd[truthIndex]
                return runOverlap(detection.counts, truth.counts, crowd: crowd, detectionArea: detection.area)
            }
        }
    }

    private static func runOverlap(_ detection: [UInt32], _ truth: [UInt32], crowd: Bool, detectionArea: Int) -> Double {
        var intersection = 0, union = 0
        RunLengthEncoding.walkRunPairs(detection, truth) { step, insideDetection, insideTruth in
            if insideDetection || insideTruth {
                union += Int(step)
                if insideDetection && insideTruth { intersection += Int(step) }
            }
        }
        if intersection == 0 {
            union = 1
        } else if crowd {
            union = detectionArea
        }
        return Double(intersection) / Double(union)
    }

    private static func checkCrowdCount(_ isCrowd: [Bool], _ truthCount: Int) throws {
        guard isCrowd.isEmpty || isCrowd.count == truthCount else {
            throw LabelError.invalidArgument("\(isCrowd.count) crowd flags for \(truthCount) ground truths")
        }
    }
}
