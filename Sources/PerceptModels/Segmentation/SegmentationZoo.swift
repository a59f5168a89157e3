import PerceptNN

/// The segmentation models' registry entries (task `segment`): `unet`, configured by the
/// options `depth` (4), `base_width` (32) and `bilinear` (0: transposed convolutions up, 1:
/// bilinear), and `unet_s`, the benchmark U-Net of shared/BENCHMARKS.md (depth 4, base width 16).
enum SegmentationZoo {
    /// Every segmentation entry.
    static var entries: [ModelEntry] {
        [unet(name: "unet", depth: 4, baseWidth: 32, summary: "U-Net: options depth (4), base_width (32), bilinear (0)"),
         unet(name: "unet_s", depth: 4, baseWidth: 16, summary: "benchmark U-Net: depth 4, widths 16-32-64-128-256, BN, transposed-conv up")]
    }

    /// 128×128 RGB images in 2 classes, as the benchmark's training step.
    static let rgb128 = ModelConfiguration(numClasses: 2, inputChannels: 3, imageSize: 128)

    private static func unet(name: String, depth: Int, baseWidth: Int, summary: String) -> ModelEntry {
        let defaults = ModelConfiguration(numClasses: rgb128.numClasses, inputChannels: rgb128.inputChannels, imageSize: rgb128.imageSize,
                                          options: ["depth": Double(depth), "base_width": Double(baseWidth), "bilinear": 0])
        return ModelEntry(name: name, task: .segment, summary: summary, defaultConfiguration: defaults,
                          optionNames: ["depth", "base_width", "bilinear"]) { configuration in
            let steps = configuration.option("depth", default: Double(depth))
            let width = configuration.option("base_width", default: Double(baseWidth))
            let bilinear = configuration.option("bilinear", default: 0)
            guard steps == steps.rounded(), (1...8).contains(steps), width == width.rounded(), width >= 1, width <= 4096, [0, 1].contains(bilinear) else {
                throw ModelRegistryError.invalidConfiguration(
                    model: name, message: "depth must be an integer in 1...8, base_width an integer in 1...4096 and bilinear 0 or 1; got \(steps), \(width), \(bilinear)")
            }
            return try UNet(inputChannels: configuration.inputChannels, numClasses: configuration.numClasses, depth: Int(steps),
                            baseWidth: Int(width), upsampling: bilinear == 1 ? .bilinear : .transposedConvolution)
        }
    }
}
