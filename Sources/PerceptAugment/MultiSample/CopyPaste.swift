import PerceptImage

/// Copy-paste of instances: a random subset of the second sample's instances (each needs an
/// instance mask) is pasted onto the first. The first sample's masks lose the covered
/// pixels, and its boxes are rebuilt from what is left of them and dropped when the visible
/// fraction falls under `minVisibility`. Needs instance masks on both samples' boxes.
public struct CopyPaste: MultiSampleTransform {
    /// Which of the second sample's instances are pasted.
    public struct Parameters: TransformParameters, Equatable {
        /// Instance indices in the second sample.
        public var instances: [Int]
    }

    public let name = "CopyPaste"
    public let sampleCount = 2
    /// The chance of pasting (otherwise the first sample is returned).
    public var probability: Double
    /// The chance each instance is pasted.
    public var instanceProbability: Double

    /// Copy-paste with each instance chosen with `instanceProbability`.
    public init(instanceProbability: Double = 0.5, probability: Double = 1) throws {
        try checkProbability(instanceProbability, transform: "CopyPaste")
        self.instanceProbability = instanceProbability
        self.probability = probability
    }

    public func drawParameters(for samples: [Sample], random: inout AugmentRandom) throws -> Parameters {
        Parameters(instances: samples[1].boxes.indices.filter { _ in random.chance(instanceProbability) })
    }

    public func combine(_ samples: [Sample], parameters: Parameters, context: inout AugmentContext) throws -> Sample {
        let target = samples[0]
        let source = try samples[1].resized(to: target.image.size, context: &context)
        guard (target.boxes.isEmpty || target.hasAlignedMasks) && (source.boxes.isEmpty || source.hasAlignedMasks) else {
            throw AugmentError.unsupported(transform: name, message: "both samples need one instance mask per box")
        }
        let chosen = parameters.instances.filter { $0 < source.boxes.count }
        var pasted = [UInt8](repeating: 0, count: target.image.width * target.image.height)
        for index in chosen {
            for (pixel, value) in source.instanceMasks[index].values.enumerated() where value != 0 { pasted[pixel] = 1 }
        }
        let pastedMask = try Mask(width: target.image.width, height: target.image.height, values: pasted)
        var result = target
        result.image = try target.image.pasting(source.image, x: 0, y: 0, mask: pastedMask, transform: name)
        if let semantic = target.semanticMask, let sourceSemantic = source.semanticMask {
            result.semanticMask = try semantic.pasting(sourceSemantic, x: 0, y: 0, mask: pastedMask, transform: name)
        }
        // What is left of each target instance decides its new box and whether it stays.
        var kept: [(BoundingBox, Int, Mask)] = []
        for (index, mask) in target.instanceMasks.enumerated() {
            let remaining = try Mask(width: mask.width, height: mask.height, values: zip(mask.values, pasted).map { $0 & ($1 ^ 1) })
            let before = mask.area, after = remaining.area
            guard let box = remaining.boundingBox, before > 0, Double(after) / Double(before) >= context.settings.minVisibility,
                  box.area >= context.settings.minArea, min(box.width, box.height) >= context.settings.minSize else {
                context.statistics.droppedBoxes += 1
                continue
            }
            kept.append((box, target.labels[index], remaining))
        }
        for index in chosen {
            guard let box = source.instanceMasks[index].boundingBox else { continue }
            kept.append((box, source.labels[index], source.instanceMasks[index]))
        }
        result.boxes = kept.map { $0.0 }
        result.labels = kept.map { $0.1 }
        result.instanceMasks = kept.map { $0.2 }
        return result
    }
}
