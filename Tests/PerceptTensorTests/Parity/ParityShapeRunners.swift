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
        "expand": { inputs, parameters in [try inputs[0].expanded(to: parameters.ints("size"))] },
        "cat": { inputs, parameters in [try Tensor.concatenate(inputs.tensors, axis: parameters.int("dim"))] },
        "stack": { inputs, parameters in [try Tensor.stack(inputs.tensors, axis: parameters.int("dim"))] },
        "split": { inputs, parameters in
            let axis = try parameters.int("dim"), key = "split_size_or_sections"
            if parameters.isList(key) { return try inputs[0].split(sizes: parameters.ints(key), axis: axis) }
            return try inputs[0].split(size: parameters.int(key), axis: axis)
        },
        "chunk": { inputs, parameters in try inputs[0].chunk(parameters.int("chunks"), axis: parameters.int("dim")) },
        "pad": { inputs, parameters in
            let mode: PaddingMode
            switch try parameters.string("mode") {
            case "reflect": mode = .reflect
            case "replicate": mode = .replicate
            default: mode = .constant(try parameters.optionalFloat("value") ?? 0)
            }
            return [try inputs[0].padded(lastAxisFirst: parameters.ints("pad"), mode: mode)]
        },
        "index_select": { inputs, parameters in [try inputs[0].indexSelect(axis: parameters.int("dim"), indices: inputs[1])] },
        "gather": { inputs, parameters in [try inputs[0].gather(axis: parameters.int("dim"), indices: inputs[1])] },
        "scatter_add": { inputs, parameters in
            [try inputs[0].scatterAdd(axis: parameters.int("dim"), indices: inputs[1], source: inputs[2])]
        },
        "repeat": { inputs, parameters in [try inputs[0].repeated(parameters.ints("repeats"))] },
        "masked_fill": { inputs, parameters in [try inputs[0].maskedFill(inputs[1], with: parameters.float("value"))] },
        "slice": { inputs, parameters in
            [try inputs[0].slice(axis: parameters.int("dim"), start: parameters.int("start"),
                                 end: parameters.int("end"), step: parameters.int("step"))]
        },
    ]
}
