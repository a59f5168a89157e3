import Foundation
import PerceptImage

/// Where a fixed-size crop is placed.
public enum CropPlacement: String, Sendable {
    /// Anywhere (Albumentations `RandomCrop`).
    case random
    /// In the centre (`CenterCrop`).
    case center
    /// Around a random non-empty mask pixel when there is one, else anywhere
    /// (`CropNonEmptyMaskIfExists`); looks at the semantic mask, else the instance masks.
    case nonEmptyMask
}

/// A `width × height` crop placed at random, in the centre, or around mask content.
public struct FixedSizeCrop: FramingTransform {
    public var name: String {
        switch placement {
        case .random: "RandomCrop"
        case .center: "CenterCrop"
        case .nonEmptyMask: "CropNonEmptyMaskIfExists"
        }
    }
    /// The chance of cropping.
    public var probability: Double
    /// Crop width.
    public var width: Int
    /// Crop height.
    public var height: Int
    /// Where the crop goes.
    public var placement: CropPlacement

    /// A `width × height` crop.
    public init(width: Int, height: Int, placement: CropPlacement = .random, probability: Double = 1) throws {
        self.width = width
        self.height = height
        self.placement = placement
        self.probability = probability
        try checkTargetSize(width: width, height: height, transform: name)
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> FrameParameters {
        let size = sample.image.size
        try checkCropFits(width: width, height: height, in: size, transform: name)
        switch placement {
        case .center:
            return FrameParameters(cropX: (size.width - width) / 2, cropY: (size.height - height) / 2, width: width, height: height)
        case .nonEmptyMask:
            if let pixel = randomMaskPixel(sample, random: &random) {
                let pixelX = pixel % size.width, pixelY = pixel / size.width
                let x = random.integer(in: max(0, pixelX - width + 1)...min(pixelX, size.width - width))
                let y = random.integer(in: max(0, pixelY - height + 1)...min(pixelY, size.height - height))
                return FrameParameters(cropX: x, cropY: y, width: width, height: height)
            }
            fallthrough
        case .random:
            return FrameParameters(cropX: random.integer(in: 0...(size.width - width)),
                                   cropY: random.integer(in: 0...(size.height - height)), width: width, height: height)
        }
    }

    /// The index of a random lit pixel of the semantic mask or of any instance mask.
    private func randomMaskPixel(_ sample: Sample, random: inout AugmentRandom) -> Int? {
        var lit: [Int] = []
        if case .uint8(let labels) = sample.semanticMask?.samples {
            lit = labels.indices.filter { labels[$0] != 0 }
        } else if !sample.instanceMasks.isEmpty {
            lit = (0..<sample.image.width * sample.image.height).filter { index in sample.instanceMasks.contains { $0.values[index] != 0 } }
        }
        return lit.isEmpty ? nil : lit[random.integer(in: 0...(lit.count - 1))]
    }
}

/// A crop of random area and aspect ratio resized to a fixed size (Albumentations
/// `RandomResizedCrop`, torchvision's rule: ten tries, then a centre crop).
public struct RandomResizedCrop: FramingTransform {
    public let name = "RandomResizedCrop"
    /// The chance of cropping.
    public var probability: Double
    /// Output width.
    public var width: Int
    /// Output height.
    public var height: Int
    /// The crop's area as a fraction of the image.
    public var scale: ClosedRange<Double>
    /// The crop's width over height.
    public var ratio: ClosedRange<Double>
    /// Resampling of the crop.
    public var interpolation: Interpolation

    /// A random resized crop to `width × height`.
    public init(width: Int, height: Int, scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = 0.75...(4.0 / 3),
                interpolation: Interpolation = .bilinear, probability: Double = 1) throws {
        try checkTargetSize(width: width, height: height, transform: name)
        guard scale.lowerBound > 0, ratio.lowerBound > 0 else {
            throw AugmentError.invalidArgument(transform: name, message: "scale and ratio must be positive, found \(scale) and \(ratio)")
        }
        self.width = width
        self.height = height
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> FrameParameters {
        let imageWidth = sample.image.width, imageHeight = sample.image.height
        let area = Double(imageWidth * imageHeight)
        let logRatio = log(ratio.lowerBound)...log(ratio.upperBound)
        for _ in 0..<10 {
            let target = area * random.uniform(scale), aspect = exp(random.uniform(logRatio))
            let cropWidth = Int((target * aspect).squareRoot().rounded()), cropHeight = Int((target / aspect).squareRoot().rounded())
            if cropWidth > 0, cropHeight > 0, cropWidth <= imageWidth, cropHeight <= imageHeight {
                return FrameParameters(cropX: random.integer(in: 0...(imageWidth - cropWidth)),
                                       cropY: random.integer(in: 0...(imageHeight - cropHeight)),
                                       cropWidth: cropWidth, cropHeight: cropHeight, resizedWidth: width, resizedHeight: height)
            }
        }
        let imageRatio = Double(imageWidth) / Double(imageHeight)
        var cropWidth = imageWidth, cropHeight = imageHeight
        if imageRatio < ratio.lowerBound {
            cropHeight = Int((Double(imageWidth) / ratio.lowerBound).rounded())
        } else if imageRatio > ratio.upperBound {
            cropWidth = Int((Double(imageHeight) * ratio.upperBound).rounded())
        }
        return FrameParameters(cropX: (imageWidth - cropWidth) / 2, cropY: (imageHeight - cropHeight) / 2, cropWidth: cropWidth,
                               cropHeight: cropHeight, resizedWidth: width, resizedHeight: height)
    }
}

/// A random crop that keeps every box whole (Albumentations `BBoxSafeRandomCrop`), and with
/// an output size, resized (`RandomSizedBBoxSafeCrop`).
public struct BBoxSafeRandomCrop: FramingTransform {
    public var name: String { outputSize == nil ? "BBoxSafeRandomCrop" : "RandomSizedBBoxSafeCrop" }
    /// The chance of cropping.
    public var probability: Double
    /// How much the boxes' union may shrink (a fraction of its size) before it must fit.
    public var erosionRate: Double
    /// The size to resize the crop to, or nil to keep it.
    public var outputSize: ImageSize?
    /// Resampling of the crop.
    public var interpolation: Interpolation

    /// A box-safe crop.
    public init(erosionRate: Double = 0, outputSize: ImageSize? = nil, interpolation: Interpolation = .bilinear,
                probability: Double = 1) throws {
        guard (0..<1).contains(erosionRate) else {
            throw AugmentError.invalidArgument(transform: "BBoxSafeRandomCrop", message: "erosion_rate must be in 0..<1, found \(erosionRate)")
        }
        if let outputSize { try checkTargetSize(width: outputSize.width, height: outputSize.height, transform: "RandomSizedBBoxSafeCrop") }
        self.erosionRate = erosionRate
        self.outputSize = outputSize
        self.interpolation = interpolation
        self.probability = probability
    }

    public func drawParameters(for sample: Sample, random: inout AugmentRandom) throws -> FrameParameters {
        let size = sample.image.size
        let canvas = BoundingBox(minX: 0, minY: 0, maxX: Double(size.width), maxY: Double(size.height))
        let union = sample.boxes.reduce(nil as BoundingBox?) { union, box in
            guard let union else { return box }
            return BoundingBox(minX: min(union.minX, box.minX), minY: min(union.minY, box.minY),
                               maxX: max(union.maxX, box.maxX), maxY: max(union.maxY, box.maxY))
        }.map { box -> BoundingBox in
            let shrinkX = box.width * erosionRate / 2, shrinkY = box.height * erosionRate / 2
            return BoundingBox(minX: box.minX + shrinkX, minY: box.minY + shrinkY, maxX: box.maxX - shrinkX, maxY: box.maxY - shrinkY)
                .clipped(to: size)
        } ?? canvas
        let left = random.integer(in: 0...max(0, Int(union.minX.rounded(.down))))
        let top = random.integer(in: 0...max(0, Int(union.minY.rounded(.down))))
        let right = random.integer(in: min(size.width, max(left + 1, Int(union.maxX.rounded(.up))))...size.width)
        let bottom = random.integer(in: min(size.height, max(top + 1, Int(union.maxY.rounded(.up))))...size.height)
        let width = right - left, height = bottom - top
        return FrameParameters(cropX: left, cropY: top, cropWidth: width, cropHeight: height,
                               resizedWidth: outputSize?.width ?? width, resizedHeight: outputSize?.height ?? height)
    }
}
