import PerceptImage
import PerceptMessages

/// Builds a transform from its file arguments.
typealias TransformBuilder = (inout TransformArguments) throws -> any Transform

/// The transforms a pipeline file may name, by Albumentations' class name (Percept's own
/// `LetterBox` has none), with their arguments in snake_case.
enum TransformRegistry {
    /// Whether `name` is a composition whose `transforms` hold children.
    static let compositions: Set<String> = ["Compose", "OneOf", "SomeOf", "RandomOrder"]

    /// Builds a composition of already-built `children`.
    static func composition(_ name: String, children: [any Transform], arguments: inout TransformArguments) throws -> any Transform {
        let probability = try arguments.double("p", name == "OneOf" ? 0.5 : 1)
        switch name {
        case "OneOf": return try OneOf(children, probability: probability)
        case "SomeOf":
            let count = try arguments.intRange("n", 1...1, lowest: nil)
            _ = try arguments.bool("replace", false)
            return try SomeOf(children, count: count, probability: probability)
        case "RandomOrder": return try RandomOrder(children, probability: probability)
        default: return try Compose(children, probability: probability)
        }
    }

    /// The builder for `name`, or nil when Percept lacks that transform.
    static func builder(_ name: String) -> TransformBuilder? { builders[name] }

    private static func warp(_ arguments: inout TransformArguments) throws -> WarpOptions {
        let rule = try arguments.string("rotate_method", "largest_box")
        guard let boxRule = BoxRotationRule(rawValue: rule) else {
            throw arguments.error("rotate_method", "expected largest_box or ellipse, found \(quotedToken(rule))")
        }
        return WarpOptions(interpolation: try arguments.interpolation(), border: try arguments.border(),
                           maskFill: try arguments.double("fill_mask", 0), boxRule: boxRule)
    }

    private static func size(_ arguments: inout TransformArguments) throws -> (width: Int, height: Int) {
        if arguments.has("size") {
            let values = try arguments.doubles("size", [])
            guard values.count == 2 else { throw arguments.error("size", "expected [height, width], found \(values.count) numbers") }
            return (Int(values[1]), Int(values[0]))
        }
        return (try arguments.int("width", 0), try arguments.int("height", 0))
    }

    private static let builders: [String: TransformBuilder] = [
        "HorizontalFlip": { Flip(.horizontal, probability: try $0.double("p", 0.5)) },
        "VerticalFlip": { Flip(.vertical, probability: try $0.double("p", 0.5)) },
        "RandomRotate90": { RandomRotate90(probability: try $0.double("p", 0.5)) },
        "Rotate": { arguments in
            Rotate(limit: try arguments.range("limit", -90...90), options: try warp(&arguments), probability: try arguments.double("p", 0.5))
        },
        "Affine": { arguments in
            Affine(scale: try arguments.axisRanges("scale", AxisRanges(1...1), symmetric: false),
                   keepRatio: try arguments.bool("keep_ratio", false),
                   translatePercent: try arguments.axisRanges("translate_percent", AxisRanges(0...0), symmetric: true),
                   rotate: try arguments.range("rotate", 0...0), shear: try arguments.axisRanges("shear", AxisRanges(0...0), symmetric: true),
                   options: try warp(&arguments), probability: try arguments.double("p", 0.5))
        },
        "Perspective": { arguments in
            Perspective(scale: try arguments.range("scale", 0.05...0.1, single: { 0...$0 }), options: try warp(&arguments),
                        probability: try arguments.double("p", 0.5))
        },
        "RandomCrop": { arguments in
            let size = try size(&arguments)
            return try FixedSizeCrop(width: size.width, height: size.height, probability: try arguments.double("p", 1))
        },
        "CenterCrop": { arguments in
            let size = try size(&arguments)
            return try FixedSizeCrop(width: size.width, height: size.height, placement: .center, probability: try arguments.double("p", 1))
        },
        "CropNonEmptyMaskIfExists": { arguments in
            let size = try size(&arguments)
            return try FixedSizeCrop(width: size.width, height: size.height, placement: .nonEmptyMask, probability: try arguments.double("p", 1))
        },
        "RandomResizedCrop": { arguments in
            let size = try size(&arguments)
            return try RandomResizedCrop(width: size.width, height: size.height, scale: try arguments.range("scale", 0.08...1),
                                         ratio: try arguments.range("ratio", 0.75...(4.0 / 3)), interpolation: try arguments.interpolation(),
                                         probability: try arguments.double("p", 1))
        },
        "BBoxSafeRandomCrop": { arguments in
            try BBoxSafeRandomCrop(erosionRate: try arguments.double("erosion_rate", 0), probability: try arguments.double("p", 1))
        },
        "RandomSizedBBoxSafeCrop": { arguments in
            let size = try size(&arguments)
            return try BBoxSafeRandomCrop(erosionRate: try arguments.double("erosion_rate", 0),
                                          outputSize: ImageSize(width: size.width, height: size.height),
                                          interpolation: try arguments.interpolation(), probability: try arguments.double("p", 1))
        },
        "PadIfNeeded": { arguments in
            PadIfNeeded(minWidth: try arguments.int("min_width", 1024), minHeight: try arguments.int("min_height", 1024),
                        padding: try arguments.border(), maskFill: try arguments.double("fill_mask", 0), probability: try arguments.double("p", 1))
        },
        "Resize": { arguments in
            let size = try size(&arguments)
            return try Resize(width: size.width, height: size.height, interpolation: try arguments.interpolation(),
                              probability: try arguments.double("p", 1))
        },
        "LongestMaxSize": { arguments in
            try MaxSizeResize(maxSize: try arguments.int("max_size", 1024), side: .longest, interpolation: try arguments.interpolation(),
                              probability: try arguments.double("p", 1))
        },
        "SmallestMaxSize": { arguments in
            try MaxSizeResize(maxSize: try arguments.int("max_size", 1024), side: .smallest, interpolation: try arguments.interpolation(),
                              probability: try arguments.double("p", 1))
        },
        "LetterBox": { arguments in
            let size = try size(&arguments)
            return try LetterBox(width: size.width, height: size.height, padding: .constant(try arguments.doubles("fill", [114, 114, 114, 255])),
                                 interpolation: try arguments.interpolation(), probability: try arguments.double("p", 1))
        },
        "ElasticTransform": { arguments in
            try ElasticTransform(alpha: try arguments.double("alpha", 1), sigma: try arguments.double("sigma", 50),
                                 interpolation: try arguments.interpolation(), border: try arguments.border(),
                                 probability: try arguments.double("p", 0.5))
        },
        "GridDistortion": { arguments in
            try GridDistortion(steps: try arguments.int("num_steps", 5), distortLimit: try arguments.range("distort_limit", -0.3...0.3),
                               interpolation: try arguments.interpolation(), border: try arguments.border(),
                               probability: try arguments.double("p", 0.5))
        },
        "CoarseDropout": { arguments in
            let height = try arguments.range("hole_height_range", 0.1...0.2), width = try arguments.range("hole_width_range", 0.1...0.2)
            guard height.upperBound <= 1, width.upperBound <= 1 else {
                throw arguments.error("hole_height_range", "hole sizes must be fractions of the image in 0...1")
            }
            let maskFill = arguments.has("fill_mask") ? try arguments.int("fill_mask", 0) : nil
            return try CoarseDropout(holeCount: try arguments.intRange("num_holes_range", 1...1, lowest: 1), holeHeight: height,
                                     holeWidth: width, fill: try arguments.doubles("fill", [0]), maskFill: maskFill,
                                     probability: try arguments.double("p", 0.5))
        },
        "RandomBrightnessContrast": { arguments in
            RandomBrightnessContrast(brightnessLimit: try arguments.range("brightness_limit", -0.2...0.2),
                                     contrastLimit: try arguments.range("contrast_limit", -0.2...0.2), probability: try arguments.double("p", 0.5))
        },
        "ColorJitter": { arguments in
            let factor: (Double) -> ClosedRange<Double> = { max(0, 1 - $0)...(1 + $0) }
            return try ColorJitter(brightnessRange: try arguments.range("brightness", 0.8...1.2, single: factor),
                                   contrastRange: try arguments.range("contrast", 0.8...1.2, single: factor),
                                   saturationRange: try arguments.range("saturation", 0.8...1.2, single: factor),
                                   hueRange: try arguments.range("hue", -0.5...0.5), probability: try arguments.double("p", 0.5))
        },
        "HueSaturationValue": { arguments in
            HueSaturationValue(hueShift: try arguments.range("hue_shift_limit", -20...20), saturationShift: try arguments.range("sat_shift_limit", -30...30),
                               valueShift: try arguments.range("val_shift_limit", -20...20), probability: try arguments.double("p", 0.5))
        },
        "RGBShift": { arguments in
            RGBShift(red: try arguments.range("r_shift_limit", -20...20), green: try arguments.range("g_shift_limit", -20...20),
                     blue: try arguments.range("b_shift_limit", -20...20), probability: try arguments.double("p", 0.5))
        },
        "ChannelShuffle": { ChannelShuffle(probability: try $0.double("p", 0.5)) },
        "RandomGamma": { arguments in
            try RandomGamma(gammaLimit: try arguments.range("gamma_limit", 80...120, single: { min($0, 100)...max($0, 100) }),
                            probability: try arguments.double("p", 0.5))
        },
        "CLAHE": { arguments in
            let tiles = try arguments.doubles("tile_grid_size", [8, 8])
            guard tiles.count == 2 else { throw arguments.error("tile_grid_size", "expected [rows, columns]") }
            return try CLAHE(clipLimit: try arguments.range("clip_limit", 1...4, single: { 1...max(1, $0) }),
                             tiles: (Int(tiles[1]), Int(tiles[0])), probability: try arguments.double("p", 0.5))
        },
        "Equalize": { Equalize(probability: try $0.double("p", 0.5)) },
        "ToGray": { ToGray(probability: try $0.double("p", 0.5)) },
        "GaussianBlur": { arguments in
            try GaussianBlur(blurLimit: try arguments.intRange("blur_limit", 0...0, lowest: 3), sigmaLimit: try arguments.range("sigma_limit", 0.5...3, single: { 0...$0 }),
                             probability: try arguments.double("p", 0.5))
        },
        "MedianBlur": { try MedianBlur(blurLimit: try $0.intRange("blur_limit", 3...7, lowest: 3), probability: try $0.double("p", 0.5)) },
        "MotionBlur": { try MotionBlur(blurLimit: try $0.intRange("blur_limit", 3...7, lowest: 3), probability: try $0.double("p", 0.5)) },
        "GaussNoise": { arguments in
            try GaussNoise(standardDeviation: try arguments.range("std_range", 0.2...0.44, single: { 0...$0 }),
                           mean: try arguments.range("mean_range", 0...0), probability: try arguments.double("p", 0.5))
        },
        "ISONoise": { arguments in
            ISONoise(colorShift: try arguments.range("color_shift", 0.01...0.05, single: { 0...$0 }),
                     intensity: try arguments.range("intensity", 0.1...0.5, single: { 0...$0 }), probability: try arguments.double("p", 0.5))
        },
        "SaltAndPepper": { arguments in
            try SaltAndPepper(amount: try arguments.range("amount", 0.01...0.06, single: { 0...$0 }),
                              saltRatio: try arguments.range("salt_vs_pepper", 0.4...0.6, single: { $0...$0 }), probability: try arguments.double("p", 0.5))
        },
        "ImageCompression": { arguments in
            let kind = try arguments.string("compression_type", "jpeg")
            guard kind == "jpeg" else { throw arguments.error("compression_type", "only jpeg is available, found \(quotedToken(kind))") }
            return try ImageCompression(quality: try arguments.intRange("quality_range", 99...100, lowest: 1), probability: try arguments.double("p", 0.5))
        },
        "Downscale": { arguments in
            try Downscale(scale: try arguments.range("scale_range", 0.25...0.25, single: { $0...$0 }), probability: try arguments.double("p", 0.5))
        },
        "Posterize": { try Posterize(bits: try $0.intRange("num_bits", 4...4, lowest: nil), probability: try $0.double("p", 0.5)) },
        "Solarize": { arguments in
            try Solarize(threshold: try arguments.range("threshold_range", 0.5...0.5, single: { $0...$0 }), probability: try arguments.double("p", 0.5))
        },
        "Sharpen": { arguments in
            Sharpen(alpha: try arguments.range("alpha", 0.2...0.5), lightness: try arguments.range("lightness", 0.5...1),
                    probability: try arguments.double("p", 0.5))
        },
        "Normalize": { arguments in
            try Normalize(mean: try arguments.doubles("mean", [0.485, 0.456, 0.406]), standardDeviation: try arguments.doubles("std", [0.229, 0.224, 0.225]),
                          maxPixelValue: try arguments.double("max_pixel_value", 255), probability: try arguments.double("p", 1))
        },
    ]
}
