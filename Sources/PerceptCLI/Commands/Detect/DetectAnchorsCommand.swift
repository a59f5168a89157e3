import ArgumentParser
import Foundation
import Percept

/// `percept detect anchors --data D`: anchor boxes for the anchor head (`yolov3n`) fitted to a
/// dataset's boxes.
struct DetectAnchorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchors",
        abstract: "Fit anchor boxes to a dataset's boxes (k-means on 1 − IoU, then YOLOv5's genetic refinement).",
        discussion: """
        D is a YOLO data.yaml (or its folder) or a COCO folder; the training split's boxes are scaled as
        their images are for an IMGSZ input (longer side IMGSZ). Prints the anchors (width,height in input
        pixels, smallest area first, three per scale for --n 9), the best possible recall (the share of
        boxes with an anchor within 4× on both sides, YOLOv5's BPR), the mean best IoU and YOLOv5's fitness
        (mean best side-ratio metric, ratios under 1/4 counting 0) before and after the refinement.
        """
    )

    @Option(help: "The dataset: a YOLO data.yaml or folder, or a COCO folder.")
    var data: String
    @Option(help: "The number of anchors (default 9).")
    var n = 9
    @Option(help: "The square input side the anchors are for (default 640).")
    var imgsz = 640
    @Option(help: "The split whose boxes are used (default train).")
    var split = "train"
    @Option(help: "Genetic refinement rounds (default 1000).")
    var generations = 1000
    @Option(help: "The random seed (default 0).")
    var seed: UInt64 = 0
    @Flag(help: "Print a JSON object instead of text.")
    var json = false

    func validate() throws {
        guard n >= 1 else { throw ValidationError("--n must be at least 1, got \(n)") }
        guard imgsz >= 32 else { throw ValidationError("--imgsz must be at least 32, got \(imgsz)") }
        guard generations >= 0 else { throw ValidationError("--generations must be 0 or more, got \(generations)") }
    }

    func run() throws {
        try ClassifyCLI.reportingErrors {
            let dataset = try DetectionDataset(data: URL(fileURLWithPath: data), split: split, imageSize: imgsz)
            for warning in dataset.warnings { ClassifyCLI.printError("\(warning)") }
            let sizes = AnchorFitting.sizes(of: dataset, imageSize: imgsz)
            let fit = try AnchorFitting.fit(sizes, count: n, generations: generations, seed: seed)
            let anchors = fit.anchors.map { [($0.width * 10).rounded() / 10, ($0.height * 10).rounded() / 10] }
            if json {
                let document: [String: Any] = ["data": data, "imgsz": imgsz, "boxes": sizes.count, "anchors": anchors,
                                               "bpr": fit.bestPossibleRecall, "mean_best_iou": fit.meanBestIoU,
                                               "fitness": fit.fitness, "kmeans_fitness": fit.kMeansFitness]
                print(String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self))
            } else {
                let text = anchors.map { "\(Int($0[0].rounded())),\(Int($0[1].rounded()))" }
                print("\(data): \(sizes.count) boxes at imgsz \(imgsz)")
                print("anchors: " + stride(from: 0, to: text.count, by: 3).map { text[$0..<min($0 + 3, text.count)].joined(separator: "  ") }.joined(separator: "  /  "))
                print(String(format: "BPR %.4f  mean best IoU %.4f  fitness %.4f (k-means %.4f)", fit.bestPossibleRecall, fit.meanBestIoU,
                             fit.fitness, fit.kMeansFitness))
            }
        }
    }
}
