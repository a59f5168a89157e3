@testable import PerceptTensor

extension ParityRunners {
    /// Matrix products, convolutions, pooling, resampling, normalisation and the loss.
    static let vision: [String: ParityRunner] = [
        "matmul": binary { try $0.matmul($1) },
        "conv1d": { inputs, parameters in
            [try inputs[0].conv1d(weight: inputs[1], bias: inputs.optional(2), stride: parameters.single("stride"),
                                  padding: parameters.single("padding"), dilation: parameters.single("dilation"),
                                  groups: parameters.int("groups"))]
        },
        "conv2d": { inputs, parameters in
            [try inputs[0].conv2d(weight: inputs[1], bias: inputs.optional(2), stride: parameters.pair("stride"),
                                  padding: parameters.pair("padding"), dilation: parameters.pair("dilation"),
                                  groups: parameters.int("groups"))]
        },
        "conv_transpose2d": { inputs, parameters in
            [try inputs[0].convTranspose2d(weight: inputs[1], bias: inputs.optional(2), stride: parameters.pair("stride"),
                                           padding: parameters.pair("padding"),
                                           outputPadding: parameters.pair("output_padding"),
                                           dilation: parameters.pair("dilation"), groups: parameters.int("groups"))]
        },
        "max_pool1d": { inputs, parameters in
            try parameters.expectPoolingDefaults(returnIndices: true)
            let (values, indices) = try inputs[0].maxPool1dWithIndices(
                kernelSize: parameters.single("kernel_size"), stride: parameters.single("stride"),
                padding: parameters.single("padding"), dilation: parameters.single("dilation"))
            return [values, indices]
        },
        "max_pool2d": { inputs, parameters in
            try parameters.expectPoolingDefaults(returnIndices: true)
            let (values, indices) = try inputs[0].maxPool2dWithIndices(
                kernelSize: parameters.pair("kernel_size"), stride: parameters.pair("stride"),
                padding: parameters.pair("padding"), dilation: parameters.pair("dilation"))
            return [values, indices]
        },
        "avg_pool1d": { inputs, parameters in
            try parameters.expectPoolingDefaults(returnIndices: false)
            return [try inputs[0].avgPool1d(kernelSize: parameters.single("kernel_size"), stride: parameters.single("stride"),
                                            padding: parameters.single("padding"),
                                            countIncludePad: parameters.bool("count_include_pad"))]
        },
        "avg_pool2d": { inputs, parameters in
            try parameters.expectPoolingDefaults(returnIndices: false)
            return [try inputs[0].avgPool2d(kernelSize: parameters.pair("kernel_size"), stride: parameters.pair("stride"),
                                            padding: parameters.pair("padding"),
                                            countIncludePad: parameters.bool("count_include_pad"))]
        },
        "adaptive_avg_pool2d": { inputs, parameters in
            [try inputs[0].adaptiveAvgPool2d(outputSize: parameters.pair("output_size"))]
        },
        "adaptive_max_pool2d": { inputs, parameters in
            try parameters.expectPoolingDefaults(returnIndices: true)
            let (values, indices) = try inputs[0].adaptiveMaxPool2dWithIndices(outputSize: parameters.pair("output_size"))
            return [values, indices]
        },
        "upsample_nearest2d": { inputs, parameters in
            try parameters.expect("mode", "nearest", reading: parameters.optionalString)
            return [try parameters.upsampled(inputs[0], mode: .nearest, alignCorners: false)]
        },
        "upsample_bilinear2d": { inputs, parameters in
            try parameters.expect("mode", "bilinear", reading: parameters.optionalString)
            return [try parameters.upsampled(inputs[0], mode: .bilinear, alignCorners: parameters.bool("align_corners"))]
        },
        "batch_norm": { inputs, parameters in
            let result = try Tensor.batchNorm(inputs[0], runningMean: inputs[3], runningVar: inputs[4], weight: inputs[1],
                                              bias: inputs[2], training: parameters.bool("training"),
                                              momentum: parameters.float("momentum"), eps: parameters.float("eps"))
            return [result.output] + [result.runningMean, result.runningVar].compactMap { $0 }
        },
        "layer_norm": { inputs, parameters in
            [try inputs[0].layerNorm(normalizedShape: parameters.ints("normalized_shape"), weight: inputs[1], bias: inputs[2],
                                     eps: parameters.float("eps"))]
        },
        "cross_entropy": { inputs, parameters in
            let reduction = try parameters.string("reduction")
            guard let mode = LossReduction(rawValue: reduction) else {
                throw ParityFixtureError.badParameter(file: inputs.file, parameter: "reduction",
                                                      expected: "mean, sum or none", found: reduction)
            }
            return [try Tensor.crossEntropy(inputs[0], targets: inputs[1], reduction: mode)]
        },
    ]
}

/// Reading PyTorch's spatial arguments (one int per spatial axis, in a list) as the Tensor API's.
extension ParityParameters {
    /// A one-entry list as an Int (1-D convolution and pooling).
    func single(_ key: String) throws -> Int {
        let values = try ints(key)
        guard values.count == 1 else {
            throw ParityFixtureError.badParameter(file: file, parameter: key, expected: "one integer", found: "\(values)")
        }
        return values[0]
    }

    /// A one- or two-entry list as a (height, width) pair.
    func pair(_ key: String) throws -> SpatialPair {
        let values = try ints(key)
        switch values.count {
        case 1: return SpatialPair(values[0], values[0])
        case 2: return SpatialPair(values[0], values[1])
        default: throw ParityFixtureError.badParameter(file: file, parameter: key, expected: "one or two integers", found: "\(values)")
        }
    }

    /// The Tensor API pools always round down and return indices through `…WithIndices`.
    func expectPoolingDefaults(returnIndices: Bool) throws {
        try expect("ceil_mode", false, reading: optionalBool)
        try expect("return_indices", returnIndices, reading: optionalBool)
    }

    /// The input resized as the case asks: to its `size`, or by its (one or two) `scale_factor`s.
    func upsampled(_ input: Tensor, mode: InterpolationMode, alignCorners: Bool) throws -> Tensor {
        guard let factors = try optionalFloats("scale_factor") else {
            return try input.upsample2d(size: pair("size"), mode: mode, alignCorners: alignCorners)
        }
        // The fixture stores Float32 copies of Python's factors; 1.5-style factors survive that exactly.
        let scales = ScaleFactors(Double(factors[0]), Double(factors[factors.count > 1 ? 1 : 0]))
        return try input.upsample2d(scaleFactors: scales, mode: mode, alignCorners: alignCorners)
    }
}
