import ArgumentParser
import Foundation
import Percept

/// `percept dataset synth-detect OUT`: shapes (and Fashion-MNIST items when Debian's package is
/// present) on textured backgrounds with exact boxes, as a YOLO or COCO dataset.
struct SynthDetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth-detect",
        abstract: "Write a synthetic detection dataset: 5 shape classes (plus 5 Fashion-MNIST groups when installed).",
        discussion: """
        Shapes (circle, rectangle, triangle, blob, star) and, when /usr/share/datasets/fashion-mnist
        is present, Fashion-MNIST items (top, trouser, dress, footwear, bag) are pasted at random
        scales, some overlapping and some cut by the edge, onto textured backgrounds; about one image
        in twenty is a background image. Writes OUT/data.yaml with images/{train,val} and
        labels/{train,val} (--to yolo, the default) or OUT/annotations.json with images/{train,val}
        (--to coco). The same --seed writes the same files. Train on it with
        `percept detect train --data OUT`.
        """
    )

    /// The layouts synth-detect writes.
    enum Layout: String, ExpressibleByArgument, CaseIterable { case yolo, coco }

    @Argument(help: "The output folder (must not exist or be empty unless --force).")
    var out: String
    @Option(help: "Training images (default 2000).")
    var count = 2000
    @Option(help: "Validation images (default 200).")
    var val = 200
    @Option(help: "The square image side in pixels (default 320).")
    var size = 320
    @Option(help: "The random seed (default 0).")
    var seed: UInt64 = 0
    @Option(help: "The layout: yolo (default) or coco.")
    var to: Layout = .yolo
    @Flag(help: "Shapes only, even when Fashion-MNIST is installed.")
    var noFashion = false
    @Flag(help: "Write into a non-empty OUT.")
    var force = false
    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
        guard val >= 0 else { throw ValidationError("--val must be 0 or more, got \(val)") }
        guard (32...4096).contains(size) else { throw ValidationError("--size must be in 32...4096, got \(size)") }
    }

    func run() throws {
        try CommandOutput.prepareFolder(out, inputs: [], force: force)
        try ClassifyCLI.reportingErrors {
            let fashion = MNISTFiles.debianFashionMNIST
            let items = noFashion || !FileManager.default.fileExists(atPath: fashion.path) ? nil : try FashionItems(folder: fashion)
            let summary = try SyntheticDetection.write(to: URL(fileURLWithPath: out), trainCount: count, validationCount: val, size: size,
                                                       seed: seed, format: to == .coco ? .coco : .yolo, items: items)
            if json {
                let document: [String: Any] = ["out": out, "format": to.rawValue, "train": summary.trainImages, "val": summary.validationImages,
                                               "size": size, "seed": seed, "classes": summary.classNames, "objects": summary.objects,
                                               "background_images": summary.backgroundImages]
                print(String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print("\(out): \(summary.trainImages) training and \(summary.validationImages) validation images of \(size)×\(size) (\(to.rawValue)), \(summary.objects) objects, \(summary.backgroundImages) background images; classes \(summary.classNames.joined(separator: ", "))")
            }
        }
    }
}
