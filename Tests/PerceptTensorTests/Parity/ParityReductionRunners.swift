@testable import PerceptTensor

extension ParityRunners {
    /// Reductions over axes, extrema with their indices, softmax and log-softmax.
    static let reductions: [String: ParityRunner] = [
        "sum": { inputs, parameters in
            [try inputs[0].sum(axes: parameters.optionalInts("dim"), keepDims: parameters.optionalBool("keepdim") ?? false)]
        },
        "mean": { inputs, parameters in
            [try inputs[0].mean(axes: parameters.optionalInts("dim"), keepDims: parameters.optionalBool("keepdim") ?? false)]
        },
        "var": { inputs, parameters in
            [try inputs[0].variance(axes: parameters.optionalInts("dim"), correction: parameters.int("correction"),
                                    keepDims: parameters.optionalBool("keepdim") ?? false)]
        },
        "std": { inputs, parameters in
            [try inputs[0].standardDeviation(axes: parameters.optionalInts("dim"), correction: parameters.int("correction"),
                                             keepDims: parameters.optionalBool("keepdim") ?? false)]
        },
        "logsumexp": { inputs, parameters in
            [try inputs[0].logSumExp(axes: parameters.ints("dim"), keepDims: parameters.optionalBool("keepdim") ?? false)]
        },
        "max": { inputs, parameters in
            guard let axis = try parameters.optionalInt("dim") else { return [try inputs[0].max()] }
            let (values, indices) = try inputs[0].max(axis: axis, keepDims: parameters.optionalBool("keepdim") ?? false)
            return [values, indices]
        },
        "min": { inputs, parameters in
            guard let axis = try parameters.optionalInt("dim") else { return [try inputs[0].min()] }
            let (values, indices) = try inputs[0].min(axis: axis, keepDims: parameters.optionalBool("keepdim") ?? false)
            return [values, indices]
        },
        "argmax": { inputs, parameters in
            let keepDims = try parameters.optionalBool("keepdim") ?? false
            guard let axis = try parameters.optionalInt("dim") else { return [try inputs[0].flattened().argmax(axis: 0)] }
            return [try inputs[0].argmax(axis: axis, keepDims: keepDims)]
        },
        "argmin": { inputs, parameters in
            let keepDims = try parameters.optionalBool("keepdim") ?? false
            guard let axis = try parameters.optionalInt("dim") else { return [try inputs[0].flattened().argmin(axis: 0)] }
            return [try inputs[0].argmin(axis: axis, keepDims: keepDims)]
        },
        "softmax": { inputs, parameters in [try inputs[0].softmax(axis: parameters.int("dim"))] },
        "log_softmax": { inputs, parameters in [try inputs[0].logSoftmax(axis: parameters.int("dim"))] },
    ]
}
