import PerceptTensor

/// Turns a recorded forward pass into ONNX nodes: keeps the steps the outputs depend on,
/// names every value (graph inputs and outputs by the caller's names, parameters by their
/// state-dict names, everything else after the layer that made it) and lowers each step.
struct TracedGraphBuilder {
    let recorder: GraphRecorder
    let inputs: [(name: String, tensor: Tensor)]
    let outputs: [(name: String, tensor: Tensor)]
    /// State-dict names of the model's parameters and buffers.
    let parameterNames: [ValueKey: String]
    /// Per step, the output axes that follow the batch size (dynamic batch only).
    let batchAxes: [Int: Set<Int>]

    func build(into emitter: inout GraphEmitter) throws {
        var names: [ValueKey: String] = [:]
        for (name, tensor) in inputs { names[ValueKey(tensor)] = emitter.freshName(name) }
        let needed = try neededSteps()
        var constants: [ValueKey: (tensor: Tensor, layer: String)] = [:]
        for index in needed {
            let step = recorder.steps[index]
            for case let input? in step.operation.inputs {
                let key = ValueKey(input)
                if names[key] == nil, recorder.producers[key] == nil { constants[key] = (input, step.layer) }
            }
        }
        // Parameters first, under their own names, in a stable order.
        for (key, constant) in constants.sorted(by: { (parameterNames[$0.key] ?? "~", $0.value.layer) < (parameterNames[$1.key] ?? "~", $1.value.layer) }) {
            guard constant.tensor.dtype == .float32 else {
                throw ONNXExportError.unsupportedConstant(layer: constant.layer, dtype: String(describing: constant.tensor.dtype))
            }
            let name = emitter.freshName(parameterNames[key] ?? (constant.layer.isEmpty ? "constant" : "\(constant.layer).constant"))
            emitter.initializer(ONNXTensor(name: name, dims: constant.tensor.shape, floats: constant.tensor.contiguous().toArray()))
            names[key] = name
        }
        var outputNames: [ValueKey: String] = [:]
        for (name, tensor) in outputs {
            let key = ValueKey(tensor)
            if let inputName = names[key] {
                // The output is an input or a constant as it stands: a copy makes it a value of its own.
                let copy = emitter.freshName(name)
                emitter.node("Identity", [inputName], [copy], layer: "")
            } else {
                outputNames[key] = emitter.freshName(name)
            }
        }
        for index in needed {
            let step = recorder.steps[index], key = ValueKey(step.operation.output)
            let output = outputNames[key] ?? emitter.freshName(step.layer.isEmpty ? step.operation.kind : "\(step.layer)/\(step.operation.kind)")
            let inputNames = step.operation.inputs.map { $0.flatMap { names[ValueKey($0)] } ?? "" }
            try OperatorLowering.lower(LoweringStep(step: step, inputs: inputNames, output: output, batchAxes: batchAxes[index] ?? []),
                                       into: &emitter)
            names[key] = output
        }
    }

    /// Indices of the steps the outputs depend on, in the order they ran.
    private func neededSteps() throws -> [Int] {
        let inputKeys = Set(inputs.map { ValueKey($0.tensor) })
        var needed = Set<Int>(), pending: [ValueKey] = []
        for (name, tensor) in outputs {
            let key = ValueKey(tensor)
            guard inputKeys.contains(key) || recorder.producers[key] != nil else { throw ONNXExportError.disconnectedOutput(name) }
            pending.append(key)
        }
        while let key = pending.popLast() {
            guard !inputKeys.contains(key), let index = recorder.producers[key], needed.insert(index).inserted else { continue }
            pending += recorder.steps[index].operation.inputs.compactMap { $0.map(ValueKey.init) }
        }
        return needed.sorted()
    }
}
