import ArgumentParser
import Foundation
import Percept

/// `percept cloud predict SCANS… --weights W --out DIR`: labels every point of each scan with a
/// trained PointNet segmenter (or classifies each cloud) and writes the results into DIR.
struct CloudPredictCommand: ParsableCommand {
    /// What a segmentation result is written as.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case label, pcd, ply
    }

    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Segment scans (DIR/<stem>.label, .pcd or .ply with a label field; --render adds a PNG) or classify clouds (DIR/<stem>.json).",
        discussion: """
        Labels are SemanticKITTI ids, mapped back through the label map stored in the weights. Points with NaN
        coordinates get id 0 (unlabelled). Every point is covered by overlapping tiles whose votes are summed.
        Example: percept cloud predict scan.bin --weights Fixtures/models/pointnet_seg_sim.safetensors --out pred --render
        """
    )

    @Argument(help: "Scans or clouds: files, folders or glob patterns.")
    var scans: [String]
    @Option(help: "Weights of a PointNet trained by `percept cloud train`.")
    var weights: String
    @Option(help: "The output folder (must not exist or be empty; --force replaces one Percept wrote).")
    var out: String
    @Option(help: "label (SemanticKITTI .label), pcd or ply (the cloud with a label field).")
    var format: Format = .label
    @Flag(help: "Also write DIR/<stem>.png: the scan from above coloured by predicted class, beside its ground truth when the scan has labels, with a legend.")
    var render = false
    @Option(help: "Inputs per batch (default 16).")
    var batch = 16
    @Flag(help: "Replace an output folder Percept wrote.")
    var force = false
    @Flag(help: "Print one JSON object per scan.")
    var json = false

    func run() throws {
        guard batch >= 1 else { throw CloudCLI.usage("--batch must be at least 1, found \(batch)") }
        let inputs = try scans.flatMap(CloudCLI.inputs)
        let loaded: (trained: TrainedModel, info: PointCloudModelInfo)
        do {
            loaded = try CloudModels.load(weights)
        } catch {
            CloudCLI.report(error, file: weights)
            throw ExitCode(1)
        }
        let folder = try OutputFolderCLI.check(out, argument: "--out", protecting: OutputFolderCLI.inputs(inputs + [weights]), force: force)
        var failed = false
        try OutputFolderCLI.write(folder, command: "percept cloud predict") { staging in
            do {
                try CloudCLI.forEach(inputs) { _, path in
                    let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                    try predict(path, stem: stem, into: staging, shownAs: folder.location, loaded: loaded)
                }
            } catch let exit as ExitCode where exit == ExitCode(1) {
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// The raw id a ground-truth label is drawn as: its class's raw id through the label map (so
    /// raw ids of one class share its colour), 0 (unlabelled) for ignored or unknown ids.
    static func displayedID(_ raw: UInt32, labelMap: PointLabelMap?, rawIDs: [UInt32]) -> UInt32 {
        guard let labelMap else { return raw }
        guard let known = labelMap.classOfRawID[raw], let index = known, rawIDs.indices.contains(index) else { return 0 }
        return rawIDs[index]
    }

    private func predict(_ path: String, stem: String, into staging: URL, shownAs shown: URL, loaded: (trained: TrainedModel, info: PointCloudModelInfo)) throws {
        let (trained, info) = loaded
        var cloud = try PointCloudFile.read(path, keepNaN: true)
        let scan = try LabelledScan.prepare(cloud, file: path, features: info.features, labelMap: nil)
        CloudLearningData.notices(scan, points: info.points)
        let classNames = trained.description.classNames
        guard info.task == .segment else {
            let scores = try ScanPrediction.classify(scan, model: trained.model, points: info.points)
            let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
            let ranked = TrainedModel.topClasses(scores, count: scores.count).map { ["class": classNames[$0], "score": Double(scores[$0])] as [String: Any] }
            let document: [String: Any] = ["file": path, "class": classNames[best], "score": Double(scores[best]), "classes": ranked]
            try CloudCLI.writeJSON(document, to: staging.appendingPathComponent(stem + ".json").path)
            if json { CloudCLI.printJSON(document) } else { print("\(path): \(classNames[best]) (\(String(format: "%.3f", scores[best])))") }
            return
        }
        let predicted = try ScanPrediction.segment(scan, model: trained.model, tiles: info.tiles, batch: batch)
        let rawIDs = ScanPrediction.rawIDs(info, classCount: classNames.count)
        // The scan's own labels (a .bin's .label, a labelled PCD/PLY), in the colour of their class.
        let truth = cloud.labels.map { raw in scan.keptIndices.map { Self.displayedID(raw[$0], labelMap: info.labelMap, rawIDs: rawIDs) } }
        cloud.labels = ScanPrediction.rawLabels(predicted, scan: scan, pointCount: cloud.count, rawIDs: rawIDs)
        cloud.instances = nil
        let target = staging.appendingPathComponent(stem + "." + format.rawValue).path
        if format == .label { try KITTIFormat.writeLabels(cloud, to: target) } else { try PointCloudFile.write(cloud, to: target) }
        if render {
            let picture = SegmentationPicture(classes: zip(classNames, rawIDs).map { (name: $0, rawID: $1) })
            let kept = cloud.subset(scan.keptIndices)
            try picture.render(kept, predicted: kept.labels ?? [], truth: truth).write(to: staging.appendingPathComponent(stem + ".png"), format: .png)
        }
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in predicted { counts[label] += 1 }
        let written = shown.appendingPathComponent(stem + "." + format.rawValue).path
        if json {
            CloudCLI.printJSON(["file": path, "output": written, "points": cloud.count,
                                "classes": Dictionary(uniqueKeysWithValues: zip(classNames, counts))] as [String: Any])
        } else {
            print("\(path) → \(written): " + zip(classNames, counts).filter { $0.1 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        }
    }
}
