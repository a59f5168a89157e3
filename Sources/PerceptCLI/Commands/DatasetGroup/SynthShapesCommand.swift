import ArgumentParser
import Foundation
import Percept

/// `percept dataset synth-shapes OUT`: circles, rectangles, triangles and blobs on textured
/// backgrounds, with class-id masks, COCO polygons and the class list.
struct SynthShapesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth-shapes",
        abstract: "Write a synthetic segmentation dataset: 4 shape classes plus background on textured backgrounds.",
        discussion: """
        Writes OUT/images/{train,val}/*.png, OUT/masks/{train,val}/*.png (class ids, 0 background,
        1 circle, 2 rectangle, 3 triangle, 4 blob), OUT/annotations.json (COCO polygons) and
        OUT/classes.txt. The same --seed writes the same files. Train on it with
        `percept segment train --model unet_s --data OUT`.
        """
    )

    @Argument(help: "The output folder (must not exist or be empty unless --force).")
    var out: String
    @Option(help: "Images to make (default 1200).")
    var count = 1200
    @Option(help: "The square image side in pixels (default 128).")
    var size = 128
    @Option(help: "The validation share (default 0.2).")
    var val = 0.2
    @Option(help: "The random seed (default 0).")
    var seed: UInt64 = 0
    @Flag(help: "Write into a non-empty OUT.")
    var force = false
    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1, got \(count)") }
        guard (8...4096).contains(size) else { throw ValidationError("--size must be in 8...4096, got \(size)") }
        guard val >= 0 && val < 1 else { throw ValidationError("--val must be in [0, 1), got \(val)") }
    }

    func run() throws {
        try CommandOutput.prepareFolder(out, inputs: [], force: force)
        try ClassifyCLI.reportingErrors {
            try SyntheticShapes.write(to: URL(fileURLWithPath: out), count: count, size: size, validationFraction: val, seed: seed)
        }
        let validation = Int((Double(count) * val).rounded())
        if json {
            let document: [String: Any] = ["out": out, "train": count - validation, "val": validation, "size": size, "seed": seed,
                                           "classes": SyntheticShapes.classNames]
            print(String(decoding: try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("\(out): \(count - validation) training and \(validation) validation images of \(size)×\(size), classes \(SyntheticShapes.classNames.joined(separator: ", "))")
        }
    }
}
