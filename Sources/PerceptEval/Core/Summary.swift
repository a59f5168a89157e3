extension COCOEvaluationResult {
    /// One line of pycocotools' `summarize`: average precision or recall at an IoU threshold
    /// (nil for the mean over all), an area-range label and a detection limit.
    public struct SummaryLine: Equatable, Sendable {
        /// Precision (AP) or recall (AR).
        public var isPrecision: Bool
        /// A single threshold, or nil for 0.50:0.95.
        public var iouThreshold: Double?
        /// The area-range label.
        public var area: String
        /// The detection limit.
        public var maxDetections: Int

        /// The line as pycocotools prints it, without the value.
        public var title: String {
            let kind = isPrecision ? "Average Precision  (AP)" : "Average Recall     (AR)"
            let iou = iouThreshold.map { formatted($0) } ?? "0.50:0.95"
            return " \(kind) @[ IoU=\(iou.padding(toLength: 9, withPad: " ", startingAt: 0)) | area=\(String(repeating: " ", count: max(0, 6 - area.count)) + area) | maxDets=\(String(repeating: " ", count: max(0, 3 - String(maxDetections).count)) + String(maxDetections)) ]"
        }

        /// A short name for tables and JSON: `AP`, `AP50`, `APs`, `AR100`, `ARm`, ….
        public var shortName: String {
            var name = isPrecision ? "AP" : "AR"
            if let iouThreshold { name += String(Int((iouThreshold * 100).rounded())) }
            if area != "all" { name += String(area.prefix(1)) } else if !isPrecision && iouThreshold == nil { name += String(maxDetections) }
            return name
        }

        private func formatted(_ value: Double) -> String {
            let hundredths = Int((value * 100).rounded())
            return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
        }
    }

    /// The lines of `summarize` in COCO's order: 12 for boxes and masks, 10 for keypoints.
    /// As in pycocotools, the first line uses 100 detections and keypoints use 20, whatever
    /// the limits are; a missing limit or area label gives -1.
    public var summaryLines: [SummaryLine] {
        func line(_ precision: Bool, _ iou: Double? = nil, _ area: String = "all", _ limit: Int) -> SummaryLine {
            SummaryLine(isPrecision: precision, iouThreshold: iou, area: area, maxDetections: limit)
        }
        if parameters.iouType == .keypoints {
            return [line(true, nil, "all", 20), line(true, 0.5, "all", 20), line(true, 0.75, "all", 20),
                    line(true, nil, "medium", 20), line(true, nil, "large", 20),
                    line(false, nil, "all", 20), line(false, 0.5, "all", 20), line(false, 0.75, "all", 20),
                    line(false, nil, "medium", 20), line(false, nil, "large", 20)]
        }
        let limits = parameters.maxDetections
        func limit(_ index: Int) -> Int { index < limits.count ? limits[index] : -1 }
        return [line(true, nil, "all", 100), line(true, 0.5, "all", limit(2)), line(true, 0.75, "all", limit(2)),
                line(true, nil, "small", limit(2)), line(true, nil, "medium", limit(2)), line(true, nil, "large", limit(2)),
                line(false, nil, "all", limit(0)), line(false, nil, "all", limit(1)), line(false, nil, "all", limit(2)),
                line(false, nil, "small", limit(2)), line(false, nil, "medium", limit(2)), line(false, nil, "large", limit(2))]
    }

    /// pycocotools' `stats`: the summary numbers over every evaluated category.
    public var stats: [Double] { summaryLines.map { value(of: $0, categories: 0..<categoryIDs.count) } }

    /// The summary numbers of the category at position `category` alone.
    public func stats(forCategoryAt category: Int) -> [Double] {
        summaryLines.map { value(of: $0, categories: category..<category + 1) }
    }

    /// A category's AP over 0.50:0.95 at all areas and the largest detection limit (the
    /// usual per-category AP, read straight from the precision array), or -1.
    public func averagePrecision(forCategoryAt category: Int) -> Double {
        let line = SummaryLine(isPrecision: true, iouThreshold: nil, area: "all", maxDetections: parameters.maxDetections.last ?? 100)
        return value(of: line, categories: category..<category + 1)
    }

    /// The mean of the values above -1 that `line` selects, or -1 when there are none.
    public func value(of line: SummaryLine, categories: Range<Int>) -> Double {
        let thresholds = parameters.iouThresholds.indices.filter { line.iouThreshold == nil || parameters.iouThresholds[$0] == line.iouThreshold }
        let areas = parameters.areaRanges.indices.filter { parameters.areaRanges[$0].label == line.area }
        let limits = parameters.maxDetections.indices.filter { parameters.maxDetections[$0] == line.maxDetections }
        var sum = 0.0, count = 0
        for threshold in thresholds {
            for category in categories {
                for area in areas {
                    for limit in limits {
                        if line.isPrecision {
                            for point in parameters.recallThresholds.indices {
                                let value = precision(threshold: threshold, recallPoint: point, category: category, area: area, limit: limit)
                                if value > -1 { sum += value; count += 1 }
                            }
                        } else {
                            let value = recall(threshold: threshold, category: category, area: area, limit: limit)
                            if value > -1 { sum += value; count += 1 }
                        }
                    }
                }
            }
        }
        return count > 0 ? sum / Double(count) : -1
    }

    /// The precision curve at the threshold position `threshold` for the category at
    /// `category` (all areas, the largest limit) over the recall points; nil without ground truth.
    public func precisionCurve(threshold: Int, category: Int) -> [Double]? {
        let area = parameters.areaRanges.firstIndex { $0.label == "all" } ?? 0
        let limit = parameters.maxDetections.count - 1
        let curve = parameters.recallThresholds.indices.map { precision(threshold: threshold, recallPoint: $0, category: category, area: area, limit: limit) }
        return curve.contains { $0 < 0 } ? nil : curve
    }
}
