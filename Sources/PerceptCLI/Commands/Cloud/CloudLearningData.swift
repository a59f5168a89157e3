import Foundation
import Percept

/// The data of `percept cloud train|val`: class folders for classification, labelled scans for
/// segmentation, read once, with their notices printed as `FILE: warning:` lines.
enum CloudLearningData {
    /// Training and validation loaders and what describes them.
    struct Loaded {
        var training: DataLoader
        var validation: DataLoader
        var classNames: [String]
        var labelMap: PointLabelMap?
        var trainingCount: Int
        var validationCount: Int
        /// Per-class loss weights of segmentation (nil: equal weights).
        var classWeights: [Float]?
    }

    /// Labelled scans of `paths`, each read with `features` and mapped through `labelMap`;
    /// dropped NaN points and small scans are reported as warnings.
    static func scans(_ paths: [String], features: PointFeatures, labelMap: PointLabelMap, points: Int) throws -> [LabelledScan] {
        try paths.map { path in
            let scan = try LabelledScan.read(path, features: features, labelMap: labelMap, requireLabels: true)
            notices(scan, points: points)
            return scan
        }
    }

    /// Prints a scan's notices: NaN points dropped, fewer points than an input takes (padded by repetition).
    static func notices(_ scan: LabelledScan, points: Int) {
        if scan.droppedNaN > 0 {
            CloudCLI.printProblem(file: scan.file, "dropped \(scan.droppedNaN) points with NaN coordinates", severity: "warning")
        }
        if scan.count < points {
            CloudCLI.printProblem(file: scan.file, "\(scan.count) points, fewer than the \(points) an input takes: padded by repeating points", severity: "notice")
        }
    }

    /// Segmentation data: the scans of `data` (SemanticKITTI layout or labelled files), the last
    /// `validationShare` of them (at least one) held out unless `validationData` is given.
    static func segmentation(data: String, validationData: String?, labelMapFile: String?, features: PointFeatures, tiles: ScanTiles,
                             examplesPerScan: Int, validationShare: Double, classWeights weighting: ClassWeighting, batch: Int, seed: UInt64,
                             workers: Int) throws -> Loaded {
        let labelMap = try ScanFolder.labelMap(explicit: labelMapFile, folder: data)
        var trainingPaths = try ScanFolder.scans(under: data), validationPaths: [String]
        if let validationData {
            validationPaths = try ScanFolder.scans(under: validationData)
        } else {
            guard trainingPaths.count >= 2 else {
                throw PointCloudDataError.noClouds(folder: data, expected: "at least two scans to hold one out for validation (or pass --val DIR)")
            }
            let held = max(1, Int((Double(trainingPaths.count) * validationShare).rounded()))
            validationPaths = Array(trainingPaths.suffix(held))
            trainingPaths.removeLast(held)
        }
        let training = try ScanSegmentationDataset(scans: scans(trainingPaths, features: features, labelMap: labelMap, points: tiles.points),
                                                   tiles: tiles, examplesPerScan: examplesPerScan, augment: true)
        let validation = try ScanSegmentationDataset(scans: scans(validationPaths, features: features, labelMap: labelMap, points: tiles.points),
                                                     tiles: tiles, examplesPerScan: examplesPerScan, augment: false)
        return Loaded(training: try DataLoader(training, batchSize: batch, seed: seed, workers: workers, name: data, transform: training.transform),
                      validation: try DataLoader(validation, batchSize: batch, sampler: .sequential, seed: seed, workers: workers,
                                                 name: validationData ?? data, transform: validation.transform),
                      classNames: labelMap.classNames, labelMap: labelMap, trainingCount: training.count, validationCount: validation.count,
                      classWeights: weighting.weights(counts: training.classCounts(classes: labelMap.classNames.count)))
    }

    /// Classification data: class folders (ModelNet's layout or `{train,test}/<class>`); the test
    /// split validates.
    static func classification(data: String, features: PointFeatures, points: Int, batch: Int, seed: UInt64, workers: Int) throws -> Loaded {
        let folders = try CloudClassFolders(root: data)
        guard !folders.test.isEmpty else { throw PointCloudDataError.noClouds(folder: data, expected: "test/ clouds in the class folders for validation") }
        let meshPoints = max(points * 2, 2048)
        let training = CloudClassDataset(items: folders.train, classNames: folders.classNames, features: features, meshPoints: meshPoints)
        let validation = CloudClassDataset(items: folders.test, classNames: folders.classNames, features: features, meshPoints: meshPoints)
        return Loaded(training: try DataLoader(training, batchSize: batch, dropLast: folders.train.count > batch, seed: seed, workers: workers, name: data,
                                               transform: CloudClassDataset.samplingTransform(points: points, augment: true)),
                      validation: try DataLoader(validation, batchSize: batch, sampler: .sequential, seed: seed, workers: workers, name: data,
                                                 transform: CloudClassDataset.samplingTransform(points: points, augment: false)),
                      classNames: folders.classNames, labelMap: nil, trainingCount: training.count, validationCount: validation.count,
                      classWeights: nil)
    }
}
