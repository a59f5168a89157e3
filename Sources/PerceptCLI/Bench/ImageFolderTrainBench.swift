import Foundation
import Percept

/// `resnet18` trained on a folder of JPEG photographs with the classification pipeline of
/// shared/BENCHMARKS.md (hflip, Rotate ±15°, RandomBrightnessContrast, Resize 224 from 512×512
/// sources): decoding and augmenting on the loader's workers must keep up with a 224×224 step.
/// The folder is made in a temporary directory: 160 JPEGs (q90) in two classes, so the epoch
/// is 8 steps of 16 and its validation 32 images.
enum ImageFolderTrainBench {
    /// The classification pipeline of shared/BENCHMARKS.md, every transform applied as
    /// `percept bench augment` runs it (flip p 0.5).
    static let classificationPipeline = """
        transforms:
          - name: HorizontalFlip
            p: 0.5
          - name: Rotate
            limit: [-15, 15]
            p: 1
          - name: RandomBrightnessContrast
            p: 1
          - name: Resize
            width: 224
            height: 224
        """

    /// Images per class and their side.
    static let imagesPerClass = 80, side = 512

    static func run(repeats: Int, reporter: BenchReporter, filter: String?) throws {
        guard filter.map({ "resnet18-folder-epoch".contains($0) }) ?? true else { return }
        let project = ClassifyEpochBench.temporaryProject("resnet18-folder")
        defer { try? FileManager.default.removeItem(atPath: project) }
        let folder = project + "/images"
        try makeFolder(folder)
        reporter.report(try ClassifyEpochBench.run(name: "resnet18-folder-epoch",
                                                   values: ["model": "resnet18", "data": folder, "batch": "16"],
                                                   pipeline: classificationPipeline, in: project))
    }

    /// Two class folders of `imagesPerClass` JPEGs each: 512×512 windows at different places of one
    /// larger photograph-like picture (the timing, not the accuracy, is the point).
    static func makeFolder(_ folder: String) throws {
        let picture = ImageBench.naturalPicture(width: side + 128, height: side + 128)
        for (label, name) in ["left", "right"].enumerated() {
            let classFolder = folder + "/" + name
            try FileManager.default.createDirectory(atPath: classFolder, withIntermediateDirectories: true)
            for number in 0..<imagesPerClass {
                let image = try picture.cropped(x: (number * 37 + label * 64) % 128, y: (number * 53) % 128, width: side, height: side)
                try image.write(to: URL(fileURLWithPath: classFolder + "/\(number).jpg"))
            }
        }
    }
}
