@testable import PerceptTensor

extension ParityRunners {
    /// Views, joining and splitting, padding and indexing.
    static let shapes: [String: ParityRunner] = [
        "reshape": { inputs, parameters in [try inputs[0].reshaped(parameters.ints("shape"))] },
        "flatten": { inputs, parameters in
            [try inputs[0].flattened(from: parameters.int("start_dim"), to: parameters.int("end_dim"))]
        },
        "squeeze": { inputs, parameters in [try inputs[0].squeezed(parameters.optionalInt("dim"))] },
        "unsqueeze": { inputs, parameters in [try inputs[0].unsqueezed(parameters.int("dim"))] },
        "permute": { inputs, parameters in [try inputs[0].permuted(parameters.ints("dims"))] },
        "transpose": { inputs, parameters in
            [try inputs[0].transposed(parameters.int("dim0"), parameters.int("dim1"))]
        },
        "expand": { inputs, parameters in
            // PyTorch's -1 keeps the axis; expanded(to:) takes the full target shape.
            let input = try inputs[0], size = try parameters.ints("size")
            let newAxes = size.count - input.rank
            let target = size.enumerated().map { axis, length in length == -1 && axis >= newAxes ? input.shape[axis - newAxes] : length }
            return [try input.expanded(to: target)]
        },
        "masked_fill": { inputs, parameters in [try inputs[0].maskedFill(inputs[1], with: parameters.float("value"))] },
        "slice": { inputs, parameters in
            [try inputs[0].slice(axis: parameters.int("dim"), start: parameters.int("start"),
                                 end: parameters.int("end"), step: parameters.int("step"))]
        },
    ]
}
