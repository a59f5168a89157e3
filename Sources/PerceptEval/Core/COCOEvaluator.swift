/// COCO-style evaluation identical to pycocotools' `COCOeval` (`evaluate`, `accumulate`,
/// `summarize`), run across the cores with results that do not depend on the thread count.
///
///     let (truth, _) = try COCOGroundTruthReader.read(gtBytes, file: "gt.json", iouType: .bbox)
///     let (found, _) = try COCODetectionReader.read(dtBytes, file: "dt.json", groundTruth: truth, iouType: .bbox)
///     let result = try COCOEvaluator.evaluate(groundTruth: truth, detections: found, parameters: .init(iouType: .bbox))
///     result.stats[0]   // AP @[.50:.95]
public enum COCOEvaluator {
    /// Evaluates `detections` against `groundTruth`. Detections of images or categories that
    /// are not evaluated are left out, as pycocotools does.
    public static func evaluate(groundTruth: COCOGroundTruth, detections: [COCODetection],
                                parameters: COCOEvaluationParameters) throws -> COCOEvaluationResult {
        var parameters = parameters
        parameters.maxDetections = Array(Set(parameters.maxDetections)).sorted()
        let categoryIDs = parameters.categoryIDs ?? groundTruth.categories.map(\.id)
        let index = EvaluationIndex(imageIDs: groundTruth.images.map(\.id), categoryIDs: categoryIDs,
                                    truths: groundTruth.objects, detections: detections)
        let names = groundTruth.categoryNames
        let sigmas = index.categoryIDs.map { parameters.keypointSigmas.sigmas(forCategory: $0, named: names[$0] ?? "") }
        let keep = parameters.maxDetections.last ?? 0
        let cells: [Result<CellMatches?, Error>] = parallelMap(count: index.cellCount) { cell in
            let truths = index.truths(in: cell).map { groundTruth.objects[$0] }
            let found = index.detections(in: cell).map { detections[$0] }
            guard !truths.isEmpty || !found.isEmpty else { return .success(nil) }
            let ranked = ImageMatching.ranked(found, maxDetections: keep)
            return Result {
                let overlaps = try Overlaps.compute(parameters.iouType, detections: ranked, truths: truths,
                                                    sigmas: sigmas[cell / max(index.imageIDs.count, 1)])
                return ImageMatching.match(detections: ranked, truths: truths, overlaps: overlaps, parameters: parameters)
            }
        }
        var matches: [CellMatches?] = []
        matches.reserveCapacity(cells.count)
        for cell in cells { matches.append(try cell.get()) }
        let imageCount = index.imageIDs.count
        let outputs = parallelMap(count: index.categoryIDs.count, minimumChunk: 1) { category in
            let categoryCells = matches[category * imageCount..<(category + 1) * imageCount].compactMap { $0 }
            return CategoryAccumulator(parameters: parameters, cells: categoryCells).accumulate()
        }
        return COCOEvaluationResult(parameters: parameters, categoryIDs: index.categoryIDs,
                                    categoryNames: index.categoryIDs.map { names[$0] ?? String($0) }, outputs: outputs)
    }
}
